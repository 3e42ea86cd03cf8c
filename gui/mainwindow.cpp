#include "mainwindow.h"

#include "closecodes.h"
#include "clustermodel.h"
#include "dashboardresources.h"
#include "disconnectmodel.h"
#include "eventmodel.h"
#include "filterproxy.h"
#include "historymodel.h"
#include "movemodel.h"
#include "pairmodel.h"
#include "queuemodel.h"
#include "ratechart.h"
#include "sessionmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <memory>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

QWidget *titled(const QString &title, QWidget *content, QWidget *extra = nullptr)
{
    auto *box = new QGroupBox(title);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    if (extra)
        layout->addWidget(extra);
    layout->addWidget(content);
    return box;
}

QLabel *counter(QHBoxLayout *strip, const QString &name)
{
    auto *label = new QLabel(name);
    strip->addWidget(label);
    auto *value = new QLabel(u"–"_s);
    QFont f = value->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.4);
    value->setFont(f);
    value->setMinimumWidth(value->fontMetrics().horizontalAdvance(u"000000"_s));
    strip->addWidget(value);
    strip->addSpacing(16);
    return value;
}

} // namespace

MainWindow::MainWindow(AdminFeed *feed, QWidget *parent)
    : QMainWindow(parent)
    , m_feed(feed)
    , m_confirm([this](const QString &title, const QString &question) {
        return QMessageBox::question(this, title, question) == QMessageBox::Yes;
    })
{
    m_sessions = new SessionModel(feed, &m_clock, this);
    m_pairs = new PairModel(feed, &m_clock, this);
    m_queues = new QueueModel(feed, &m_clock, this);
    m_disconnects = new DisconnectModel(feed, this);
    m_events = new EventModel(feed, this);
    m_cluster = new ClusterModel(feed, this);
    m_history = new HistoryModel(feed, this);
    m_moves = new MoveModel(this);
    setStyleSheet(dashboardStyleSheet());
    setWindowIcon(dashboardIcon());
    buildUi();
    connect(feed, &AdminFeed::snapshotReceived, this, &MainWindow::onSnapshot);
    connect(feed, &AdminFeed::updatesReceived, this, &MainWindow::onUpdates);
    connect(feed, &AdminFeed::actionFinished, this, &MainWindow::onActionFinished);
    connect(feed, &AdminFeed::connectionChanged, this, &MainWindow::onConnectionChanged);
    connect(feed, &AdminFeed::historyAnswered, this, &MainWindow::onHistoryPage);
    setWindowTitle(u"pairmatch dashboard — %1"_s.arg(feed->source()));
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildUi()
{
    // actions
    auto *toolbar = addToolBar(u"Actions"_s);
    toolbar->setMovable(false);
    m_kick = toolbar->addAction(u"Kick session"_s, this, &MainWindow::kickSelectedSession);
    m_kick->setToolTip(u"Close the selected session with 4000 \"kicked by operator\"; "
                       "its opponent in a started pair gets none"_s);
    m_expire = toolbar->addAction(u"Expire pair"_s, this, &MainWindow::expireSelectedPair);
    m_expire->setToolTip(u"Fire the selected pair's prepare timeout now; its seated players "
                         "get invalid"_s);
    toolbar->addSeparator();
    m_drain = toolbar->addAction(u"Drain"_s);
    m_drain->setCheckable(true);
    m_drain->setToolTip(u"Refuse new entry with error \"draining\" while live pairs finish"_s);
    connect(m_drain, &QAction::triggered, this, &MainWindow::toggleDrain);
    m_copyPair = new QAction(u"Copy pair id"_s, this);
    connect(m_copyPair, &QAction::triggered, this, &MainWindow::copyPairId);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);

    m_banner = new QLabel;
    m_banner->setObjectName(u"banner"_s);
    m_banner->hide();
    layout->addWidget(m_banner);

    // status strip and chart
    auto *top = new QHBoxLayout;
    auto *strip = new QHBoxLayout;
    m_connections = counter(strip, u"Connections"_s);
    m_waiting = counter(strip, u"Waiting"_s);
    m_livePairs = counter(strip, u"Live pairs"_s);
    m_matchRate = counter(strip, u"Matches/min"_s);
    m_moveRate = counter(strip, u"Moves/s"_s);
    top->addLayout(strip);
    m_chart = new RateChart(m_feed);
    top->addWidget(m_chart, 1);
    layout->addLayout(top);

    // queues | pairs | sessions
    m_queueProxy = new FilterProxy(this);
    m_queueView = makeView(m_queues, m_queueProxy, QueueModel::Type, Qt::AscendingOrder);
    m_pairProxy = new FilterProxy(this);
    m_pairView = makeView(m_pairs, m_pairProxy, PairModel::Age, Qt::AscendingOrder);
    m_sessionProxy = new FilterProxy(this);
    m_sessionView = makeView(m_sessions, m_sessionProxy, SessionModel::Id, Qt::DescendingOrder);
    sizeColumns(
        m_queueView, {u"2147483647"_s, u"a_player_name, another"_s, u"12345"_s, u"10 min 00 s"_s});
    sizeColumns(m_pairView,
        {u"XXXXXXXX…"_s, u"123456"_s, u"a_long_name vs a_long_name"_s, u"over (invalid)"_s,
            u"Seats"_s, u"1234567"_s, u"10 min 00 s"_s});
    sizeColumns(m_sessionView,
        {u"Session"_s, u"/ws/matching/123"_s, u"a_long_name"_s, u"255.255.255.255:65535"_s,
            u"Connected for"_s, u"1234567"_s, u"1234567"_s});
    m_pairView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_pairView->addAction(m_expire);
    m_pairView->addAction(m_copyPair);
    m_sessionView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_sessionView->addAction(m_kick);

    auto *userFilter = new QLineEdit;
    userFilter->setPlaceholderText(u"Filter by userId"_s);
    userFilter->setClearButtonEnabled(true);
    connect(userFilter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_queueProxy->setUserFilter(text);
        m_pairProxy->setUserFilter(text);
        m_sessionProxy->setUserFilter(text);
    });
    toolbar->addSeparator();
    toolbar->addWidget(userFilter);

    auto *tables = new QSplitter(Qt::Horizontal);
    tables->addWidget(titled(u"Queues"_s, m_queueView));
    tables->addWidget(titled(u"Pairs"_s, m_pairView));
    tables->addWidget(titled(u"Sessions"_s, m_sessionView));
    tables->setStretchFactor(0, 1);
    tables->setStretchFactor(1, 3);
    tables->setStretchFactor(2, 3);

    // forced disconnects and events, each with its own filters
    m_disconnectProxy = new FilterProxy(this);
    QTableView *disconnectView
        = makeView(m_disconnects, m_disconnectProxy, DisconnectModel::Time, Qt::DescendingOrder);
    auto *disconnectFilters = new QWidget;
    {
        auto *row = new QHBoxLayout(disconnectFilters);
        row->setContentsMargins(0, 0, 0, 0);
        auto *user = new QLineEdit;
        user->setPlaceholderText(u"Filter by userId"_s);
        user->setClearButtonEnabled(true);
        connect(user, &QLineEdit::textChanged, m_disconnectProxy, &FilterProxy::setUserFilter);
        auto *code = new QComboBox;
        code->addItem(u"All close codes"_s);
        for (const quint16 c : serverCloseCodes())
            code->addItem(u"%1 %2"_s.arg(c).arg(closeCodeMeaning(c)), c);
        connect(code, &QComboBox::currentIndexChanged, this,
            [this, code](int) { m_disconnectProxy->setKeyFilter(code->currentData()); });
        row->addWidget(user);
        row->addWidget(code);
    }
    sizeColumns(disconnectView,
        {u"00:00:00.000"_s, u"Code"_s, u"too slow: send buffer full"_s, u"a_long_name"_s,
            u"XXXXXXXX…"_s, u"matching"_s, u"255.255.255.255:65535"_s});
    m_eventProxy = new FilterProxy(this);
    QTableView *eventView = makeView(m_events, m_eventProxy, EventModel::Time, Qt::DescendingOrder);
    sizeColumns(eventView,
        {u"00:00:00.000"_s, u"invalid (opponent never came)"_s, u"a_long_name"_s, u"a_long_name"_s,
            u"XXXXXXXX…"_s});
    auto *eventFilters = new QWidget;
    {
        auto *row = new QHBoxLayout(eventFilters);
        row->setContentsMargins(0, 0, 0, 0);
        auto *user = new QLineEdit;
        user->setPlaceholderText(u"Filter by userId"_s);
        user->setClearButtonEnabled(true);
        connect(user, &QLineEdit::textChanged, m_eventProxy, &FilterProxy::setUserFilter);
        auto *kind = new QComboBox;
        kind->addItem(u"All events"_s);
        for (int k = 0; k < kLogEventKindCount; ++k)
            kind->addItem(EventModel::kindText(LogEvent::Kind(k)), k);
        connect(kind, &QComboBox::currentIndexChanged, this,
            [this, kind](int) { m_eventProxy->setKeyFilter(kind->currentData()); });
        row->addWidget(user);
        row->addWidget(kind);
    }
    auto *logs = new QTabWidget;
    m_logs = logs;
    logs->addTab(titled(QString(), eventView, eventFilters), u"Events"_s);
    logs->addTab(titled(QString(), disconnectView, disconnectFilters), u"Forced disconnects"_s);

    // the cluster (--redis): this node's link, the cluster's queues and pairs
    auto *clusterProxy = new FilterProxy(this);
    QTableView *clusterView
        = makeView(m_cluster, clusterProxy, ClusterModel::Type, Qt::AscendingOrder);
    m_clusterLine = new QLabel(ClusterModel::summary({}));
    m_clusterLine->setObjectName(u"clusterLine"_s);
    m_clusterLine->setWordWrap(true);
    connect(m_cluster, &ClusterModel::stateChanged, this, [this](const ClusterState &state) {
        m_clusterLine->setText(ClusterModel::summary(state));
    });
    logs->addTab(titled(QString(), clusterView, m_clusterLine), u"Cluster"_s);
    QWidget *historyTab = buildHistoryTab();
    logs->addTab(historyTab, u"History"_s);
    connect(logs, &QTabWidget::currentChanged, this,
        [this, logs, historyTab] { m_history->setFollowing(logs->currentWidget() == historyTab); });

    auto *vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(tables);
    vertical->addWidget(logs);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    layout->addWidget(vertical, 1);
    setCentralWidget(central);

    connect(m_sessionView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &MainWindow::updateActions);
    connect(m_pairView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &MainWindow::updateActions);
    updateActions();
    statusBar()->showMessage(u"Connecting…"_s);
}

