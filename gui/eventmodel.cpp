#include "eventmodel.h"

#include "serverclock.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

EventModel::EventModel(AdminFeed *feed, QObject *parent)
    : LogTableModel(kKept, parent)
{
    connect(feed, &AdminFeed::snapshotReceived, this, &EventModel::onSnapshot);
    connect(feed, &AdminFeed::updatesReceived, this, &EventModel::onUpdates);
}

int EventModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventModel::kindText(LogEvent::Kind kind)
{
    switch (kind) {
    case LogEvent::Kind::MatchMade:
        return u"match made"_s;
    case LogEvent::Kind::PairStarted:
        return u"pair started"_s;
    case LogEvent::Kind::PairEnded:
        return u"ended"_s;
    case LogEvent::Kind::PairNone:
        return u"none (opponent left)"_s;
    case LogEvent::Kind::PairInvalid:
        return u"invalid (opponent never came)"_s;
    case LogEvent::Kind::Kicked:
        return u"kicked by operator"_s;
    case LogEvent::Kind::Expired:
        return u"expired by operator"_s;
    case LogEvent::Kind::Replaced:
        return u"takeover"_s;
    case LogEvent::Kind::ErrorSent:
        return u"error sent"_s;
    case LogEvent::Kind::Drain:
        return u"drain on"_s;
    case LogEvent::Kind::Undrain:
        return u"drain off"_s;
    }
    return {};
}

QVariant EventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return u"Time"_s;
    case Kind:
        return u"Event"_s;
    case User:
        return u"User"_s;
    case Other:
        return u"Other user"_s;
    case Pair:
        return u"Pair"_s;
    case Detail:
        return u"Detail"_s;
    }
    return {};
}

QVariant EventModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const LogEvent &e = recordAt(index.row());
    if (role == FilterRole)
        return e.userId + u' ' + e.otherUserId;
    if (role == KeyRole)
        return int(e.kind);
    if (role == SortRole) {
        if (index.column() == Time)
            return e.atMs;
        role = Qt::DisplayRole;
    }
    if (role == Qt::ToolTipRole)
        return index.column() == Pair ? QVariant(e.pairId) : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return formatTime(e.atMs);
    case Kind:
        return kindText(e.kind);
    case User:
        return e.userId;
    case Other:
        return e.otherUserId;
    case Pair:
        return e.pairId.isEmpty() ? QString() : e.pairId.left(8) + u'…';
    case Detail:
        return e.sessionId
            ? (e.detail.isEmpty() ? u"session %1"_s.arg(e.sessionId)
                                  : u"%1 (session %2)"_s.arg(e.detail).arg(e.sessionId))
            : e.detail;
    }
    return {};
}

void EventModel::onSnapshot(const Snapshot &snapshot)
{
    resetRecords(snapshot.events);
}

void EventModel::onUpdates(const QList<AdminUpdate> &updates)
{
    for (const AdminUpdate &u : updates) {
        if (u.kind == AdminUpdate::Kind::Event)
            add(u.event);
    }
}

} // namespace pairmatch
