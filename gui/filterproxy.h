// Filters a dashboard model by user (substring of FilterRole) and by key (KeyRole equal to
// a chosen value: an event kind, a close code), and sorts by SortRole.
#pragma once

#include <QSortFilterProxyModel>

namespace pairmatch {

class FilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit FilterProxy(QObject *parent = nullptr);

    void setUserFilter(const QString &text);
    // Shows only rows whose KeyRole equals key; an invalid QVariant shows all.
    void setKeyFilter(const QVariant &key);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_user;
    QVariant m_key;
};

} // namespace pairmatch
