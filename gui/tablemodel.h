// Table models of the dashboard share two shapes:
//   KeyedTableModel: one row per key (a session, a pair, a game type); rows are inserted,
//     changed (dataChanged on the changed cells only) and removed as updates arrive.
//   LogTableModel: newest-first records kept to a cap (forced disconnects, events); records
//     arriving together are inserted as one block.
// Formatting happens only in data(); rows hold the value structs of adminmessages.h.
#pragma once

#include "serverclock.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QTimer>

#include <deque>

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

    void upsert(const Row &row)
    {
        const int at = rowOf(keyOf(row));
        if (at < 0) {
            const int end = int(m_rows.size());
            beginInsertRows({}, end, end);
            m_rows.append(row);
            m_index.insert(keyOf(row), end);
            endInsertRows();
            return;
        }
        const quint64 changed = changedColumns(m_rows.at(at), row);
        m_rows[at] = row;
        emitChanged(at, changed);
    }

    // A real removal, so selections and persistent indexes stay on their own rows (a row
    // that vanishes under the operator's selection must not hand it to another).
    void remove(const Key &key)
    {
        const int at = rowOf(key);
        if (at < 0)
            return;
        beginRemoveRows({}, at, at);
        m_rows.removeAt(at);
        m_index.remove(key);
        m_staleFrom = std::min(m_staleFrom, at); // rows after it moved up: reindexed lazily
        endRemoveRows();
    }

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
    std::vector<Record> m_incoming;
    QTimer m_flush;
};

} // namespace pairmatch
