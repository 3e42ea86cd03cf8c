// The cluster's live pairs, as the node last read them from Redis (ClusterState), one row per
// pair, marked local (ordered by this node) or remote; and the node's place in the cluster
// as one line of text. Empty when the server runs alone.
#pragma once

#include "adminfeed.h"
#include "tablemodel.h"

namespace pairmatch {

class ClusterModel final : public KeyedTableModel<ClusterPairRow, QString>
{
    Q_OBJECT

public:
    enum Column { Pair, Where, Home, Type, Users, State, SeatNodes, ColumnCount };

    explicit ClusterModel(AdminFeed *feed, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const ClusterState &state() const { return m_state; }
    // "node a · Redis up · queues: type 1: 2" (or down since when, and why; or alone).
    static QString summary(const ClusterState &state);

Q_SIGNALS:
    void stateChanged(const pairmatch::ClusterState &state);

protected:
    QString keyOf(const ClusterPairRow &row) const override { return row.pairId; }
    quint64 changedColumns(
        const ClusterPairRow &before, const ClusterPairRow &after) const override;

private:
    void show(const ClusterState &state);

    ClusterState m_state;
};

} // namespace pairmatch
