#include "clustermodel.h"

#include <QDateTime>

namespace pairmatch {

using namespace Qt::StringLiterals;

ClusterModel::ClusterModel(AdminFeed *feed, QObject *parent)
    : KeyedTableModel(parent)
{
    connect(feed, &AdminFeed::snapshotReceived, this,
        [this](const Snapshot &snapshot) { show(snapshot.cluster); });
    connect(feed, &AdminFeed::updatesReceived, this, [this](const QList<AdminUpdate> &updates) {
        for (const AdminUpdate &u : updates) {
            if (u.kind == AdminUpdate::Kind::Cluster)
                show(u.cluster);
        }
    });
}

void ClusterModel::show(const ClusterState &state)
{
    m_state = state;
    resetRows(state.pairs);
    Q_EMIT stateChanged(m_state);
}

QString ClusterModel::summary(const ClusterState &s)
{
    if (!s.enabled())
        return u"Not in a cluster: this server runs alone (no --redis)."_s;
    QString text = u"Node %1 · "_s.arg(s.nodeId);
    if (s.linkUp) {
        text += u"Redis up"_s;
    } else {
        text += u"Redis down since %1"_s.arg(
            QDateTime::fromMSecsSinceEpoch(s.downSinceMs).toString(u"HH:mm:ss"_s));
        if (!s.lastError.isEmpty())
            text += u" (%1)"_s.arg(s.lastError);
    }
    QStringList queues;
    for (const ClusterQueueLength &q : s.queues)
        queues << u"type %1: %2"_s.arg(q.type).arg(q.length);
    text += u" · cluster queues: %1"_s.arg(queues.isEmpty() ? u"empty"_s : queues.join(u", "_s));
    text += u" · cluster pairs: %1"_s.arg(s.pairs.size());
    return text;
}

int ClusterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClusterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Pair:
        return u"Pair"_s;
    case Where:
        return u"Where"_s;
    case Home:
        return u"Home node"_s;
    case Type:
        return u"Type"_s;
    case Users:
        return u"Users"_s;
    case State:
        return u"State"_s;
    case SeatNodes:
        return u"Seats on"_s;
    }
    return {};
}

QVariant ClusterModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const ClusterPairRow &p = rowAt(index.row());
    const auto seat = [](const QString &node) {
        return node.isEmpty() ? u"—"_s : node;
    };
    if (role == KeyRole)
        return p.pairId;
    if (role == FilterRole)
        return p.userIds[0] + u' ' + p.userIds[1];
    if (role == SortRole && index.column() == Type)
        return p.type;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case Pair:
        return p.pairId.left(8) + u'…';
    case Where:
        return p.local ? u"local"_s : u"remote"_s;
    case Home:
        return p.home;
    case Type:
        return p.type;
    case Users:
        return u"%1 vs %2"_s.arg(p.userIds[0], p.userIds[1]);
    case State:
        return p.state;
    case SeatNodes:
        return u"%1 / %2"_s.arg(seat(p.seatNodes[0]), seat(p.seatNodes[1]));
    }
    return {};
}

quint64 ClusterModel::changedColumns(const ClusterPairRow &, const ClusterPairRow &) const
{
    return (quint64(1) << ColumnCount) - 1;
}

} // namespace pairmatch
