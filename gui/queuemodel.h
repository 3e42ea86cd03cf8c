// The matching queues: one row per game type with the player(s) waiting in it.
#pragma once

#include "adminfeed.h"
#include "tablemodel.h"

namespace pairmatch {

struct QueueRow {
    qint32 type = 0;
    QList<QueueEntryInfo> waiting; // oldest first
};

class QueueModel final : public KeyedTableModel<QueueRow, qint32>
{
    Q_OBJECT

public:
    enum Column { Type, Players, Sessions, Waited, ColumnCount };

    QueueModel(AdminFeed *feed, const ServerClock *clock, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    qint32 keyOf(const QueueRow &row) const override { return row.type; }
    quint64 changedColumns(const QueueRow &before, const QueueRow &after) const override;

private:
    void onSnapshot(const Snapshot &snapshot);
    void onUpdates(const QList<AdminUpdate> &updates);

    const ServerClock *m_clock;
    QHash<quint64, qint32> m_typeOfSession;
    QTimer m_tick;
};

} // namespace pairmatch
