#include "queuemodel.h"

#include <QStringList>

namespace pairmatch {

using namespace Qt::StringLiterals;

QueueModel::QueueModel(AdminFeed *feed, const ServerClock *clock, QObject *parent)
    : KeyedTableModel(parent)
    , m_clock(clock)
{
    connect(feed, &AdminFeed::snapshotReceived, this, &QueueModel::onSnapshot);
    connect(feed, &AdminFeed::updatesReceived, this, &QueueModel::onUpdates);
    m_tick.setInterval(1000);
    m_tick.callOnTimeout(this, [this] { columnChanged(Waited); });
    m_tick.start();
}

int QueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Type:
        return u"Type"_s;
    case Players:
        return u"Waiting"_s;
    case Sessions:
        return u"Session"_s;
    case Waited:
        return u"Waited"_s;
    }
    return {};
}

QVariant QueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const QueueRow &q = rowAt(index.row());
    QStringList users;
    QStringList sessions;
    for (const QueueEntryInfo &e : q.waiting) {
        users << e.userId;
        sessions << QString::number(e.sessionId);
    }
    const qint64 waited = q.waiting.isEmpty() ? 0 : m_clock->now() - q.waiting.first().sinceMs;
    if (role == KeyRole)
        return q.type;
    if (role == FilterRole)
        return users.join(u' ');
    if (role == SortRole) {
        if (index.column() == Type)
            return q.type;
        if (index.column() == Waited)
            return waited;
        role = Qt::DisplayRole;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Type:
        return q.type;
    case Players:
        return users.join(u", "_s);
    case Sessions:
        return sessions.join(u", "_s);
    case Waited:
        return formatDuration(waited);
    }
    return {};
}

quint64 QueueModel::changedColumns(const QueueRow &, const QueueRow &) const
{
    return (quint64(1) << Players) | (quint64(1) << Sessions) | (quint64(1) << Waited);
}

void QueueModel::onSnapshot(const Snapshot &snapshot)
{
    m_typeOfSession.clear();
    QList<QueueRow> rows;
    QHash<qint32, int> at;
    for (const QueueEntryInfo &e : snapshot.queue) {
        int i = at.value(e.type, -1);
        if (i < 0) {
            i = int(rows.size());
            at.insert(e.type, i);
            rows.append(QueueRow {e.type, {}});
        }
        rows[i].waiting.append(e);
        m_typeOfSession.insert(e.sessionId, e.type);
    }
    resetRows(rows);
}

void QueueModel::onUpdates(const QList<AdminUpdate> &updates)
{
    // the rows of the types this batch touches, as they become
    QHash<qint32, QueueRow> touched;
    std::vector<qint32> order;
    const auto rowFor = [&](qint32 type) -> QueueRow & {
        auto it = touched.find(type);
        if (it == touched.end()) {
            const int i = rowOf(type);
            it = touched.insert(type, i >= 0 ? rowAt(i) : QueueRow {type, {}});
            order.push_back(type);
        }
        return *it;
    };
    for (const AdminUpdate &u : updates) {
        if (u.kind == AdminUpdate::Kind::QueueJoined) {
            rowFor(u.queueEntry.type).waiting.append(u.queueEntry);
            m_typeOfSession.insert(u.queueEntry.sessionId, u.queueEntry.type);
        } else if (u.kind == AdminUpdate::Kind::QueueLeft) {
            const auto type = m_typeOfSession.find(u.sessionId);
            if (type == m_typeOfSession.end())
                continue;
            rowFor(*type).waiting.removeIf(
                [&](const QueueEntryInfo &e) { return e.sessionId == u.sessionId; });
            m_typeOfSession.erase(type);
        }
    }
    std::vector<Change> changes;
    for (qint32 type : order) {
        const QueueRow &row = touched[type];
        changes.emplace_back(type, row.waiting.isEmpty() ? std::nullopt : std::optional(row));
    }
    apply(changes);
}

} // namespace pairmatch
