// The server's side of the in-process dashboard's feed: it lives on the server's thread,
// keeps the operators' view's journal open, and hands the dashboard, on its own thread, a
// snapshot and then one batch of updates at a time, built from the rows the journal marked
// as they are when the batch goes (changejournal.h): the next batch goes only when the
// dashboard has applied the last one, and no sooner than a frame later. What the dashboard
// has not taken yet stays bounded; past a snapshot's worth it is dropped and a fresh
// snapshot goes instead. Operator commands come back the same way and are carried
// out here, on the server's thread (adminactions.h, as for the admin API); `history` goes to
// the match history and its answer comes back when the history has it (historyrequests.h).
//
// The two ends meet only in queued signals (Quassel's internal peer): InProcessFeed on the
// dashboard's thread connects to these signals and slots, and nothing else crosses.
#pragma once

#include "admincommands.h"
#include "adminmessages.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace pairmatch {

class HistoryRequests;
class ServerCore;

class FeedPublisher final : public QObject
{
    Q_OBJECT

public:
    // A batch at most this often: a frame of the dashboard. 12.5 frames a second: a table
    // read by people needs no more, and each frame repaints every visible table (the
    // dashboard's cost under load is mostly its paints; docs/performance.md).
    static constexpr int kBatchIntervalMs = 80;

    explicit FeedPublisher(ServerCore &core, QObject *parent = nullptr);
    ~FeedPublisher() override;
    Q_DISABLE_COPY_MOVE(FeedPublisher)

    // Where `history` goes; none (the default): it is answered "history is off". It must
    // outlive this publisher.
    void setHistory(HistoryRequests *history) { m_history = history; }

    // Slots for the dashboard's end (queued from its thread).
    // Starts observing: snapshotReady(), then batchReady() as changes come.
    void start();
    // The dashboard applied the last batch (or snapshot): the next may go.
    void acknowledge();
    // Carries out an operator command: resultReady(), snapshotReady() for `snapshot`,
    // historyReady() for `history` (later, when the history has answered).
    void submit(const pairmatch::AdminCommand &command);

Q_SIGNALS:
    void snapshotReady(const pairmatch::Snapshot &snapshot);
    void batchReady(const QList<pairmatch::AdminUpdate> &updates);
    void resultReady(const pairmatch::AdminResult &result);
    void historyReady(const pairmatch::HistoryAnswer &answer);

private:
    void onPending();
    void send();
    void sendSnapshot(const Snapshot &snapshot);

    ServerCore &m_core;
    HistoryRequests *m_history = nullptr;
    QTimer m_next; // holds the next batch until a frame after the last
    QElapsedTimer m_sinceLast;
    bool m_started = false;
    bool m_inFlight = false; // a batch or snapshot the dashboard has not acknowledged yet
};

} // namespace pairmatch
