// The event log: matches, starts, outcomes, operator actions, takeovers, errors sent;
// newest first, the last kKept of them.
#pragma once

#include "adminfeed.h"
#include "tablemodel.h"

namespace pairmatch {

class EventModel final : public LogTableModel<LogEvent>
{
    Q_OBJECT

public:
    static constexpr int kKept = 10'000;
    enum Column { Time, Kind, User, Other, Pair, Detail, ColumnCount };

    explicit EventModel(AdminFeed *feed, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // "match made", "pair started", ... as the Kind column shows it.
    static QString kindText(LogEvent::Kind kind);

private:
    void onSnapshot(const Snapshot &snapshot);
    void onUpdates(const QList<AdminUpdate> &updates);
};

} // namespace pairmatch
