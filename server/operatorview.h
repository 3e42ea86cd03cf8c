// What operators see of the server: the log lines, the recent forced disconnects and events,
// a counters sample once a second, the whole state as a Snapshot and, while anyone observes
// it, every change as an AdminUpdate (value structs from adminmessages.h, never display
// text), and the counters /metrics reports (metriccounters.h, movetimer.h). It is told what
// happened by the core, from the Effects and events the machines already emit, and reads the
// connection table and the machines; the bookkeeping of what it last reported is its own, so
// sessions and pairs carry none.
#pragma once

#include "adminmessages.h"
#include "changejournal.h"
#include "connectiontable.h"
#include "effects.h"
#include "metriccounters.h"
#include "movetimer.h"
#include "pairtable.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <array>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace pairmatch {

class ClusterNode;
class Matchmaker;
class Session;
struct Match;

class OperatorView final : public QObject
{
    Q_OBJECT

public:
    OperatorView(const Clock &clock, const ConnectionTable &connections,
        const Matchmaker &matchmaker, const PairTable &pairs, QObject *parent = nullptr);
    ~OperatorView() override;
    Q_DISABLE_COPY_MOVE(OperatorView)

    // The whole state now; updated() carries every change after it while at least one
    // observer is registered (the admin API, which sends each change as it comes).
    Snapshot snapshot() const;
    void addObserver();
    void removeObserver();
    // The in-process dashboard's way, which takes the changes a batch at a time: while the
    // journal is open, each change only marks its row (changejournal.h), changesPending()
    // says when the first one after a take comes, and takeChanges() builds the updates from
    // the state as it is then. One journal at most.
    void openJournal();
    void closeJournal();
    // More piled up than the journal keeps: a snapshot must replace it (clearChanges()).
    bool journalOverflowed() const { return m_journal && m_journal->overflowed(); }
    QList<AdminUpdate> takeChanges();
    void clearChanges();
    // Something changed since the last takeChanges() or clearChanges().
    bool hasChanges() const { return m_journalPending; }
    bool isObserved() const { return m_observers > 0 || m_journal.has_value(); }
    // The node's cluster, shown beside its own state (null: it runs alone).
    void setCluster(const ClusterNode *cluster);

    // What happened, as the core learns it.
    void sessionOpened(const Session &session);
    void sessionClosed(const Session &session);
    void forcedDisconnect(const Session &session, quint16 code, const QString &reason);
    void matchMade(const Match &match, const Pair &pair);
    void kicked(const Session &session);
    void expired(const QByteArray &pairId, const std::array<QByteArray, 2> &userIds);
    void drainingChanged(bool draining);
    // The pair, queue and error events of one step of the machines.
    void report(const Output &out);
    // The players' listener refused a request with this HTTP status.
    void handshakeRefused(int status);
    // Connections closed for not answering pings.
    void deadPeersClosed(qsizetype count);
    // The match history's counters as it last reported them (HistoryStore), for the stats.
    void historyCountersChanged(quint64 written, quint64 failed);

    // For /metrics: a text message came in; the output was flushed (see movetimer.h).
    // Inline: they run on the per-move path.
    void messageReceived() { m_moveTimer.messageReceived(); }
    void outputFlushed() { m_moveTimer.outputFlushed(m_pairs.totalMoves()); }
    const MetricCounters &counters() const { return m_counters; }
    const DurationHistogram &moveDurations() const { return m_moveTimer.histogram(); }

    // The counters sample and the counters that move with every message go out once a
    // second (nothing is reported per message).
    Millis nextTick() const { return m_lastTick + kTickMs; }
    void tick(Millis now);

    static constexpr Millis kTickMs = 1000;
    // How many forced disconnects and events are kept for a new observer.
    static constexpr qsizetype kKeptDisconnects = 5000;
    static constexpr qsizetype kKeptEvents = 5000;
    static constexpr qsizetype kKeptSamples = 600; // ten minutes, one a second

Q_SIGNALS:
    void updated(const pairmatch::AdminUpdate &update);
    void changesPending();

private:
    // What was last reported of a session (its counters move with every message).
    struct ReportedSession {
        quint64 in = 0;
        quint64 out = 0;
        qint64 rtt = -1;
        QByteArray userId;
    };

    qint64 wallTime(Millis t) const { return m_wallAtStart + (t - m_monoAtStart); }
    PairOverReason overReason(const PairEvent &over, const PairEvent *before);
    LogEvent logEvent(LogEvent::Kind kind) const;
    void record(const LogEvent &event);
    void reportPair(const QByteArray &pairId);
    void emitUpdate(AdminUpdate &update);
    // Marks a change in the open journal (if any), then says so once per take.
    template <typename Mark> void journal(Mark &&mark);
    void startObserving();
    void stopObserving();
    SessionInfo sessionInfo(const Session &s) const;
    PairInfo pairInfo(const Pair &pair) const;
    void rememberReported();

    const Clock &m_clock;
    const ConnectionTable &m_connections;
    const Matchmaker &m_matchmaker;
    const PairTable &m_pairs;
    const ClusterNode *m_cluster = nullptr;

    Millis m_monoAtStart = 0;
    qint64 m_wallAtStart = 0;
    int m_observers = 0; // of updated()
    std::optional<ChangeJournal> m_journal;
    bool m_journalPending = false; // changesPending() went since the last take
    quint64 m_seq = 0;
    std::deque<ForcedDisconnect> m_disconnects;
    std::deque<LogEvent> m_events;
    std::deque<StatsSample> m_history;
    // while observed: what the last updates said
    std::unordered_map<ConnId, ReportedSession> m_reportedSessions;
    QHash<QByteArray, quint64> m_reportedMoves; // by pairId
    MetricCounters m_counters;
    MoveTimer m_moveTimer;
    std::unordered_set<ConnId> m_kicked; // kicked, not yet closed: for PairOverReason::Kicked
    QSet<QByteArray> m_expired; // expired, over not yet reported: for PairOverReason::Expired
    std::array<quint32, 60> m_matchesPerSecond {}; // ring, by second
    std::size_t m_matchSlot = 0;
    quint64 m_movesAtLastTick = 0;
    quint64 m_historyWritten = 0;
    quint64 m_historyFailed = 0;
    Millis m_lastTick = 0;
};

} // namespace pairmatch