QTableView *MainWindow::makeView(
    QAbstractItemModel *model, FilterProxy *proxy, int sortColumn, Qt::SortOrder order)
{
    proxy->setSourceModel(model);
    auto *view = new QTableView;
    // Ids, numbers and times, and names mostly in scripts where shaping is only cosmetic
    // (Qt still shapes those that need it), while a table repaints every cell of its viewport
    // a dozen times a second under load (docs/performance.md).
    QFont font = view->font();
    font.setStyleStrategy(QFont::PreferNoShaping);
    view->setFont(font);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(sortColumn, order);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Not SingleSelection: there Qt moves the selection to a neighbour when the selected row
    // goes away, and an operator's Kick would then hit another player.
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    keepSelectionAcrossResets(view, model);
    return view;
}

// A model resets when a batch removes rows all over it, or on a snapshot: what the operator
// had selected stays selected, by key, as long as its row is still there.
void MainWindow::keepSelectionAcrossResets(QTableView *view, QAbstractItemModel *model)
{
    auto kept = std::make_shared<QVariantList>();
    connect(model, &QAbstractItemModel::modelAboutToBeReset, view, [view, kept] {
        kept->clear();
        for (const QModelIndex &row : view->selectionModel()->selectedRows())
            kept->append(row.data(KeyRole));
    });
    connect(model, &QAbstractItemModel::modelReset, view, [view, kept] {
        if (kept->isEmpty())
            return;
        QItemSelection selection;
        const QAbstractItemModel *shown = view->model();
        for (int r = 0; r < shown->rowCount(); ++r) {
            const QModelIndex at = shown->index(r, 0);
            if (kept->contains(at.data(KeyRole)))
                selection.select(at, shown->index(r, shown->columnCount() - 1));
        }
        kept->clear();
        view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    });
}

