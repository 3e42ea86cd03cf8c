// Table models of the dashboard share two shapes:
//   KeyedTableModel: one row per key (a session, a pair, a game type); a batch of updates is
//     applied at once: the last word per key, removals as ranges, new rows as one block,
//     dataChanged on the changed cells only.
//   LogTableModel: newest-first records kept to a cap (forced disconnects, events); records
//     arriving together are inserted as one block.
// Formatting happens only in data(); rows hold the value structs of adminmessages.h.
#pragma once

#include "serverclock.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QTimer>

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace pairmatch {

// Roles every dashboard model answers besides display and tooltip.
enum DashboardRole {
    SortRole = Qt::UserRole, // a raw value to sort by (numbers as numbers)
    KeyRole, // the row's key: session id, pair id, type
    FilterRole, // the text the userId filter matches (user columns joined)
};

template <typename Row, typename Key> class KeyedTableModel : public QAbstractTableModel
{
public:
    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }

    const Row &rowAt(int row) const { return m_rows.at(row); }
    int rowOf(const Key &key) const
    {
        reindex();
        return m_index.value(key, -1);
    }

protected:
    using QAbstractTableModel::QAbstractTableModel;

    virtual Key keyOf(const Row &row) const = 0;
    // Bit c set: column c shows something else for `after` than for `before`.
    virtual quint64 changedColumns(const Row &before, const Row &after) const = 0;

    void resetRows(QList<Row> rows)
    {
        beginResetModel();
        m_rows = std::move(rows);
        m_index.clear();
        m_staleFrom = 0;
        endResetModel();
    }

    // A row for a key (added or replaced), or nullopt (removed).
    using Change = std::pair<Key, std::optional<Row>>;

    // A batch of changes as one change of the model: the last word for each key counts (a
    // row that came and went within the batch never shows); removals go as ranges of rows,
    // new rows as one block at the end, changed rows as dataChanged on their changed cells.
    // Past kMaxRemovedRanges scattered removals the model resets instead (the window keeps
    // its selections by key across a reset).
    void apply(const std::vector<Change> &changes)
    {
        if (changes.empty())
            return;
        QHash<Key, std::size_t> last; // key -> index of its last change
        std::vector<std::size_t> order; // first-seen order of the keys
        for (std::size_t i = 0; i < changes.size(); ++i) {
            const auto it = last.find(changes[i].first);
            if (it == last.end()) {
                last.insert(changes[i].first, i);
                order.push_back(i);
            } else {
                *it = i;
            }
        }
        std::vector<int> gone; // rows to remove
        for (std::size_t first : order) {
            const Change &c = changes[last.value(changes[first].first)];
            if (!c.second) {
                if (const int at = rowOf(c.first); at >= 0)
                    gone.push_back(at);
            }
        }
        std::sort(gone.begin(), gone.end(), std::greater<int>());
        int ranges = 0;
        for (std::size_t i = 0; i < gone.size(); ++i)
            ranges += i == 0 || gone[i] != gone[i - 1] - 1;
        if (ranges > kMaxRemovedRanges) {
            QList<Row> rows;
            rows.reserve(m_rows.size());
            QHash<Key, bool> removed;
            for (int at : gone)
                removed.insert(keyOf(m_rows.at(at)), true);
            for (const Row &row : std::as_const(m_rows)) {
                if (!removed.contains(keyOf(row)))
                    rows.append(row);
            }
            QHash<Key, int> at;
            for (int i = 0; i < int(rows.size()); ++i)
                at.insert(keyOf(rows.at(i)), i);
            for (std::size_t first : order) {
                const Change &c = changes[last.value(changes[first].first)];
                if (!c.second)
                    continue;
                if (const auto it = at.find(c.first); it != at.end())
                    rows[*it] = *c.second;
                else
                    rows.append(*c.second);
            }
            resetRows(std::move(rows));
            return;
        }
        for (std::size_t i = 0; i < gone.size();) { // from the bottom: rows above keep their place
            std::size_t j = i + 1;
            while (j < gone.size() && gone[j] == gone[j - 1] - 1)
                ++j;
            const int top = gone[j - 1], bottom = gone[i];
            beginRemoveRows({}, top, bottom);
            for (int r = top; r <= bottom; ++r)
                m_index.remove(keyOf(m_rows.at(r)));
            m_rows.remove(top, bottom - top + 1);
            m_staleFrom = std::min(m_staleFrom, top);
            endRemoveRows();
            i = j;
        }
        QList<Row> added;
        for (std::size_t first : order) {
            const Change &c = changes[last.value(changes[first].first)];
            if (!c.second)
                continue;
            if (const int at = rowOf(c.first); at >= 0) {
                const quint64 changed = changedColumns(m_rows.at(at), *c.second);
                m_rows[at] = *c.second;
                emitChanged(at, changed);
            } else {
                added.append(*c.second);
            }
        }
        if (!added.isEmpty()) {
            const int end = int(m_rows.size());
            beginInsertRows({}, end, end + int(added.size()) - 1);
            m_rows.append(added);
            endInsertRows();
        }
    }

    static constexpr int kMaxRemovedRanges = 64;

    void emitChanged(int row, quint64 columns)
    {
        const int count = columnCount();
        int first = -1;
        for (int c = 0; c <= count; ++c) {
            const bool on = c < count && c < 64 && (columns >> c) & 1;
            if (on && first < 0)
                first = c;
            if (!on && first >= 0) {
                Q_EMIT dataChanged(index(row, first), index(row, c - 1));
                first = -1;
            }
        }
    }

    // One column changed in every row (ages, countdowns).
    void columnChanged(int column)
    {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, column), index(int(m_rows.size()) - 1, column));
    }

    QList<Row> m_rows;

