// Pairs from `prepare` until removed, one row per pair.
#pragma once

#include "adminfeed.h"
#include "tablemodel.h"

namespace pairmatch {

class PairModel final : public KeyedTableModel<PairInfo, QString>
{
    Q_OBJECT

public:
    enum Column { Pair, Type, Users, State, Seats, Moves, Age, TimeLeft, ColumnCount };

    PairModel(AdminFeed *feed, const ServerClock *clock, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    QString keyOf(const PairInfo &row) const override { return row.pairId; }
    quint64 changedColumns(const PairInfo &before, const PairInfo &after) const override;

private:
    void onSnapshot(const Snapshot &snapshot);
    void onUpdates(const QList<AdminUpdate> &updates);

    const ServerClock *m_clock;
    QTimer m_tick;
};

} // namespace pairmatch
