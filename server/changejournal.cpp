#include "changejournal.h"

#include <algorithm>

namespace pairmatch {

ChangeJournal::ChangeJournal(Limits limits)
    : m_limits(limits)
{ }

template <typename Map, typename Key> void ChangeJournal::mark(Map &rows, const Key &key, Mark mark)
{
    if (m_overflowed)
        return;
    auto [it, inserted] = rows.try_emplace(key);
    Row &row = it->second;
    if (inserted) {
        row.order = m_order++;
        row.existedBefore = mark != Mark::Add;
        row.present = mark != Mark::Remove;
        checkRows();
        return;
    }
    switch (mark) {
    case Mark::Add:
        if (row.present)
            row.existedBefore = false; // its first mark only guessed: it is new
        else
            row.replaced = true; // went and came back (a queue entry again)
        row.present = true;
        break;
    case Mark::Change:
        break;
    case Mark::Remove:
        if (!row.existedBefore) {
            rows.erase(it); // came and went: the consumer never needs it
            return;
        }
        row.present = false;
        break;
    }
}

void ChangeJournal::sessionOpened(quint64 id)
{
    mark(m_sessions, id, Mark::Add);
}

void ChangeJournal::sessionChanged(quint64 id)
{
    mark(m_sessions, id, Mark::Change);
}

void ChangeJournal::sessionClosed(quint64 id)
{
    mark(m_sessions, id, Mark::Remove);
}

void ChangeJournal::queueJoined(quint64 sessionId)
{
    mark(m_queue, sessionId, Mark::Add);
}

void ChangeJournal::queueLeft(quint64 sessionId)
{
    mark(m_queue, sessionId, Mark::Remove);
}

void ChangeJournal::pairIssued(const QByteArray &pairId)
{
    mark(m_pairs, pairId, Mark::Add);
}

void ChangeJournal::pairChanged(const QByteArray &pairId)
{
    mark(m_pairs, pairId, Mark::Change);
}

void ChangeJournal::pairRemoved(const QByteArray &pairId)
{
    mark(m_pairs, pairId, Mark::Remove);
}

void ChangeJournal::checkRows()
{
    if (qsizetype(m_sessions.size() + m_queue.size() + m_pairs.size()) > m_limits.maxRows) {
        clear();
        m_overflowed = true;
    }
}

template <typename Record>
void ChangeJournal::keep(std::deque<Record> &records, const Record &record)
{
    if (m_overflowed)
        return;
    records.push_back(record);
    if (qsizetype(records.size()) > m_limits.maxRecords)
        records.pop_front();
}

void ChangeJournal::event(const LogEvent &event)
{
    keep(m_events, event);
}

void ChangeJournal::disconnect(const ForcedDisconnect &disconnect)
{
    keep(m_disconnects, disconnect);
}

void ChangeJournal::stats(const StatsSample &sample)
{
    if (!m_overflowed)
        m_stats.push_back(sample);
}

void ChangeJournal::draining(bool draining)
{
    if (!m_overflowed)
        m_draining = draining;
}

void ChangeJournal::clusterChanged()
{
    if (!m_overflowed)
        m_cluster = true;
}

bool ChangeJournal::isEmpty() const
{
    return m_sessions.empty() && m_queue.empty() && m_pairs.empty() && m_events.empty()
        && m_disconnects.empty() && m_stats.empty() && !m_draining && !m_cluster;
}

template <typename Map>
ChangeJournal::Rows<typename Map::key_type> ChangeJournal::verdicts(Map &rows)
{
    using Key = typename Map::key_type;
    std::vector<std::pair<quint32, std::pair<Key, Verdict>>> marked;
    marked.reserve(rows.size());
    for (auto &[key, row] : rows) {
        const Verdict verdict = !row.present ? Verdict::Removed
            : !row.existedBefore             ? Verdict::Added
            : row.replaced                   ? Verdict::Replaced
                                             : Verdict::Changed;
        marked.push_back({row.order, {key, verdict}});
    }
    rows.clear();
    std::sort(marked.begin(), marked.end(),
        [](const auto &a, const auto &b) { return a.first < b.first; });
    Rows<Key> out;
    out.reserve(marked.size());
    for (auto &m : marked)
        out.push_back(std::move(m.second));
    return out;
}

ChangeJournal::Changes ChangeJournal::take()
{
    Changes c;
    c.sessions = verdicts(m_sessions);
    c.queue = verdicts(m_queue);
    c.pairs = verdicts(m_pairs);
    c.events.assign(
        std::make_move_iterator(m_events.begin()), std::make_move_iterator(m_events.end()));
    c.disconnects.assign(std::make_move_iterator(m_disconnects.begin()),
        std::make_move_iterator(m_disconnects.end()));
    c.stats = std::move(m_stats);
    c.draining = m_draining;
    c.cluster = m_cluster;
    clear();
    return c;
}

void ChangeJournal::clear()
{
    m_sessions.clear();
    m_queue.clear();
    m_pairs.clear();
    m_events.clear();
    m_disconnects.clear();
    m_stats.clear();
    m_draining.reset();
    m_cluster = false;
    m_order = 0;
    m_overflowed = false;
}

} // namespace pairmatch