// Columns start as wide as a typical value (measuring every row would not scale).
void MainWindow::sizeColumns(QTableView *view, const QStringList &samples)
{
    const QFontMetrics fm = view->fontMetrics();
    for (int c = 0; c < samples.size(); ++c) {
        const QString header = view->model()->headerData(c, Qt::Horizontal).toString();
        view->setColumnWidth(c,
            std::max(fm.horizontalAdvance(samples.at(c)), fm.horizontalAdvance(header) + 24) + 12);
    }
}

QString MainWindow::statusText() const
{
    return statusBar()->currentMessage();
}

void MainWindow::updateActions()
{
    m_kick->setEnabled(m_sessionView->selectionModel()->hasSelection());
    m_expire->setEnabled(m_pairView->selectionModel()->hasSelection());
    m_copyPair->setEnabled(m_pairView->selectionModel()->hasSelection());
}

void MainWindow::kickSelectedSession()
{
    QList<quint64> ids;
    QStringList names;
    for (const QModelIndex &row : m_sessionView->selectionModel()->selectedRows()) {
        ids << row.data(KeyRole).toULongLong();
        const QString user = row.siblingAtColumn(SessionModel::User).data().toString();
        names << (user.isEmpty() ? u"session %1"_s.arg(ids.last())
                                 : u"session %1 (%2)"_s.arg(ids.last()).arg(user));
    }
    if (ids.isEmpty())
        return;
    if (!m_confirm(u"Kick"_s,
            u"Close %1 with 4000 \"kicked by operator\"?\nA kicked player seated in a "
            "started pair leaves its opponent with none."_s.arg(names.join(u", "_s))))
        return;
    for (quint64 id : std::as_const(ids))
        m_feed->kick(id);
}

