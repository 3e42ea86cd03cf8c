// What changed for a consumer that takes the changes a batch at a time (the in-process
// dashboard), kept as keys rather than as built updates: a row (a session, a queue entry, a
// pair) is only marked, and what it looks like is read from the live state when the batch is
// taken (OperatorView::takeChanges). So a session that opened and closed between two frames
// costs a hash insert and an erase, never a SessionInfo; a row that changed ten times goes
// out once; a row the consumer never saw is never removed from it. The records (events,
// forced disconnects) keep only as many as a view shows; the stats samples all go. What it
// holds is bounded by the live rows, the rows the consumer has, and those caps, however long
// the consumer is away; past `maxRows` marked rows it gives up and asks for a snapshot.
#pragma once

#include "adminmessages.h"
#include "bytearrayhash.h"

#include <QByteArray>

#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pairmatch {

class ChangeJournal final
{
public:
    struct Limits {
        qsizetype maxRecords = 10'000; // events, and forced disconnects, each
        qsizetype maxRows = 200'000; // marked sessions + queue entries + pairs
    };

    // What became of a row since the last take().
    enum class Verdict : quint8 {
        Added, // new to the consumer: the row now
        Changed, // the consumer may have it: the row now
        Replaced, // the consumer may have an entry of this key that went: remove, then add
        Removed, // the consumer may have it, and it is gone
    };
    template <typename Key> using Rows = std::vector<std::pair<Key, Verdict>>;

    struct Changes {
        Rows<quint64> sessions; // by session id
        Rows<quint64> queue; // by the waiting session's id
        Rows<QByteArray> pairs; // by pairId
        std::vector<LogEvent> events; // oldest first
        std::vector<ForcedDisconnect> disconnects; // oldest first
        std::vector<StatsSample> stats; // oldest first
        std::optional<bool> draining; // the last word
        bool cluster = false; // the cluster's state changed
    };

    explicit ChangeJournal(Limits limits);
    ChangeJournal()
        : ChangeJournal(Limits {})
    { }

    void sessionOpened(quint64 id);
    void sessionChanged(quint64 id);
    void sessionClosed(quint64 id);
    void queueJoined(quint64 sessionId);
    void queueLeft(quint64 sessionId);
    // A pair made here: the consumer cannot have it yet.
    void pairIssued(const QByteArray &pairId);
    // A pair that may be new to the journal but not to the consumer.
    void pairChanged(const QByteArray &pairId);
    void pairRemoved(const QByteArray &pairId);
    void event(const LogEvent &event);
    void disconnect(const ForcedDisconnect &disconnect);
    void stats(const StatsSample &sample);
    void draining(bool draining);
    void clusterChanged();

    // Nothing marked or recorded since the last take() or clear().
    bool isEmpty() const;
    // More rows marked than maxRows: what piled up is dropped, and so is what comes until
    // clear(); a snapshot must replace it.
    bool overflowed() const { return m_overflowed; }
    // What piled up since the last take(), each kind of row in the order first marked, and
    // forgotten here.
    Changes take();
    // Forgets everything (a snapshot is going out instead).
    void clear();

private:
    enum class Mark : quint8 { Add, Change, Remove };
    struct Row {
        quint32 order = 0; // when first marked
        bool existedBefore = true; // the consumer may have the row
        bool present = true; // the row is there after the last mark
        bool replaced = false; // it went and came back: what the consumer has is stale
    };
    template <typename Map, typename Key> void mark(Map &rows, const Key &key, Mark mark);
    template <typename Map> static Rows<typename Map::key_type> verdicts(Map &rows);
    template <typename Record> void keep(std::deque<Record> &records, const Record &record);
    void checkRows();

    Limits m_limits;
    std::unordered_map<quint64, Row> m_sessions;
    std::unordered_map<quint64, Row> m_queue;
    std::unordered_map<QByteArray, Row, ByteArrayHash> m_pairs;
    std::deque<LogEvent> m_events;
    std::deque<ForcedDisconnect> m_disconnects;
    std::vector<StatsSample> m_stats;
    std::optional<bool> m_draining;
    bool m_cluster = false;
    quint32 m_order = 0;
    bool m_overflowed = false;
};

} // namespace pairmatch
