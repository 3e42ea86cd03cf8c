#include "updatecoalescer.h"

#include <algorithm>

namespace pairmatch {

UpdateCoalescer::UpdateCoalescer(Limits limits)
    : m_limits(limits)
{ }

template <typename Key>
void UpdateCoalescer::note(
    QHash<Key, Pending> &rows, const Key &key, const AdminUpdate &update, bool adds, bool removes)
{
    auto it = rows.find(key);
    if (it == rows.end()) {
        Pending p;
        p.existedBefore = !adds; // a row this update creates was not there before
        p.firstSeq = update.seq;
        it = rows.insert(key, p);
    }
    it->present = !removes;
    it->last = update;
}

void UpdateCoalescer::add(const AdminUpdate &u)
{
    if (m_overflowed)
        return;
    using Kind = AdminUpdate::Kind;
    switch (u.kind) {
    case Kind::SessionOpened:
        note(m_sessions, u.session.id, u, true, false);
        break;
    case Kind::SessionChanged:
        note(m_sessions, u.session.id, u, false, false);
        break;
    case Kind::SessionClosed:
        note(m_sessions, u.sessionId, u, false, true);
        break;
    case Kind::QueueJoined:
        note(m_queue, u.queueEntry.sessionId, u, true, false);
        break;
    case Kind::QueueLeft:
        note(m_queue, u.sessionId, u, false, true);
        break;
    case Kind::PairChanged:
        note(m_pairs, u.pair.pairId, u, false, false);
        break;
    case Kind::PairRemoved:
        note(m_pairs, u.pairId, u, false, true);
        break;
    case Kind::Event:
        m_events.push_back(u);
        if (qsizetype(m_events.size()) > m_limits.maxRecords)
            m_events.pop_front();
        break;
    case Kind::Disconnect:
        m_disconnects.push_back(u);
        if (qsizetype(m_disconnects.size()) > m_limits.maxRecords)
            m_disconnects.pop_front();
        break;
    case Kind::Stats:
        m_stats.push_back(u);
        break;
    case Kind::Draining:
        m_draining.assign(1, u);
        break;
    case Kind::Cluster:
        m_cluster.assign(1, u);
        break;
    }
    if (m_sessions.size() + m_queue.size() + m_pairs.size() > m_limits.maxRows) {
        clear();
        m_overflowed = true;
    }
}

bool UpdateCoalescer::isEmpty() const
{
    return m_sessions.isEmpty() && m_queue.isEmpty() && m_pairs.isEmpty() && m_events.empty()
        && m_disconnects.empty() && m_stats.empty() && m_draining.empty() && m_cluster.empty();
}

template <typename Key>
void UpdateCoalescer::emitRows(
    QHash<Key, Pending> &rows, std::vector<AdminUpdate> &out, AdminUpdate::Kind removal, bool reAdd)
{
    for (const Pending &p : std::as_const(rows)) {
        if (!p.present) {
            if (p.existedBefore) // else it came and went: the consumer never needs it
                out.push_back(p.last);
            continue;
        }
        if (reAdd && p.existedBefore && p.firstSeq < p.last.seq) {
            // an entry the consumer may hold was replaced: it goes, then the new one comes
            AdminUpdate gone;
            gone.kind = removal;
            gone.seq = p.firstSeq;
            gone.sessionId = p.last.queueEntry.sessionId;
            out.push_back(gone);
        }
        AdminUpdate u = p.last;
        if (u.kind == AdminUpdate::Kind::SessionChanged && !p.existedBefore)
            u.kind = AdminUpdate::Kind::SessionOpened;
        out.push_back(u);
    }
    rows.clear();
}

QList<AdminUpdate> UpdateCoalescer::take()
{
    std::vector<AdminUpdate> out;
    emitRows(m_sessions, out, AdminUpdate::Kind::SessionClosed, false);
    emitRows(m_queue, out, AdminUpdate::Kind::QueueLeft, true);
    emitRows(m_pairs, out, AdminUpdate::Kind::PairRemoved, false);
    out.insert(out.end(), m_events.begin(), m_events.end());
    out.insert(out.end(), m_disconnects.begin(), m_disconnects.end());
    out.insert(out.end(), m_stats.begin(), m_stats.end());
    out.insert(out.end(), m_draining.begin(), m_draining.end());
    out.insert(out.end(), m_cluster.begin(), m_cluster.end());
    std::sort(out.begin(), out.end(),
        [](const AdminUpdate &a, const AdminUpdate &b) { return a.seq < b.seq; });
    clear();
    return QList<AdminUpdate>(out.begin(), out.end());
}

void UpdateCoalescer::clear()
{
    m_sessions.clear();
    m_queue.clear();
    m_pairs.clear();
    m_events.clear();
    m_disconnects.clear();
    m_stats.clear();
    m_draining.clear();
    m_cluster.clear();
    m_overflowed = false;
}

} // namespace pairmatch