void MainWindow::expireSelectedPair()
{
    QStringList pairIds;
    for (const QModelIndex &row : m_pairView->selectionModel()->selectedRows())
        pairIds << row.data(KeyRole).toString();
    if (pairIds.isEmpty())
        return;
    if (!m_confirm(u"Expire"_s,
            u"Fire the prepare timeout of pair %1 now?\nIts seated players get invalid "
            "and are disconnected."_s.arg(pairIds.join(u", "_s))))
        return;
    for (const QString &pairId : std::as_const(pairIds))
        m_feed->expire(pairId);
}

void MainWindow::toggleDrain(bool on)
{
    if (on
        && !m_confirm(u"Drain"_s,
            u"Refuse every new entry with error \"draining\"?\nPairs already made "
            "play on; waiting players stay queued."_s)) {
        m_drain->setChecked(false);
        return;
    }
    m_feed->setDraining(on);
}

void MainWindow::copyPairId()
{
    const QModelIndexList rows = m_pairView->selectionModel()->selectedRows();
    if (!rows.isEmpty())
        QApplication::clipboard()->setText(rows.first().data(KeyRole).toString());
}

// Finished games, newest first, a page at a time: filter, paging and refresh ask the server;
// opening a game (double-click, Enter) shows its moves beside the list.
QWidget *MainWindow::buildHistoryTab()
{
    auto *tab = new QWidget;
    tab->setObjectName(u"historyTab"_s);
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *controls = new QHBoxLayout;
    m_historyField = new QComboBox;
    m_historyField->addItem(u"userId"_s, int(HistoryModel::FilterField::UserId));
    m_historyField->addItem(u"pairId"_s, int(HistoryModel::FilterField::PairId));
    m_historyField->setToolTip(u"Which id the filter matches (on the server)"_s);
    m_historyFilter = new QLineEdit;
    m_historyFilter->setPlaceholderText(u"Games of this userId (Enter)"_s);
    m_historyFilter->setClearButtonEnabled(true);
    auto *refresh = new QPushButton(u"Refresh"_s);
    refresh->setObjectName(u"historyRefresh"_s);
    refresh->setToolTip(u"Ask the server for this page again"_s);
    m_historyNewer = new QPushButton(u"◀ Newer"_s);
    m_historyNewer->setObjectName(u"historyNewer"_s);
    m_historyOlder = new QPushButton(u"Older ▶"_s);
    m_historyOlder->setObjectName(u"historyOlder"_s);
    m_historyPage = new QLabel;
    m_historyPage->setObjectName(u"historyPage"_s);
    m_historyState = new QLabel;
    m_historyState->setObjectName(u"historyState"_s);
    m_historyState->setTextInteractionFlags(Qt::TextSelectableByMouse);
    controls->addWidget(m_historyField);
    controls->addWidget(m_historyFilter, 1);
    controls->addWidget(refresh);
    controls->addWidget(m_historyNewer);
    controls->addWidget(m_historyPage);
    controls->addWidget(m_historyOlder);
    controls->addSpacing(16);
    controls->addWidget(m_historyState, 2);
    layout->addLayout(controls);

    connect(m_historyFilter, &QLineEdit::returnPressed, this, &MainWindow::applyHistoryFilter);
    connect(m_historyField, &QComboBox::currentIndexChanged, this, [this] {
        m_historyFilter->setPlaceholderText(
            u"Games of this %1 (Enter)"_s.arg(m_historyField->currentText()));
        if (!m_historyFilter->text().isEmpty())
            applyHistoryFilter();
    });
    // The clear button: all games again.
    connect(m_historyFilter, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            applyHistoryFilter();
    });
    connect(refresh, &QPushButton::clicked, m_history, &HistoryModel::refresh);
    connect(m_historyNewer, &QPushButton::clicked, m_history, &HistoryModel::showNewer);
    connect(m_historyOlder, &QPushButton::clicked, m_history, &HistoryModel::showOlder);
    connect(m_history, &HistoryModel::stateChanged, this, &MainWindow::showHistoryState);

    m_historyView = new QTableView;
    m_historyView->setObjectName(u"historyView"_s);
    m_historyView->setModel(m_history);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_historyView->setAlternatingRowColors(true);
    m_historyView->setWordWrap(false);
    m_historyView->verticalHeader()->hide();
    m_historyView->verticalHeader()->setDefaultSectionSize(
        m_historyView->fontMetrics().height() + 6);
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->setToolTip(u"Double-click or Enter: the game's moves"_s);
    sizeColumns(m_historyView,
        {u"2026-12-31 23:59:59"_s, u"XXXXXXXX…"_s, u"123456"_s, u"a_long_name vs a_long_name"_s,
            u"none (a_long_name left)"_s});
    connect(m_historyView, &QTableView::activated, this,
        [this](const QModelIndex &index) { openHistoryGame(index.row()); });

    m_moveView = new QTableView;
    m_moveView->setObjectName(u"moveView"_s);
    m_moveView->setModel(m_moves);
    m_moveView->setAlternatingRowColors(true);
    m_moveView->setWordWrap(false);
    m_moveView->verticalHeader()->hide();
    m_moveView->verticalHeader()->setDefaultSectionSize(m_moveView->fontMetrics().height() + 6);
    m_moveView->horizontalHeader()->setStretchLastSection(true);
    sizeColumns(m_moveView, {u"123456"_s, u"a_long_name"_s});
    m_moveTitle = new QLabel(u"Open a game to see its moves"_s);
    m_moveTitle->setObjectName(u"moveTitle"_s);
    m_moveTitle->setWordWrap(true);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_historyView);
    split->addWidget(titled(u"Moves"_s, m_moveView, m_moveTitle));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    showHistoryState();
    return tab;
}

