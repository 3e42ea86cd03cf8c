#include "pairmodel.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

PairModel::PairModel(AdminFeed *feed, const ServerClock *clock, QObject *parent)
    : KeyedTableModel(parent)
    , m_clock(clock)
{
    connect(feed, &AdminFeed::snapshotReceived, this, &PairModel::onSnapshot);
    connect(feed, &AdminFeed::updatesReceived, this, &PairModel::onUpdates);
    m_tick.setInterval(1000);
    m_tick.callOnTimeout(this, [this] {
        columnChanged(Age);
        columnChanged(TimeLeft);
    });
    m_tick.start();
}

int PairModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PairModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Pair:
        return u"Pair"_s;
    case Type:
        return u"Type"_s;
    case Users:
        return u"Users"_s;
    case State:
        return u"State"_s;
    case Seats:
        return u"Seats"_s;
    case Moves:
        return u"Moves"_s;
    case Age:
        return u"Age"_s;
    case TimeLeft:
        return u"Time left"_s;
    }
    return {};
}

QVariant PairModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const PairInfo &p = rowAt(index.row());
    const qint64 left = p.prepareDeadlineMs < 0 ? -1 : p.prepareDeadlineMs - m_clock->now();
    const int seats = (p.seatSessions[0] != 0) + (p.seatSessions[1] != 0);
    if (role == KeyRole)
        return p.pairId;
    if (role == FilterRole)
        return p.userIds[0] + u' ' + p.userIds[1];
    if (role == Qt::ToolTipRole) {
        if (index.column() == Pair)
            return u"%1\n(right-click to copy)"_s.arg(p.pairId);
        if (index.column() == Seats) {
            return u"%1: %2\n%3: %4"_s.arg(p.userIds[0],
                p.seatSessions[0] ? u"session %1"_s.arg(p.seatSessions[0]) : u"free"_s,
                p.userIds[1],
                p.seatSessions[1] ? u"session %1"_s.arg(p.seatSessions[1]) : u"free"_s);
        }
        return {};
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Type:
            return p.type;
        case State:
            return int(p.state);
        case Seats:
            return seats;
        case Moves:
            return p.moves;
        case Age:
            return -p.issuedAtMs;
        case TimeLeft:
            return left;
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Pair:
        return p.pairId.left(8) + u'…';
    case Type:
        return p.type;
    case Users:
        return p.userIds[0] + u" vs "_s + p.userIds[1];
    case State:
        if (p.outcome >= 0 && p.state == PairState::Over)
            return u"over (%1)"_s.arg(pairOutcomeName(PairOutcome(p.outcome)));
        return QString(pairStateName(p.state));
    case Seats:
        return u"%1/2"_s.arg(seats);
    case Moves:
        return p.moves;
    case Age:
        return formatDuration(m_clock->now() - p.issuedAtMs);
    case TimeLeft:
        return left < 0 ? u"–"_s : formatDuration(left + 999);
    }
    return {};
}

quint64 PairModel::changedColumns(const PairInfo &a, const PairInfo &b) const
{
    quint64 c = 0;
    c |= quint64(a.state != b.state || a.outcome != b.outcome) << State;
    c |= quint64(a.seatSessions != b.seatSessions) << Seats;
    c |= quint64(a.moves != b.moves) << Moves;
    c |= quint64(a.prepareDeadlineMs != b.prepareDeadlineMs) << TimeLeft;
    return c;
}

void PairModel::onSnapshot(const Snapshot &snapshot)
{
    resetRows(snapshot.pairs);
}

void PairModel::onUpdates(const QList<AdminUpdate> &updates)
{
    std::vector<Change> changes;
    for (const AdminUpdate &u : updates) {
        if (u.kind == AdminUpdate::Kind::PairChanged)
            changes.emplace_back(u.pair.pairId, u.pair);
        else if (u.kind == AdminUpdate::Kind::PairRemoved)
            changes.emplace_back(u.pairId, std::nullopt);
    }
    apply(changes);
}

} // namespace pairmatch
