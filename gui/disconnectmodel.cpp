#include "disconnectmodel.h"

#include "closecodes.h"
#include "serverclock.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

DisconnectModel::DisconnectModel(AdminFeed *feed, QObject *parent)
    : LogTableModel(kKept, parent)
{
    connect(feed, &AdminFeed::snapshotReceived, this, &DisconnectModel::onSnapshot);
    connect(feed, &AdminFeed::updatesReceived, this, &DisconnectModel::onUpdates);
}

int DisconnectModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DisconnectModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return u"Time"_s;
    case Code:
        return u"Code"_s;
    case Reason:
        return u"Reason"_s;
    case User:
        return u"User"_s;
    case Pair:
        return u"Pair"_s;
    case Endpoint:
        return u"Endpoint"_s;
    case Remote:
        return u"Remote address"_s;
    case Session:
        return u"Session"_s;
    }
    return {};
}

QVariant DisconnectModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const ForcedDisconnect &d = recordAt(index.row());
    if (role == FilterRole)
        return d.userId;
    if (role == KeyRole)
        return d.code;
    if (role == SortRole) {
        if (index.column() == Time)
            return d.atMs;
        if (index.column() == Code)
            return d.code;
        if (index.column() == Session)
            return d.sessionId;
        role = Qt::DisplayRole;
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == Code)
            return QString(closeCodeMeaning(d.code));
        if (index.column() == Pair)
            return d.pairId;
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return formatTime(d.atMs);
    case Code:
        return d.code;
    case Reason:
        return d.reason;
    case User:
        return d.userId;
    case Pair:
        return d.pairId.isEmpty() ? QString() : d.pairId.left(8) + u'…';
    case Endpoint:
        return d.endpoint == pairmatch::Endpoint::Matching ? u"matching"_s : u"round"_s;
    case Remote:
        return d.remote;
    case Session:
        return d.sessionId;
    }
    return {};
}

void DisconnectModel::onSnapshot(const Snapshot &snapshot)
{
    resetRecords(snapshot.disconnects);
}

void DisconnectModel::onUpdates(const QList<AdminUpdate> &updates)
{
    for (const AdminUpdate &u : updates) {
        if (u.kind == AdminUpdate::Kind::Disconnect)
            add(u.disconnect);
    }
}

} // namespace pairmatch
