#include "sessionmodel.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

SessionModel::SessionModel(AdminFeed *feed, const ServerClock *clock, QObject *parent)
    : KeyedTableModel(parent)
    , m_clock(clock)
{
    connect(feed, &AdminFeed::snapshotReceived, this, &SessionModel::onSnapshot);
    connect(feed, &AdminFeed::updatesReceived, this, &SessionModel::onUpdates);
    m_tick.setInterval(1000);
    m_tick.callOnTimeout(this, [this] { columnChanged(ConnectedFor); });
    m_tick.start();
}

int SessionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return u"Session"_s;
    case Endpoint:
        return u"Endpoint"_s;
    case User:
        return u"User"_s;
    case Remote:
        return u"Remote address"_s;
    case ConnectedFor:
        return u"Connected for"_s;
    case In:
        return u"Msgs in"_s;
    case Out:
        return u"Msgs out"_s;
    case Rtt:
        return u"Ping RTT"_s;
    }
    return {};
}

QVariant SessionModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const SessionInfo &s = rowAt(index.row());
    if (role == KeyRole)
        return s.id;
    if (role == FilterRole)
        return s.userId;
    if (role == Qt::TextAlignmentRole) {
        const bool number = index.column() == Id || index.column() == In || index.column() == Out
            || index.column() == Rtt;
        return number ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Id:
            return s.id;
        case ConnectedFor:
            return -s.connectedAtMs;
        case In:
            return s.messagesIn;
        case Out:
            return s.messagesOut;
        case Rtt:
            return s.rttMs;
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role == Qt::ToolTipRole && index.column() == Endpoint)
        return s.path;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id:
        return s.id;
    case Endpoint:
        return s.endpoint == pairmatch::Endpoint::Matching ? s.path : u"round"_s;
    case User:
        return s.userId;
    case Remote:
        return s.remote;
    case ConnectedFor:
        return formatDuration(m_clock->now() - s.connectedAtMs);
    case In:
        return s.messagesIn;
    case Out:
        return s.messagesOut;
    case Rtt:
        return s.rttMs < 0 ? u"–"_s : u"%1 ms"_s.arg(s.rttMs);
    }
    return {};
}

quint64 SessionModel::changedColumns(const SessionInfo &a, const SessionInfo &b) const
{
    quint64 c = 0;
    c |= quint64(a.userId != b.userId) << User;
    c |= quint64(a.messagesIn != b.messagesIn) << In;
    c |= quint64(a.messagesOut != b.messagesOut) << Out;
    c |= quint64(a.rttMs != b.rttMs) << Rtt;
    return c;
}

void SessionModel::onSnapshot(const Snapshot &snapshot)
{
    resetRows(snapshot.sessions);
}

void SessionModel::onUpdates(const QList<AdminUpdate> &updates)
{
    std::vector<Change> changes;
    for (const AdminUpdate &u : updates) {
        switch (u.kind) {
        case AdminUpdate::Kind::SessionOpened:
        case AdminUpdate::Kind::SessionChanged:
            changes.emplace_back(u.session.id, u.session);
            break;
        case AdminUpdate::Kind::SessionClosed:
            changes.emplace_back(u.sessionId, std::nullopt);
            break;
        default:
            break;
        }
    }
    apply(changes);
}

} // namespace pairmatch
