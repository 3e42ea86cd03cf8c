// Updates for a consumer that takes them a batch at a time (the in-process dashboard): what
// piles up between two batches is kept as the last word per row, so a thousand sessions that
// opened and closed between two frames cost nothing, a row that changed ten times goes out
// once, and the records (events, forced disconnects) keep only as many as a view shows. What
// it holds is bounded by the live rows plus those caps, however long the consumer is away;
// past `maxRows` pending rows it gives up and asks for a snapshot instead.
#pragma once

#include "adminmessages.h"

#include <QHash>
#include <QList>

#include <deque>
#include <vector>

namespace pairmatch {

class UpdateCoalescer final
{
public:
    struct Limits {
        qsizetype maxRecords = 10'000; // events, and forced disconnects, each
        qsizetype maxRows = 200'000; // pending sessions + queue entries + pairs
    };

    explicit UpdateCoalescer(Limits limits);
    UpdateCoalescer()
        : UpdateCoalescer(Limits {})
    { }

    void add(const AdminUpdate &update);
    bool isEmpty() const;
    // More piled up than maxRows: the batch is dropped; a snapshot must replace it.
    bool overflowed() const { return m_overflowed; }
    // What piled up since the last take(), in seq order within each kind of row, and
    // forgotten here.
    QList<AdminUpdate> take();
    // Forgets everything (a snapshot is going out instead).
    void clear();

private:
    // The state of one row since the last take().
    struct Pending {
        bool existedBefore = true; // the consumer may have the row: it must hear of its end
        bool present = true; // the row is there after the last update
        AdminUpdate last; // the last update that set it (present) or removed it
        quint64 firstSeq = 0;
    };
    template <typename Key>
    void note(QHash<Key, Pending> &rows, const Key &key, const AdminUpdate &update, bool adds,
        bool removes);
    template <typename Key>
    void emitRows(QHash<Key, Pending> &rows, std::vector<AdminUpdate> &out,
        AdminUpdate::Kind removal, bool reAdd);

    Limits m_limits;
    QHash<quint64, Pending> m_sessions;
    QHash<quint64, Pending> m_queue; // by session id
    QHash<QString, Pending> m_pairs;
    std::deque<AdminUpdate> m_events;
    std::deque<AdminUpdate> m_disconnects;
    std::vector<AdminUpdate> m_stats;
    std::vector<AdminUpdate> m_draining;
    std::vector<AdminUpdate> m_cluster; // the last word
    bool m_overflowed = false;
};

} // namespace pairmatch
