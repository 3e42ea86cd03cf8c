// Open player connections, one row per session.
#pragma once

#include "adminfeed.h"
#include "tablemodel.h"

namespace pairmatch {

class SessionModel final : public KeyedTableModel<SessionInfo, quint64>
{
    Q_OBJECT

public:
    enum Column { Id, Endpoint, User, Remote, ConnectedFor, In, Out, Rtt, ColumnCount };

    SessionModel(AdminFeed *feed, const ServerClock *clock, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    quint64 keyOf(const SessionInfo &row) const override { return row.id; }
    quint64 changedColumns(const SessionInfo &before, const SessionInfo &after) const override;

private:
    void onSnapshot(const Snapshot &snapshot);
    void onUpdates(const QList<AdminUpdate> &updates);

    const ServerClock *m_clock;
    QTimer m_tick;
};

} // namespace pairmatch