void MainWindow::showHistoryTab()
{
    m_logs->setCurrentWidget(findChild<QWidget *>(u"historyTab"_s));
}

void MainWindow::applyHistoryFilter()
{
    m_history->setFilter(
        HistoryModel::FilterField(m_historyField->currentData().toInt()), m_historyFilter->text());
}

void MainWindow::showHistoryState()
{
    m_historyState->setText(m_history->stateText());
    m_historyPage->setText(m_history->pageText());
    m_historyNewer->setEnabled(m_history->hasNewer());
    m_historyOlder->setEnabled(m_history->hasOlder());
}

QString MainWindow::historyStateText() const
{
    return m_historyState->text();
}

QString MainWindow::moveTitleText() const
{
    return m_moveTitle->text();
}

void MainWindow::openHistoryGame(int row)
{
    if (row < 0 || row >= m_history->rowCount())
        return;
    HistoryQuery q;
    q.pairId = m_history->recordAt(row).pairId;
    q.limit = 1;
    q.withMoves = true;
    m_openQuery = q;
    m_moveTitle->setText(u"Asking for the moves of %1…"_s.arg(QString::fromUtf8(q.pairId)));
    m_feed->queryHistory(q);
}

void MainWindow::onHistoryPage(const HistoryPage &page)
{
    if (!page.query.withMoves || page.query != m_openQuery)
        return; // a page of the list: the history model's
    const QString pairId = QString::fromUtf8(page.query.pairId);
    if (!page.error.isEmpty() || page.rows.isEmpty()) {
        m_moves->clear();
        m_moveTitle->setText(page.error.isEmpty()
                ? u"Pair %1 is not in the history"_s.arg(pairId)
                : u"The moves of %1 could not be read: %2"_s.arg(pairId, page.error));
        return;
    }
    const MatchRecord &game = page.rows.first();
    m_moves->setRecord(game);
    QString title = u"%1 · %2 vs %3 · %4 · %5 moves"_s
                        .arg(pairId, QString::fromUtf8(game.userIds[0]),
                            QString::fromUtf8(game.userIds[1]), HistoryModel::outcomeText(game))
                        .arg(game.moveCount);
    if (game.firstSeq > 1)
        title += u" (those before seq %1 were not kept)"_s.arg(game.firstSeq);
    m_moveTitle->setText(title);
}

