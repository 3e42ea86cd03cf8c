// What the dashboard sees of a server: a snapshot, then updates, and the operator commands.
// InProcessFeed serves it from a server on another thread of the same process; AdminClient
// serves it over the admin API of a remote server. The dashboard's models know only this
// interface.
#pragma once

#include "admincommands.h"
#include "adminmessages.h"

#include <QObject>

namespace pairmatch {

class AdminFeed : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~AdminFeed() override = default;
    Q_DISABLE_COPY_MOVE(AdminFeed)

    // Starts the feed: snapshotReceived(), then updatesReceived() with every change, a batch
    // at a time.
    virtual void start() = 0;
    // Where the data comes from, for the window title ("in-process", "ws://host:9090/admin").
    virtual QString source() const = 0;

    // Carries out an operator command (admincommands.h). An action is answered with
    // actionFinished(), `snapshot` with snapshotReceived() and the updates after it,
    // `history` with historyCountersReceived() (unless the history is off) and
    // historyAnswered().
    virtual void submit(const AdminCommand &command) = 0;

    // The dashboard's actions.
    // Closes the session with 4000 "kicked by operator".
    void kick(quint64 sessionId) { submit(AdminCommand::kick(sessionId)); }
    // Fires the pair's prepare timeout now: its seated players get `invalid`.
    void expire(const QString &pairId) { submit(AdminCommand::expire(pairId)); }
    // Draining: `entry` is refused with `draining` while live pairs play on.
    void setDraining(bool draining) { submit(AdminCommand::drain(draining)); }
    // Asks the match history for a page of finished games (matchhistory.h).
    void queryHistory(const HistoryQuery &query) { submit(AdminCommand::history(query)); }

Q_SIGNALS:
    void snapshotReceived(const pairmatch::Snapshot &snapshot);
    // The changes since the last batch, oldest first: a model applies them as one change.
    void updatesReceived(const QList<pairmatch::AdminUpdate> &updates);
    void actionFinished(const QString &action, bool ok, const QString &message);
    // false: the feed stopped (an attached dashboard lost its server), with why.
    void connectionChanged(bool connected, const QString &detail);
    // A page of the match history, as asked with queryHistory(); page.error tells why it
    // could not be read ("history is off", an SQLite error).
    void historyAnswered(const pairmatch::HistoryPage &page);
    // The history's counters as of that answer; not emitted when the history is off.
    void historyCountersReceived(const pairmatch::HistoryCounters &counters);

protected:
    // What implementations emit through: after a snapshot, only the updates that came after
    // it (one a resync's snapshot already holds, or a repeat, is dropped here, once for
    // every consumer).
    void deliverSnapshot(const Snapshot &snapshot)
    {
        m_seq = snapshot.seq;
        Q_EMIT snapshotReceived(snapshot);
    }
    void deliverUpdates(QList<AdminUpdate> updates)
    {
        updates.removeIf([this](const AdminUpdate &u) {
            if (u.seq <= m_seq)
                return true;
            m_seq = u.seq;
            return false;
        });
        if (!updates.isEmpty())
            Q_EMIT updatesReceived(updates);
    }
    void deliverResult(const AdminResult &result)
    {
        Q_EMIT actionFinished(QString(adminCommandName(result.action)), result.ok, result.message);
    }
    void deliverHistory(const HistoryAnswer &answer)
    {
        if (answer.counters)
            Q_EMIT historyCountersReceived(*answer.counters);
        Q_EMIT historyAnswered(answer.page);
    }

private:
    quint64 m_seq = 0;
};

} // namespace pairmatch
