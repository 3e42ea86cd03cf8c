#include "filterproxy.h"

#include "tablemodel.h"

namespace pairmatch {

FilterProxy::FilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setDynamicSortFilter(true);
}

void FilterProxy::setUserFilter(const QString &text)
{
    m_user = text.trimmed();
    invalidateRowsFilter();
}

void FilterProxy::setKeyFilter(const QVariant &key)
{
    m_key = key;
    invalidateRowsFilter();
}

bool FilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_key.isValid() && index.data(KeyRole) != m_key)
        return false;
    if (!m_user.isEmpty()
        && !index.data(FilterRole).toString().contains(m_user, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace pairmatch
