// Every connection the server closed on its own, newest first, the last kKept of them.
#pragma once

#include "adminfeed.h"
#include "tablemodel.h"

namespace pairmatch {

class DisconnectModel final : public LogTableModel<ForcedDisconnect>
{
    Q_OBJECT

public:
    static constexpr int kKept = 10'000;
    enum Column { Time, Code, Reason, User, Pair, Endpoint, Remote, Session, ColumnCount };

    explicit DisconnectModel(AdminFeed *feed, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void onSnapshot(const Snapshot &snapshot);
    void onUpdates(const QList<AdminUpdate> &updates);
};

} // namespace pairmatch
