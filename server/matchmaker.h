// The matching queues (pure: no sockets, no timers). One FIFO per game type; one waiting
// entry per userId across all types; a connection that closes leaves at once.
#pragma once

#include "effects.h"
#include "messages.h"

#include <QHash>

#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

namespace pairmatch {

struct QueuedPlayer {
    ConnId conn = 0;
    qint32 type = 0;
    QByteArray userId;
    QByteArray user; // compact JSON, passed on verbatim
    Millis since = 0;
};

struct Match {
    qint32 type = 0;
    QueuedPlayer newcomer;
    QueuedPlayer waiter;
};

class Matchmaker final
{
public:
    // `entry` from conn on the matching endpoint of `type`. Answers `entried` or an error
    // itself; when a waiter was there, both leave the queue and the match is returned for
    // the caller to issue a pair (which sends `prepare`).
    std::optional<Match> entry(
        ConnId conn, qint32 type, const ClientMessage &message, Millis now, Output &out);
    // In a cluster the queues live in Redis and this machine keeps this node's waiters only.
    // The checks of `entry` that this node answers itself (already_queued, duplicate_user,
    // draining); true when the entry may go on to the cluster's queue.
    bool admits(ConnId conn, const QByteArray &userId, Output &out) const;
    // The cluster queued the player: it waits here, unmatched (answers `entried` unless quiet).
    void hold(QueuedPlayer player, Output &out, bool quiet = false);
    // The cluster matched this waiter with `by` (a newcomer, perhaps on another node): it
    // leaves its queue. Nothing when it no longer waits.
    std::optional<QueuedPlayer> take(ConnId conn, ConnId by, Output &out);

    // `cancel`: leave the queue and stay connected.
    void cancel(ConnId conn, Output &out);
    // The connection closed (for any reason): it leaves its queue, if any.
    void remove(ConnId conn, Output &out);

    // While draining, `entry` is refused with `draining`; waiting players stay queued.
    void setDraining(bool draining) { m_draining = draining; }
    bool isDraining() const { return m_draining; }

    const QueuedPlayer *waiting(ConnId conn) const;
    bool isUserWaiting(const QByteArray &userId) const { return m_byUser.contains(userId); }
    qsizetype waitingCount() const { return qsizetype(m_byConn.size()); }

    // Every waiter, oldest first within its type.
    std::vector<QueuedPlayer> waiters() const;
    // f(type, const std::list<QueuedPlayer>&) for each non-empty queue, in no set order.
    template <typename F> void forEachQueue(F &&f) const
    {
        for (const auto &[type, queue] : m_queues)
            f(type, queue);
    }

private:
    using Queue = std::list<QueuedPlayer>;
    void unlink(std::unordered_map<ConnId, Queue::iterator>::iterator it);

    std::unordered_map<qint32, Queue> m_queues;
    std::unordered_map<ConnId, Queue::iterator> m_byConn;
    QHash<QByteArray, ConnId> m_byUser;
    bool m_draining = false;
};

} // namespace pairmatch
