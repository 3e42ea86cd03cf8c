// The operator dashboard: counters and a rate chart on top; queues, pairs and sessions side
// by side; forced disconnects, the event log, the cluster and the match history (finished
// games, paged and filtered by the server, each with its moves) below. Actions: kick a
// session, expire a pair, drain. It knows the server only through an AdminFeed, in-process or
// attached.
#pragma once

#include "adminfeed.h"
#include "serverclock.h"

#include <QMainWindow>

#include <functional>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
QT_END_NAMESPACE

namespace pairmatch {

class ClusterModel;
class DisconnectModel;
class EventModel;
class FilterProxy;
class HistoryModel;
class MoveModel;
class PairModel;
class QueueModel;
class RateChart;
class SessionModel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(AdminFeed *feed, QWidget *parent = nullptr);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

    // Asks before a destructive action; tests put in an answer of their own.
    using Confirm = std::function<bool(const QString &title, const QString &question)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    // The parts, for tests and tools.
    SessionModel *sessionModel() const { return m_sessions; }
    PairModel *pairModel() const { return m_pairs; }
    QueueModel *queueModel() const { return m_queues; }
    DisconnectModel *disconnectModel() const { return m_disconnects; }
    EventModel *eventModel() const { return m_events; }
    ClusterModel *clusterModel() const { return m_cluster; }
    HistoryModel *historyModel() const { return m_history; }
    MoveModel *moveModel() const { return m_moves; }
    QTableView *historyView() const { return m_historyView; }
    QTableView *moveView() const { return m_moveView; }
    QComboBox *historyFilterField() const { return m_historyField; }
    QLineEdit *historyFilter() const { return m_historyFilter; }
    // "history off", "12 written, 0 failed", ... as the History tab shows it.
    QString historyStateText() const;
    // What the moves pane says: whose moves it shows, or why none.
    QString moveTitleText() const;
    QTableView *sessionView() const { return m_sessionView; }
    QTableView *pairView() const { return m_pairView; }
    QAction *kickAction() const { return m_kick; }
    QAction *expireAction() const { return m_expire; }
    QAction *drainAction() const { return m_drain; }
    QString statusText() const;

    // Operator actions on the current selection (what the toolbar and menus trigger).
    void kickSelectedSession();
    void expireSelectedPair();
    void toggleDrain(bool on);
    // Asks the server for this history row's game with its moves; the moves pane shows them.
    void openHistoryGame(int row);
    // Brings the History tab to the front.
    void showHistoryTab();

private:
    void buildUi();
    QTableView *makeView(
        QAbstractItemModel *model, FilterProxy *proxy, int sortColumn, Qt::SortOrder order);
    static void keepSelectionAcrossResets(QTableView *view, QAbstractItemModel *model);
    static void sizeColumns(QTableView *view, const QStringList &samples);
    void updateActions();
    void onSnapshot(const Snapshot &snapshot);
    void onUpdates(const QList<AdminUpdate> &updates);
    void onActionFinished(const QString &action, bool ok, const QString &message);
    void onConnectionChanged(bool connected, const QString &detail);
    void showCounters(const StatsSample &stats);
    void showDraining(bool draining);
    void copyPairId();
    QWidget *buildHistoryTab();
    void applyHistoryFilter();
    void showHistoryState();
    void onHistoryPage(const HistoryPage &page);

    AdminFeed *m_feed;
    ServerClock m_clock;
    Confirm m_confirm;

    SessionModel *m_sessions = nullptr;
    PairModel *m_pairs = nullptr;
    QueueModel *m_queues = nullptr;
    DisconnectModel *m_disconnects = nullptr;
    EventModel *m_events = nullptr;
    ClusterModel *m_cluster = nullptr;
    QLabel *m_clusterLine = nullptr;
    FilterProxy *m_sessionProxy = nullptr;
    FilterProxy *m_pairProxy = nullptr;
    FilterProxy *m_queueProxy = nullptr;
    FilterProxy *m_disconnectProxy = nullptr;
    FilterProxy *m_eventProxy = nullptr;

    QTableView *m_sessionView = nullptr;
    QTableView *m_pairView = nullptr;
    QTableView *m_queueView = nullptr;
    RateChart *m_chart = nullptr;
    QLabel *m_connections = nullptr;
    QLabel *m_waiting = nullptr;
    QLabel *m_livePairs = nullptr;
    QLabel *m_matchRate = nullptr;
    QLabel *m_moveRate = nullptr;
    QLabel *m_banner = nullptr;
    QAction *m_kick = nullptr;
    QAction *m_expire = nullptr;
    QAction *m_drain = nullptr;
    QAction *m_copyPair = nullptr;

    QTabWidget *m_logs = nullptr;
    HistoryModel *m_history = nullptr;
    MoveModel *m_moves = nullptr;
    QTableView *m_historyView = nullptr;
    QTableView *m_moveView = nullptr;
    QComboBox *m_historyField = nullptr;
    QLineEdit *m_historyFilter = nullptr;
    QLabel *m_historyState = nullptr;
    QLabel *m_historyPage = nullptr;
    QLabel *m_moveTitle = nullptr;
    QPushButton *m_historyOlder = nullptr;
    QPushButton *m_historyNewer = nullptr;
    HistoryQuery m_openQuery; // the game asked for the moves pane (withMoves)
};

} // namespace pairmatch