void MainWindow::onSnapshot(const Snapshot &snapshot)
{
    m_clock.sync(snapshot.serverTimeMs);
    showDraining(snapshot.draining);
    StatsSample now;
    if (!snapshot.history.isEmpty())
        now = snapshot.history.last();
    now.connections = snapshot.sessions.size();
    now.waiting = snapshot.queue.size();
    qint64 live = 0;
    for (const PairInfo &p : snapshot.pairs)
        live += p.state != PairState::Ended && p.state != PairState::Over;
    now.livePairs = live;
    showCounters(now);
    m_banner->hide();
    statusBar()->showMessage(u"Live from %1"_s.arg(m_feed->source()));
}

void MainWindow::onUpdates(const QList<AdminUpdate> &updates)
{
    for (const AdminUpdate &update : updates) {
        if (update.kind == AdminUpdate::Kind::Stats) {
            m_clock.sync(update.stats.atMs);
            showCounters(update.stats);
        } else if (update.kind == AdminUpdate::Kind::Draining) {
            showDraining(update.draining);
        }
    }
}

void MainWindow::onActionFinished(const QString &action, bool ok, const QString &message)
{
    statusBar()->showMessage(u"%1: %2"_s.arg(action, message));
    if (!ok)
        QApplication::beep();
}

void MainWindow::onConnectionChanged(bool connected, const QString &detail)
{
    if (connected) {
        m_banner->hide();
        return;
    }
    m_banner->setText(u"Not connected: %1"_s.arg(detail));
    m_banner->show();
    statusBar()->showMessage(u"Not connected"_s);
}

void MainWindow::showCounters(const StatsSample &s)
{
    m_connections->setText(QString::number(s.connections));
    m_waiting->setText(QString::number(s.waiting));
    m_livePairs->setText(QString::number(s.livePairs));
    m_matchRate->setText(QString::number(s.matchesPerMinute, 'f', 0));
    m_moveRate->setText(QString::number(s.movesPerSecond, 'f', 0));
}

void MainWindow::showDraining(bool draining)
{
    m_drain->setChecked(draining);
    m_drain->setText(draining ? u"Draining (click to stop)"_s : u"Drain"_s);
}

} // namespace pairmatch
