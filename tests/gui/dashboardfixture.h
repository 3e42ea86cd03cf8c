// What the dashboard tests share: the window over a feed with every model and proxy under
// QAbstractItemModelTester, operator questions answered by the test, and readers of its rows.
#pragma once

#include "disconnectmodel.h"
#include "eventmodel.h"
#include "filterproxy.h"
#include "historymodel.h"
#include "mainwindow.h"
#include "movemodel.h"
#include "pairmodel.h"
#include "queuemodel.h"
#include "sessionmodel.h"
#include "testplayer.h"

#include <QAbstractItemModelTester>
#include <QTableView>

#include <functional>
#include <memory>
#include <vector>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

// Moves and message counters reach the dashboard once a second.
inline constexpr int kCountersMs = 3000;

inline QString cell(
    const QAbstractItemModel *model, int row, int column, int role = Qt::DisplayRole)
{
    return model->index(row, column).data(role).toString();
}

// The first row for which pred(row) holds, or -1.
inline int findRow(const QAbstractItemModel *model, const std::function<bool(int)> &pred)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (pred(row))
            return row;
    }
    return -1;
}

inline int rowOfKey(const QAbstractItemModel *model, const QVariant &key)
{
    return findRow(model, [&](int row) { return model->index(row, 0).data(KeyRole) == key; });
}

inline int countRows(const QAbstractItemModel *model, const std::function<bool(int)> &pred)
{
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        n += pred(row);
    return n;
}

// The KeyRole of the rows selected in a view.
inline QVariantList selectedKeys(const QTableView *view)
{
    QVariantList keys;
    for (const QModelIndex &index : view->selectionModel()->selectedRows())
        keys << index.data(KeyRole);
    return keys;
}

// The window over a feed, every model and proxy under a model tester, operator questions
// answered by `answer` and recorded in `asked`.
class Dashboard final
{
public:
    explicit Dashboard(AdminFeed *feed)
        : window(feed)
    {
        const QList<QAbstractItemModel *> models {window.sessionModel(), window.pairModel(),
            window.queueModel(), window.disconnectModel(), window.eventModel(),
            window.historyModel(), window.moveModel()};
        for (QAbstractItemModel *m : models)
            watch(m);
        proxies = window.findChildren<FilterProxy *>();
        for (FilterProxy *p : std::as_const(proxies))
            watch(p);
        window.setConfirm([this](const QString &title, const QString &question) {
            asked.append(title + u": "_s + question);
            return answer;
        });
        window.show();
    }
    Q_DISABLE_COPY_MOVE(Dashboard)

    QAbstractItemModel *sessions() const { return window.sessionView()->model(); }
    QAbstractItemModel *pairs() const { return window.pairView()->model(); }
    FilterProxy *proxyOf(const QAbstractItemModel *source) const
    {
        for (FilterProxy *p : proxies) {
            if (p->sourceModel() == source)
                return p;
        }
        return nullptr;
    }
    // The table view showing a model (through its proxy).
    QTableView *viewOf(const QAbstractItemModel *source) const
    {
        const FilterProxy *proxy = proxyOf(source);
        for (QTableView *view : window.findChildren<QTableView *>()) {
            if (proxy && view->model() == proxy)
                return view;
        }
        return nullptr;
    }
    // The filter widgets shown with a log view (events, forced disconnects).
    template <typename W> W *filterOf(const QAbstractItemModel *source) const
    {
        const QTableView *view = viewOf(source);
        return view && view->parentWidget() ? view->parentWidget()->findChild<W *>() : nullptr;
    }

    // The session row (in the sessions view) of this user's connection on that endpoint.
    int sessionRow(const QString &userId, const QString &endpoint) const
    {
        const QAbstractItemModel *m = sessions();
        return findRow(m, [&](int row) {
            return cell(m, row, SessionModel::User) == userId
                && cell(m, row, SessionModel::Endpoint) == endpoint;
        });
    }
    int sessionRowOf(TestPlayer &player) const
    {
        const QAbstractItemModel *m = sessions();
        const QString remote = remoteOf(player);
        return findRow(m, [&](int row) { return cell(m, row, SessionModel::Remote) == remote; });
    }
    int pairRow(const QByteArray &pairId) const
    {
        return rowOfKey(pairs(), QString::fromLatin1(pairId));
    }
    QString pairCell(const QByteArray &pairId, int column) const
    {
        const int row = pairRow(pairId);
        return row < 0 ? u"(no row)"_s : cell(pairs(), row, column);
    }
    // Event rows (newest first) of this kind.
    int eventCount(LogEvent::Kind kind, const QString &userId = {}) const
    {
        const EventModel *m = window.eventModel();
        return countRows(m, [&](int row) {
            return cell(m, row, EventModel::Kind) == EventModel::kindText(kind)
                && (userId.isEmpty() || cell(m, row, EventModel::User) == userId);
        });
    }
    int disconnectCount(int code, const QString &userId = {}) const
    {
        const DisconnectModel *m = window.disconnectModel();
        return countRows(m, [&](int row) {
            return cell(m, row, DisconnectModel::Code).toInt() == code
                && (userId.isEmpty() || cell(m, row, DisconnectModel::User) == userId);
        });
    }

    // One line per row of the session, pair and queue tables: their key columns, sorted.
    QStringList describe() const
    {
        QStringList lines;
        const SessionModel *s = window.sessionModel();
        for (int row = 0; row < s->rowCount(); ++row) {
            QStringList c;
            for (int col : {SessionModel::Id, SessionModel::Endpoint, SessionModel::User,
                     SessionModel::Remote})
                c << cell(s, row, col);
            c << s->index(row, SessionModel::Endpoint).data(Qt::ToolTipRole).toString();
            lines << u"session "_s + c.join(u'|');
        }
        const PairModel *p = window.pairModel();
        for (int row = 0; row < p->rowCount(); ++row) {
            QStringList c {cell(p, row, 0, KeyRole)};
            for (int col : {PairModel::Type, PairModel::Users, PairModel::State, PairModel::Seats,
                     PairModel::Moves})
                c << cell(p, row, col);
            c << p->index(row, PairModel::Seats).data(Qt::ToolTipRole).toString();
            lines << u"pair "_s + c.join(u'|');
        }
        const QueueModel *q = window.queueModel();
        for (int row = 0; row < q->rowCount(); ++row) {
            QStringList c;
            for (int col : {QueueModel::Type, QueueModel::Players, QueueModel::Sessions})
                c << cell(q, row, col);
            lines << u"queue "_s + c.join(u'|');
        }
        lines.sort();
        return lines;
    }

    MainWindow window;
    bool answer = true;
    QStringList asked;
    QList<FilterProxy *> proxies;

private:
    void watch(QAbstractItemModel *model)
    {
        testers.push_back(std::make_unique<QAbstractItemModelTester>(
            model, QAbstractItemModelTester::FailureReportingMode::QtTest));
    }
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
};

} // namespace pairmatch::test