private:
    void reindex() const
    {
        for (int i = m_staleFrom; i < int(m_rows.size()); ++i)
            m_index.insert(keyOf(m_rows.at(i)), i);
        m_staleFrom = int(m_rows.size());
    }

    mutable QHash<Key, int> m_index;
    mutable int m_staleFrom = 0; // rows from here on may be indexed wrongly
};

template <typename Record> class LogTableModel : public QAbstractTableModel
{
public:
    static constexpr int kFlushMs = 200;

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    const Record &recordAt(int row) const { return m_rows.at(std::size_t(row)); }
    int capacity() const { return m_capacity; }

protected:
    LogTableModel(int capacity, QObject *parent)
        : QAbstractTableModel(parent)
        , m_capacity(capacity)
    {
        m_flush.setSingleShot(true);
        m_flush.setInterval(kFlushMs);
        m_flush.callOnTimeout(this, [this] { flush(); });
    }

    // Oldest first, as a snapshot lists them.
    void resetRecords(const QList<Record> &records)
    {
        beginResetModel();
        m_rows.clear();
        m_incoming.clear();
        const qsizetype skip = qMax<qsizetype>(0, records.size() - m_capacity);
        for (qsizetype i = records.size() - 1; i >= skip; --i)
            m_rows.push_back(records.at(i));
        endResetModel();
    }

    void add(const Record &record)
    {
        if (qsizetype(m_incoming.size()) == m_capacity) // more than a view shows: the oldest go
            m_incoming.pop_front();
        m_incoming.push_back(record);
        if (!m_flush.isActive())
            m_flush.start();
    }

public:
    // Shows what has arrived now rather than at the next flush.
    void flush()
    {
        m_flush.stop();
        if (m_incoming.empty())
            return;
        const auto n = int(qMin<std::size_t>(m_incoming.size(), std::size_t(m_capacity)));
        const auto overflow = int(m_rows.size()) + n - m_capacity;
        if (overflow > 0) {
            const int first = int(m_rows.size()) - overflow;
            beginRemoveRows({}, first, int(m_rows.size()) - 1);
            m_rows.resize(std::size_t(first));
            endRemoveRows();
        }
        beginInsertRows({}, 0, n - 1);
        // newest first: the last to arrive goes on top
        for (std::size_t i = m_incoming.size() - std::size_t(n); i < m_incoming.size(); ++i)
            m_rows.push_front(m_incoming[i]);
        endInsertRows();
        m_incoming.clear();
    }

private:
    int m_capacity;
    std::deque<Record> m_rows;
    std::deque<Record> m_incoming;
    QTimer m_flush;
};

} // namespace pairmatch
