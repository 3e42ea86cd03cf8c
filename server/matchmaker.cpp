#include "matchmaker.h"

#include "messagecodec.h"

#include <algorithm>

namespace pairmatch {

std::optional<Match> Matchmaker::entry(
    ConnId conn, qint32 type, const ClientMessage &message, Millis now, Output &out)
{
    Q_ASSERT(message.command == Command::Entry);
    if (m_byConn.count(conn)) {
        out.sendError(conn, ErrorCode::AlreadyQueued);
        return std::nullopt;
    }
    if (m_byUser.contains(message.userId)) {
        out.sendError(conn, ErrorCode::DuplicateUser);
        return std::nullopt;
    }
    if (m_draining) {
        out.sendError(conn, ErrorCode::Draining);
        return std::nullopt;
    }

    QueuedPlayer player {conn, type, message.userId, MessageCodec::compactUser(message), now};
    Queue &queue = m_queues[type];
    if (queue.empty()) {
        queue.push_back(std::move(player));
        m_byConn.emplace(conn, std::prev(queue.end()));
        m_byUser.insert(message.userId, conn);
        out.queueEvents.push_back({QueueEvent::Kind::Joined, type, conn, 0, message.userId});
        out.send(conn, MessageCodec::entriedFrame());
        return std::nullopt;
    }

    // FIFO: the newcomer meets whoever has waited longest.
    Match match {type, std::move(player), queue.front()};
    out.queueEvents.push_back(
        {QueueEvent::Kind::Matched, type, match.waiter.conn, conn, match.waiter.userId});
    unlink(m_byConn.find(match.waiter.conn));
    return match;
}

bool Matchmaker::admits(ConnId conn, const QByteArray &userId, Output &out) const
{
    if (m_byConn.count(conn)) {
        out.sendError(conn, ErrorCode::AlreadyQueued);
        return false;
    }
    if (m_byUser.contains(userId)) {
        out.sendError(conn, ErrorCode::DuplicateUser);
        return false;
    }
    if (m_draining) {
        out.sendError(conn, ErrorCode::Draining);
        return false;
    }
    return true;
}

void Matchmaker::hold(QueuedPlayer player, Output &out, bool quiet)
{
    const ConnId conn = player.conn;
    const qint32 type = player.type;
    const QByteArray userId = player.userId;
    Queue &queue = m_queues[type];
    queue.push_back(std::move(player));
    m_byConn.emplace(conn, std::prev(queue.end()));
    m_byUser.insert(userId, conn);
    out.queueEvents.push_back({QueueEvent::Kind::Joined, type, conn, 0, userId});
    if (!quiet)
        out.send(conn, MessageCodec::entriedFrame());
}

std::optional<QueuedPlayer> Matchmaker::take(ConnId conn, ConnId by, Output &out)
{
    const auto it = m_byConn.find(conn);
    if (it == m_byConn.end())
        return std::nullopt;
    QueuedPlayer player = *it->second;
    out.queueEvents.push_back({QueueEvent::Kind::Matched, player.type, conn, by, player.userId});
    unlink(it);
    return player;
}

std::vector<QueuedPlayer> Matchmaker::waiters() const
{
    std::vector<QueuedPlayer> all;
    all.reserve(m_byConn.size());
    for (const auto &[type, queue] : m_queues)
        all.insert(all.end(), queue.begin(), queue.end());
    std::stable_sort(all.begin(), all.end(),
        [](const QueuedPlayer &a, const QueuedPlayer &b) { return a.since < b.since; });
    return all;
}

void Matchmaker::cancel(ConnId conn, Output &out)
{
    const auto it = m_byConn.find(conn);
    if (it == m_byConn.end()) {
        out.sendError(conn, ErrorCode::NotQueued);
        return;
    }
    out.queueEvents.push_back(
        {QueueEvent::Kind::Left, it->second->type, conn, 0, it->second->userId});
    unlink(it);
    out.send(conn, MessageCodec::cancelledFrame());
}

void Matchmaker::remove(ConnId conn, Output &out)
{
    const auto it = m_byConn.find(conn);
    if (it == m_byConn.end())
        return;
    out.queueEvents.push_back(
        {QueueEvent::Kind::Left, it->second->type, conn, 0, it->second->userId});
    unlink(it);
}

const QueuedPlayer *Matchmaker::waiting(ConnId conn) const
{
    const auto it = m_byConn.find(conn);
    return it == m_byConn.end() ? nullptr : &*it->second;
}

void Matchmaker::unlink(std::unordered_map<ConnId, Queue::iterator>::iterator it)
{
    const Queue::iterator entry = it->second;
    const auto queue = m_queues.find(entry->type);
    m_byUser.remove(entry->userId);
    m_byConn.erase(it);
    queue->second.erase(entry);
    if (queue->second.empty())
        m_queues.erase(queue);
}

} // namespace pairmatch
