// The operator dashboard (offscreen): the real server in-process with real player sockets,
// the window over an InProcessFeed (and over an AdminClient attached to the admin API), every
// model and proxy under QAbstractItemModelTester the whole time. Rows follow the traffic;
// kick, expire and drain act on the server as the operator confirms them; filters filter.
#include "adminclient.h"
#include "adminserver.h"
#include "clustermodel.h"
#include "dashboardfixture.h"
#include "disconnectmodel.h"
#include "eventmodel.h"
#include "feedpublisher.h"
#include "filterproxy.h"
#include "historymodel.h"
#include "historyrequests.h"
#include "historystore.h"
#include "inprocessfeed.h"
#include "mainwindow.h"
#include "memoryhistory.h"
#include "movemodel.h"
#include "pairmodel.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "queuemodel.h"
#include "sessionmodel.h"
#include "testplayer.h"
#include "testserver.h"
#include "waituntil.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

#include <functional>
#include <memory>
#include <vector>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// The server, the in-process feed's two ends and the window over it, started. (The ends
// meet in queued signals, here on one thread; pairmatch puts the server on a thread of its
// own, tested in tst_dashboardthread.)
struct InProcess {
    explicit InProcess(const ServerConfig &config = TestServer::defaultConfig())
        : server(config)
        , publisher(server.core())

        , dashboard(&feed)
    {
        feed.attach(&publisher);
        feed.start();
    }
    TestServer server;
    FeedPublisher publisher;
    InProcessFeed feed;
    Dashboard dashboard;
    MainWindow &window = dashboard.window;
};

// The server with its admin API, both on free ports; the token is "t0ken".
struct WithAdminApi {
    WithAdminApi()
        : server(config())
        , admin(server.core(), server.config())
    { }
    static ServerConfig config()
    {
        ServerConfig c = TestServer::defaultConfig();
        c.adminPort = 0;
        c.adminToken = "t0ken";
        return c;
    }
    bool listen() { return server.isListening() && admin.listen(); }
    TestServer server;
    AdminServer admin;
};

// The server with its match history (--history PATH, an SQLite file in a temporary
// directory) and its admin API; the history answers both feeds, as ServerApp wires it.
struct WithHistory {
    WithHistory()
        : store(HistoryStore::open(dir.filePath(u"history.sqlite"_s), &error))
        , server(config(dir.filePath(u"history.sqlite"_s)))
        , admin(server.core(), server.config())
    {
        if (store) {
            server.core().setRecordSink(store.get());
            requests.setStore(store.get());
        }
        admin.setHistory(&requests);
    }
    static ServerConfig config(const QString &historyPath)
    {
        ServerConfig c = WithAdminApi::config();
        c.historyPath = historyPath;
        return c;
    }
    bool listen() { return store && server.isListening() && admin.listen(); }

    // A game of `newcomer` and `waiter`, `moves` moves from the newcomer first ({"move": i}),
    // ended by the waiter, played for real: PairTable hands its record to the history.
    QString game(const QString &waiter, const QString &newcomer, int moves)
    {
        PairSetup pair(server, 1, waiter, newcomer);
        if (const QString e = pair.start(); !e.isEmpty())
            return e;
        for (int i = 1; i <= moves; ++i) {
            if (const QString e = pair.move(i % 2 == 0, QJsonObject {{u"move"_s, i}}); !e.isEmpty())
                return e;
        }
        pair.waiterRound.send({{u"command"_s, u"end"_s}});
        if (!pair.waiterRound.expect(u"ended"_s))
            return pair.waiterRound.lastMismatch();
        return {};
    }
    // Waits until the history has written this many games.
    bool written(quint64 games)
    {
        return waitUntil([&] { return store->written() >= games; });
    }

    QTemporaryDir dir;
    QString error;
    HistoryRequests requests;
    std::unique_ptr<HistoryStore> store;
    TestServer server;
    AdminServer admin;
};

// The users column of each history row, top to bottom.
QStringList historyUsers(const MainWindow &window)
{
    QStringList users;
    const HistoryModel *m = window.historyModel();
    for (int row = 0; row < m->rowCount(); ++row)
        users << cell(m, row, HistoryModel::Users);
    return users;
}

// The moves pane as "seq|user|data" lines.
QStringList movesShown(const MainWindow &window)
{
    QStringList lines;
    const MoveModel *m = window.moveModel();
    for (int row = 0; row < m->rowCount(); ++row) {
        lines << u"%1|%2|%3"_s.arg(cell(m, row, MoveModel::Seq), cell(m, row, MoveModel::User),
            cell(m, row, MoveModel::Data));
    }
    return lines;
}

void clickButton(const MainWindow &window, const QString &name)
{
    auto *button = window.findChild<QPushButton *>(name);
    QVERIFY2(button, qPrintable(name));
    QVERIFY2(button->isEnabled(), qPrintable(name));
    QTest::mouseClick(button, Qt::LeftButton);
}

} // namespace

class TestDashboard final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windowParts();
    void rowsFollowTraffic();
    void kickSeatedSession();
    void expireHalfSeatedPair();
    void declinedConfirmationDoesNothing();
    void drainRefusesEntry();
    void filters();
    void attachedShowsTheSameRows();
    void selectionStaysOffOtherSessionsWhenSelectedCloses();
    void selectionStaysOffOtherPairsWhenSelectedIsRemoved();
    void bothFeedsAnswerEveryCommand();
    void historyOff();
    void historyListsFinishedGames();
    void historyAttachedShowsTheSame();
};

void TestDashboard::windowParts()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    QVERIFY(QTest::qWaitForWindowExposed(&d.window));
    QCOMPARE(d.dashboard.proxies.size(), 6);
    for (const QAbstractItemModel *m : {static_cast<QAbstractItemModel *>(d.window.sessionModel()),
             static_cast<QAbstractItemModel *>(d.window.pairModel()),
             static_cast<QAbstractItemModel *>(d.window.queueModel()),
             static_cast<QAbstractItemModel *>(d.window.disconnectModel()),
             static_cast<QAbstractItemModel *>(d.window.eventModel()),
             static_cast<QAbstractItemModel *>(d.window.clusterModel())}) {
        QVERIFY(d.dashboard.proxyOf(m));
        QVERIFY(d.dashboard.viewOf(m));
    }
    QVERIFY(d.dashboard.filterOf<QLineEdit>(d.window.eventModel()));
    QVERIFY(d.dashboard.filterOf<QComboBox>(d.window.disconnectModel()));
    QVERIFY(d.window.windowTitle().contains(u"in-process"_s));
    QTRY_VERIFY(d.window.statusText().contains(u"in-process"_s)); // once the snapshot came
    // nothing selected, nothing to act on
    QVERIFY(!d.window.kickAction()->isEnabled());
    QVERIFY(!d.window.expireAction()->isEnabled());
    QVERIFY(d.window.drainAction()->isEnabled());
    QVERIFY(!d.window.drainAction()->isChecked());
    // the icon and the style sheet, from resources/dashboard.qrc
    const QIcon icon = d.window.windowIcon();
    QVERIFY(!icon.isNull());
    for (const int size : {16, 32, 256})
        QVERIFY2(
            icon.availableSizes().contains(QSize(size, size)), qPrintable(QString::number(size)));
    QVERIFY(!icon.pixmap(QSize(32, 32)).isNull());
    auto *banner = d.window.findChild<QLabel *>(u"banner"_s);
    QVERIFY(banner);
    QVERIFY(banner->isHidden()); // until the feed is lost
    banner->ensurePolished();
    QCOMPARE(banner->palette().color(QPalette::WindowText), QColor(0x66, 0x00, 0x00));
}

void TestDashboard::rowsFollowTraffic()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    const QueueModel *queue = d.window.queueModel();
    const QAbstractItemModel *sessions = ui.sessions();

    // a waiting player: a queue row, a session row
    PairSetup p(d.server, 5, u"alice"_s, u"bob"_s);
    PM_OK(p.enterWaiter());
    QTRY_COMPARE(queue->rowCount(), 1);
    QCOMPARE(cell(queue, 0, QueueModel::Type), u"5"_s);
    QCOMPARE(cell(queue, 0, QueueModel::Players), u"alice"_s);
    int row = ui.sessionRowOf(p.waiterMatching);
    QVERIFY(row >= 0);
    const QString aliceMatching = cell(sessions, row, SessionModel::Id);
    QCOMPARE(cell(queue, 0, QueueModel::Sessions), aliceMatching);
    QCOMPARE(cell(sessions, row, SessionModel::Endpoint), u"/ws/matching/5"_s);
    QCOMPARE(cell(sessions, row, SessionModel::Remote), remoteOf(p.waiterMatching));
    // the userId and counters come with the next once-a-second report
    QTRY_COMPARE_WITH_TIMEOUT(cell(sessions, ui.sessionRowOf(p.waiterMatching), SessionModel::User),
        u"alice"_s, kCountersMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        cell(sessions, ui.sessionRowOf(p.waiterMatching), SessionModel::In), u"1"_s, kCountersMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        cell(sessions, ui.sessionRowOf(p.waiterMatching), SessionModel::Out), u"1"_s, kCountersMs);

    // matched: the queue row goes, a pair row comes
    PM_OK(p.enterNewcomer());
    QTRY_COMPARE(queue->rowCount(), 0);
    QTRY_VERIFY(ui.pairRow(p.pairId) >= 0);
    QCOMPARE(ui.pairs()->rowCount(), 1);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::State), u"issued"_s);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::Seats), u"0/2"_s);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::Users), u"bob vs alice"_s);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::Type), u"5"_s);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::Moves), u"0"_s);
    QVERIFY(ui.pairCell(p.pairId, PairModel::TimeLeft) != u"–"_s);
    QTRY_VERIFY(ui.eventCount(LogEvent::Kind::MatchMade, u"bob"_s) == 1);

    // seats taken one by one
    PM_OK(p.seatWaiter());
    QTRY_COMPARE(ui.pairCell(p.pairId, PairModel::State), u"waiting"_s);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::Seats), u"1/2"_s);
    PM_OK(p.seatNewcomer());
    QTRY_COMPARE(ui.pairCell(p.pairId, PairModel::State), u"started"_s);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::Seats), u"2/2"_s);
    QCOMPARE(ui.pairCell(p.pairId, PairModel::TimeLeft), u"–"_s);
    QTRY_VERIFY(ui.eventCount(LogEvent::Kind::PairStarted) == 1);

    // moves
    PM_OK(p.move(true, 1));
    PM_OK(p.move(false, 2));
    PM_OK(p.move(true, 3));
    QTRY_COMPARE_WITH_TIMEOUT(ui.pairCell(p.pairId, PairModel::Moves), u"3"_s, kCountersMs);

    // the round sessions: userId, endpoint, counters
    // alice: in prepared + 2 moves, out wait + start + 3 moves; bob: in prepared + 1 move,
    // out start + 3 moves
    QTRY_COMPARE_WITH_TIMEOUT(cell(sessions, ui.sessionRowOf(p.waiterRound), SessionModel::User),
        u"alice"_s, kCountersMs);
    row = ui.sessionRowOf(p.waiterRound);
    QCOMPARE(cell(sessions, row, SessionModel::Endpoint), u"round"_s);
    QCOMPARE(sessions->index(row, SessionModel::Endpoint).data(Qt::ToolTipRole).toString(),
        u"/ws/round/"_s + QString::fromLatin1(p.pairId));
    QTRY_COMPARE_WITH_TIMEOUT(
        cell(sessions, ui.sessionRowOf(p.waiterRound), SessionModel::In), u"3"_s, kCountersMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        cell(sessions, ui.sessionRowOf(p.waiterRound), SessionModel::Out), u"5"_s, kCountersMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        cell(sessions, ui.sessionRowOf(p.newcomerRound), SessionModel::In), u"2"_s, kCountersMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        cell(sessions, ui.sessionRowOf(p.newcomerRound), SessionModel::Out), u"4"_s, kCountersMs);
    QCOMPARE(sessions->rowCount(), 4);
    // the seats column names the round sessions
    const QString seats = ui.pairs()
                              ->index(ui.pairRow(p.pairId), PairModel::Seats)
                              .data(Qt::ToolTipRole)
                              .toString();
    QVERIFY2(seats.contains(u"alice: session "_s
                 + cell(sessions, ui.sessionRowOf(p.waiterRound), SessionModel::Id)),
        qPrintable(seats));

    // a session that closes goes away
    const QVariant closing = sessions->index(ui.sessionRowOf(p.waiterMatching), 0).data(KeyRole);
    p.waiterMatching.close();
    QVERIFY(p.waiterMatching.waitClosed());
    QTRY_COMPARE(rowOfKey(sessions, closing), -1);
    QCOMPARE(sessions->rowCount(), 3);
    QCOMPARE(d.window.sessionModel()->rowCount(), 3);

    // `end`: the pair shows it
    p.newcomerRound.end();
    QVERIFY2(p.newcomerRound.expect(u"ended"_s), qPrintable(p.newcomerRound.lastMismatch()));
    QTRY_COMPARE(ui.pairCell(p.pairId, PairModel::State), u"ended"_s);
}

void TestDashboard::kickSeatedSession()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    PairSetup p(d.server, 1, u"alice"_s, u"bob"_s);
    PM_OK(p.start());
    QTRY_COMPARE(ui.pairCell(p.pairId, PairModel::State), u"started"_s);
    const PairModel *pairs = d.window.pairModel();
    const quint64 aliceSeat
        = pairs->rowAt(pairs->rowOf(QString::fromLatin1(p.pairId))).seatSessions[1];
    QVERIFY(aliceSeat != 0);

    // alice's seated session, by its User and Endpoint columns in the sessions view
    QTRY_VERIFY_WITH_TIMEOUT(ui.sessionRow(u"alice"_s, u"round"_s) >= 0, kCountersMs);
    const int row = ui.sessionRow(u"alice"_s, u"round"_s);
    QCOMPARE(ui.sessions()->index(row, 0).data(KeyRole).toULongLong(), aliceSeat);
    d.window.sessionView()->selectRow(row);
    QVERIFY(d.window.kickAction()->isEnabled());

    ui.answer = true;
    d.window.kickAction()->trigger();
    QCOMPARE(ui.asked.size(), 1);
    QVERIFY2(ui.asked.first().contains(QString::number(aliceSeat))
            && ui.asked.first().contains(u"alice"_s),
        qPrintable(ui.asked.first()));

    QVERIFY(p.waiterRound.waitClosed());
    QCOMPARE(p.waiterRound.closeCode(), 4000);
    QVERIFY2(p.newcomerRound.expect(u"none"_s), qPrintable(p.newcomerRound.lastMismatch()));
    QVERIFY(p.newcomerRound.sync());
    QCOMPARE(p.newcomerRound.pendingCount(), 0);
    QVERIFY(p.waiterMatching.sync()); // only the seated session was kicked

    // what the operator sees of it
    QTRY_COMPARE(ui.disconnectCount(4000, u"alice"_s), 1);
    const DisconnectModel *disconnects = d.window.disconnectModel();
    const int drow = findRow(disconnects,
        [&](int r) { return cell(disconnects, r, DisconnectModel::Code) == u"4000"_s; });
    QCOMPARE(cell(disconnects, drow, DisconnectModel::Reason), u"kicked by operator"_s);
    QCOMPARE(cell(disconnects, drow, DisconnectModel::Session), QString::number(aliceSeat));
    QCOMPARE(cell(disconnects, drow, DisconnectModel::Endpoint), u"round"_s);
    QCOMPARE(disconnects->index(drow, DisconnectModel::Pair).data(Qt::ToolTipRole).toString(),
        QString::fromLatin1(p.pairId));
    QTRY_COMPARE(ui.eventCount(LogEvent::Kind::Kicked, u"alice"_s), 1);
    QTRY_COMPARE(ui.eventCount(LogEvent::Kind::PairNone), 1);
    QTRY_COMPARE(rowOfKey(ui.sessions(), aliceSeat), -1);
    QTRY_COMPARE(ui.pairCell(p.pairId, PairModel::State), u"over (none)"_s);
    QTRY_VERIFY(d.window.statusText().startsWith(u"kick: "_s));
}

void TestDashboard::expireHalfSeatedPair()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    PairSetup p(d.server, 1, u"alice"_s, u"bob"_s);
    PM_OK(p.match());
    PM_OK(p.seatWaiter());
    QTRY_COMPARE(ui.pairCell(p.pairId, PairModel::State), u"waiting"_s);

    d.window.pairView()->selectRow(ui.pairRow(p.pairId));
    QVERIFY(d.window.expireAction()->isEnabled());
    ui.answer = true;
    d.window.expireAction()->trigger();
    QCOMPARE(ui.asked.size(), 1);
    QVERIFY2(
        ui.asked.first().contains(QString::fromLatin1(p.pairId)), qPrintable(ui.asked.first()));

    QVERIFY2(p.waiterRound.expect(u"invalid"_s), qPrintable(p.waiterRound.lastMismatch()));
    QVERIFY(p.waiterRound.waitClosed());
    QCOMPARE(p.waiterRound.closeCode(), 1000);
    QTRY_COMPARE(ui.pairRow(p.pairId), -1);
    QCOMPARE(d.window.pairModel()->rowCount(), 0);
    QTRY_COMPARE(ui.eventCount(LogEvent::Kind::Expired), 1);
    const EventModel *events = d.window.eventModel();
    const int erow = findRow(events, [&](int r) {
        return cell(events, r, EventModel::Kind) == EventModel::kindText(LogEvent::Kind::Expired);
    });
    QCOMPARE(events->index(erow, EventModel::Pair).data(Qt::ToolTipRole).toString(),
        QString::fromLatin1(p.pairId));
    QCOMPARE(cell(events, erow, EventModel::User), u"bob"_s);
    QCOMPARE(cell(events, erow, EventModel::Other), u"alice"_s);
    QTRY_COMPARE(ui.disconnectCount(1000, u"alice"_s), 1);
    QTRY_VERIFY(d.window.statusText().startsWith(u"expire: "_s));
    QVERIFY(!d.window.expireAction()->isEnabled()); // the only row is gone
}

void TestDashboard::declinedConfirmationDoesNothing()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    PairSetup started(d.server, 1, u"alice"_s, u"bob"_s);
    PM_OK(started.start());
    PairSetup waiting(d.server, 2, u"carol"_s, u"dave"_s);
    PM_OK(waiting.match());
    PM_OK(waiting.seatWaiter());
    QTRY_COMPARE(ui.pairCell(waiting.pairId, PairModel::State), u"waiting"_s);
    QTRY_VERIFY_WITH_TIMEOUT(ui.sessionRow(u"alice"_s, u"round"_s) >= 0, kCountersMs);
    ui.answer = false;

    // without a selection there is nothing to ask about
    d.window.kickSelectedSession();
    d.window.expireSelectedPair();
    QCOMPARE(ui.asked.size(), 0);

    d.window.sessionView()->selectRow(ui.sessionRow(u"alice"_s, u"round"_s));
    d.window.kickAction()->trigger();
    QCOMPARE(ui.asked.size(), 1);
    d.window.pairView()->selectRow(ui.pairRow(waiting.pairId));
    d.window.expireAction()->trigger();
    QCOMPARE(ui.asked.size(), 2);
    d.window.drainAction()->trigger();
    QCOMPARE(ui.asked.size(), 3);
    QVERIFY(!d.window.drainAction()->isChecked());

    // nothing happened
    QVERIFY(started.waiterRound.sync());
    QVERIFY(started.waiterRound.isOpen());
    QCOMPARE(started.waiterRound.pendingCount(), 0);
    QVERIFY(started.newcomerRound.sync());
    QCOMPARE(started.newcomerRound.pendingCount(), 0);
    PM_OK(started.move(true, u"still here"_s));
    QVERIFY(waiting.waiterRound.sync());
    QVERIFY(waiting.waiterRound.isOpen());
    QCOMPARE(waiting.waiterRound.pendingCount(), 0);
    QVERIFY(!d.server.core().isDraining());
    TestPlayer erin;
    QVERIFY(erin.open(d.server.matchingUrl(3)));
    erin.entry(u"erin"_s);
    QVERIFY2(erin.expect(u"entried"_s), qPrintable(erin.lastMismatch()));

    d.window.eventModel()->flush();
    QCOMPARE(ui.eventCount(LogEvent::Kind::Kicked), 0);
    QCOMPARE(ui.eventCount(LogEvent::Kind::Expired), 0);
    QCOMPARE(ui.eventCount(LogEvent::Kind::Drain), 0);
    QCOMPARE(ui.pairCell(waiting.pairId, PairModel::State), u"waiting"_s);
    QCOMPARE(ui.pairCell(started.pairId, PairModel::State), u"started"_s);
}

void TestDashboard::drainRefusesEntry()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    TestPlayer alice;
    QVERIFY(alice.open(d.server.matchingUrl(3)));
    alice.entry(u"alice"_s);
    QVERIFY2(alice.expect(u"entried"_s), qPrintable(alice.lastMismatch()));
    QTRY_COMPARE(d.window.queueModel()->rowCount(), 1);

    ui.answer = true;
    d.window.drainAction()->trigger();
    QCOMPARE(ui.asked.size(), 1);
    QTRY_VERIFY(d.server.core().isDraining()); // commands reach the server's thread queued
    QTRY_VERIFY(d.window.drainAction()->isChecked());
    QTRY_VERIFY(d.window.drainAction()->text().startsWith(u"Draining"_s));
    QTRY_COMPARE(ui.eventCount(LogEvent::Kind::Drain), 1);

    TestPlayer carol;
    QVERIFY(carol.open(d.server.matchingUrl(3)));
    carol.entry(u"carol"_s);
    QVERIFY2(carol.expectError(u"draining"_s), qPrintable(carol.lastMismatch()));
    QVERIFY(alice.sync());
    QCOMPARE(alice.pendingCount(), 0);
    QCOMPARE(d.window.queueModel()->rowCount(), 1);
    QCOMPARE(cell(d.window.queueModel(), 0, QueueModel::Players), u"alice"_s);

    d.window.drainAction()->trigger();
    QTRY_VERIFY(!d.server.core().isDraining());
    QTRY_VERIFY(!d.window.drainAction()->isChecked());
    QTRY_COMPARE(d.window.drainAction()->text(), u"Drain"_s);
    QTRY_COMPARE(ui.eventCount(LogEvent::Kind::Undrain), 1);
    carol.entry(u"carol"_s);
    QVERIFY2(carol.expect(u"prepare"_s), qPrintable(carol.lastMismatch()));
    QVERIFY2(alice.expect(u"prepare"_s), qPrintable(alice.lastMismatch()));
    QTRY_COMPARE(d.window.queueModel()->rowCount(), 0);
    QTRY_COMPARE(d.window.pairModel()->rowCount(), 1);
}

void TestDashboard::filters()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    PairSetup kicked(d.server, 1, u"carol"_s, u"dave"_s);
    PM_OK(kicked.start());
    PairSetup expired(d.server, 2, u"erin"_s, u"fred"_s);
    PM_OK(expired.match());
    PM_OK(expired.seatWaiter());
    QTRY_COMPARE(ui.pairCell(expired.pairId, PairModel::State), u"waiting"_s);
    const PairModel *pairs = d.window.pairModel();
    const quint64 carolSeat
        = pairs->rowAt(pairs->rowOf(QString::fromLatin1(kicked.pairId))).seatSessions[1];
    d.feed.kick(carolSeat);
    QVERIFY(kicked.waiterRound.waitClosed());
    QVERIFY2(
        kicked.newcomerRound.expect(u"none"_s), qPrintable(kicked.newcomerRound.lastMismatch()));
    d.feed.expire(QString::fromLatin1(expired.pairId));
    QVERIFY(expired.waiterRound.waitClosed());
    QTRY_COMPARE(ui.disconnectCount(4000), 1);
    QTRY_COMPARE(ui.disconnectCount(1000), 1);
    QTRY_COMPARE(ui.eventCount(LogEvent::Kind::Expired), 1);

    // events by userId
    const EventModel *events = d.window.eventModel();
    FilterProxy *eventProxy = ui.proxyOf(events);
    auto *eventUser = ui.filterOf<QLineEdit>(events);
    QVERIFY(eventProxy && eventUser);
    const auto involvesDave = [&](int row) {
        return cell(events, row, EventModel::User) == u"dave"_s
            || cell(events, row, EventModel::Other) == u"dave"_s;
    };
    const int daveEvents = countRows(events, involvesDave);
    QVERIFY(daveEvents >= 3); // match, started, none
    QVERIFY(daveEvents < events->rowCount());
    QCOMPARE(eventProxy->rowCount(), events->rowCount());
    eventUser->setText(u"dave"_s);
    QCOMPARE(eventProxy->rowCount(), daveEvents);
    for (int row = 0; row < eventProxy->rowCount(); ++row) {
        const QString user = cell(eventProxy, row, EventModel::User);
        const QString other = cell(eventProxy, row, EventModel::Other);
        QVERIFY2(user == u"dave"_s || other == u"dave"_s, qPrintable(user + u'/' + other));
    }
    eventUser->clear();
    QCOMPARE(eventProxy->rowCount(), events->rowCount());

    // forced disconnects by close code
    const DisconnectModel *disconnects = d.window.disconnectModel();
    FilterProxy *disconnectProxy = ui.proxyOf(disconnects);
    auto *code = ui.filterOf<QComboBox>(disconnects);
    QVERIFY(disconnectProxy && code);
    QCOMPARE(disconnects->rowCount(), 2);
    QCOMPARE(disconnectProxy->rowCount(), 2);
    const int kicks = code->findData(4000);
    QVERIFY(kicks > 0);
    code->setCurrentIndex(kicks);
    QCOMPARE(disconnectProxy->rowCount(), 1);
    QCOMPARE(cell(disconnectProxy, 0, DisconnectModel::Code), u"4000"_s);
    QCOMPARE(cell(disconnectProxy, 0, DisconnectModel::User), u"carol"_s);
    code->setCurrentIndex(code->findData(1000));
    QCOMPARE(disconnectProxy->rowCount(), 1);
    QCOMPARE(cell(disconnectProxy, 0, DisconnectModel::User), u"erin"_s);
    code->setCurrentIndex(code->findData(1008));
    QCOMPARE(disconnectProxy->rowCount(), 0);
    code->setCurrentIndex(0);
    QCOMPARE(disconnectProxy->rowCount(), 2);

    // the toolbar's userId filter narrows the pairs, sessions and queues
    auto *toolbarFilter = d.window.findChild<QToolBar *>()->findChild<QLineEdit *>();
    QVERIFY(toolbarFilter);
    PairSetup other(d.server, 3, u"gina"_s, u"hugo"_s);
    PM_OK(other.match());
    QTRY_COMPARE(ui.pairs()->rowCount(), 2); // the expired pair is gone, the kicked one over
    toolbarFilter->setText(u"HUGO"_s); // case-insensitive
    QCOMPARE(ui.pairs()->rowCount(), 1);
    QCOMPARE(ui.pairs()->index(0, 0).data(KeyRole).toString(), QString::fromLatin1(other.pairId));
    QTRY_COMPARE_WITH_TIMEOUT(ui.sessions()->rowCount(), 1, kCountersMs); // hugo's, once named
    toolbarFilter->setText(u"dave"_s);
    QCOMPARE(ui.pairs()->rowCount(), 1);
    QCOMPARE(ui.pairs()->index(0, 0).data(KeyRole).toString(), QString::fromLatin1(kicked.pairId));
    toolbarFilter->clear();
    QCOMPARE(ui.pairs()->rowCount(), 2);
}

void TestDashboard::attachedShowsTheSameRows()
{
    WithAdminApi w;
    QVERIFY(w.listen());
    TestServer &server = w.server;
    AdminServer &admin = w.admin;

    // traffic before either dashboard: a waiting player, a started pair
    TestPlayer walt;
    QVERIFY(walt.open(server.matchingUrl(4)));
    walt.entry(u"walt"_s);
    QVERIFY2(walt.expect(u"entried"_s), qPrintable(walt.lastMismatch()));
    PairSetup first(server, 1, u"alice"_s, u"bob"_s);
    PM_OK(first.start());

    FeedPublisher publisher(server.core());
    InProcessFeed local;
    local.attach(&publisher);
    Dashboard inProcess(&local);
    AdminClient client(QUrl(admin.url()), "t0ken");
    Dashboard attached(&client);
    local.start();
    client.start();
    QTRY_VERIFY(client.isConnected());
    QTRY_VERIFY(attached.window.statusText().contains(admin.url()));
    QVERIFY(attached.window.windowTitle().contains(admin.url()));
    QTRY_COMPARE(attached.describe(), inProcess.describe());
    QCOMPARE(attached.window.sessionModel()->rowCount(), 5);
    QCOMPARE(attached.window.pairModel()->rowCount(), 1);
    QCOMPARE(attached.window.queueModel()->rowCount(), 1);

    // traffic after: a pair with one seat, moves, a closed session, another waiting player
    PairSetup second(server, 2, u"carol"_s, u"dave"_s);
    PM_OK(second.match());
    PM_OK(second.seatWaiter());
    PM_OK(first.move(true, 1));
    PM_OK(first.move(false, 2));
    first.waiterMatching.close();
    TestPlayer yves;
    QVERIFY(yves.open(server.matchingUrl(7)));
    yves.entry(u"yves"_s);
    QVERIFY2(yves.expect(u"entried"_s), qPrintable(yves.lastMismatch()));
    QTRY_COMPARE_WITH_TIMEOUT(
        inProcess.pairCell(first.pairId, PairModel::Moves), u"2"_s, kCountersMs);
    QTRY_VERIFY_WITH_TIMEOUT(inProcess.sessionRow(u"carol"_s, u"round"_s) >= 0, kCountersMs);
    QTRY_COMPARE_WITH_TIMEOUT(attached.describe(), inProcess.describe(), kCountersMs);
    QCOMPARE(
        attached.window.sessionModel()->rowCount(), qsizetype(server.core().connectionCount()));
    QCOMPARE(attached.window.pairModel()->rowCount(), 2);
    QCOMPARE(attached.window.queueModel()->rowCount(), 2);
    QCOMPARE(attached.pairCell(second.pairId, PairModel::State), u"waiting"_s);

    // kick through the attached dashboard
    QTRY_VERIFY_WITH_TIMEOUT(attached.sessionRow(u"alice"_s, u"round"_s) >= 0, kCountersMs);
    attached.window.sessionView()->selectRow(attached.sessionRow(u"alice"_s, u"round"_s));
    attached.answer = true;
    attached.window.kickAction()->trigger();
    QCOMPARE(attached.asked.size(), 1);
    QVERIFY(first.waiterRound.waitClosed());
    QCOMPARE(first.waiterRound.closeCode(), 4000);
    QVERIFY2(first.newcomerRound.expect(u"none"_s), qPrintable(first.newcomerRound.lastMismatch()));
    QTRY_VERIFY(attached.window.statusText().startsWith(u"kick: "_s));
    QTRY_COMPARE(attached.eventCount(LogEvent::Kind::Kicked, u"alice"_s), 1);
    QTRY_COMPARE(attached.disconnectCount(4000, u"alice"_s), 1);
    QTRY_COMPARE(inProcess.eventCount(LogEvent::Kind::Kicked, u"alice"_s), 1);
    QTRY_COMPARE(attached.describe(), inProcess.describe());
    QCOMPARE(attached.pairCell(first.pairId, PairModel::State), u"over (none)"_s);
}

// The selection is the operator's choice of a session. When the selected session closes on
// its own, nothing may stay selected in its place: Kick would close another player.
void TestDashboard::selectionStaysOffOtherSessionsWhenSelectedCloses()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    TestPlayer alice, bob, carol;
    for (TestPlayer *p : {&alice, &bob, &carol})
        QVERIFY(p->open(d.server.matchingUrl(1)));
    QTRY_COMPARE(d.window.sessionModel()->rowCount(), 3);
    const QVariant aliceId = ui.sessions()->index(ui.sessionRowOf(alice), 0).data(KeyRole);
    const QVariant carolId = ui.sessions()->index(ui.sessionRowOf(carol), 0).data(KeyRole);
    d.window.sessionView()->selectRow(ui.sessionRowOf(alice));
    QCOMPARE(selectedKeys(d.window.sessionView()), QVariantList {aliceId});

    alice.close();
    QVERIFY(alice.waitClosed());
    QTRY_COMPARE(rowOfKey(ui.sessions(), aliceId), -1);
    const QVariantList selected = selectedKeys(d.window.sessionView());
    const bool kickEnabled = d.window.kickAction()->isEnabled();
    ui.answer = true;
    d.window.kickAction()->trigger();
    bool carolOpen = false;
    for (const SessionInfo &s : d.server.core().view().snapshot().sessions)
        carolOpen = carolOpen || QVariant(s.id) == carolId;
    QVERIFY2(selected.isEmpty() && !kickEnabled && carolOpen,
        qPrintable(u"after alice's selected session %1 closed, the selection is on %2 (carol is "
                   "%3), Kick is %4; triggering it asked '%5' and carol's session is %6"_s.arg(
                       aliceId.toString(), QVariant(selected).toStringList().join(u','),
                       carolId.toString(), kickEnabled ? u"enabled"_s : u"disabled"_s,
                       ui.asked.value(0), carolOpen ? u"open"_s : u"kicked"_s)));
}

// The same for pairs: when the selected pair is removed, Expire must not fire another's
// prepare timeout.
void TestDashboard::selectionStaysOffOtherPairsWhenSelectedIsRemoved()
{
    InProcess d;
    QVERIFY(d.server.isListening());
    Dashboard &ui = d.dashboard;
    PairSetup done(d.server, 1, u"ann"_s, u"ben"_s);
    PM_OK(done.start());
    PairSetup waiting(d.server, 2, u"cat"_s, u"dan"_s);
    PM_OK(waiting.match());
    PM_OK(waiting.seatWaiter());
    QTRY_COMPARE(ui.pairCell(waiting.pairId, PairModel::State), u"waiting"_s);
    d.window.pairView()->selectRow(ui.pairRow(done.pairId));
    QCOMPARE(selectedKeys(d.window.pairView()), QVariantList {QString::fromLatin1(done.pairId)});

    // the selected pair ends and, its last connection gone, is removed
    done.waiterRound.end();
    QVERIFY2(done.waiterRound.expect(u"ended"_s), qPrintable(done.waiterRound.lastMismatch()));
    done.waiterRound.close();
    done.newcomerRound.close();
    QTRY_COMPARE(ui.pairRow(done.pairId), -1);
    const QVariantList selected = selectedKeys(d.window.pairView());
    const bool expireEnabled = d.window.expireAction()->isEnabled();
    ui.answer = true;
    d.window.expireAction()->trigger();
    const Pair *other = d.server.core().pairs().find(waiting.pairId);
    const bool otherIntact = other && !other->over();
    QVERIFY2(selected.isEmpty() && !expireEnabled && otherIntact,
        qPrintable(
            u"after the selected pair %1 was removed, the selection is on %2 (the other "
            "pair is %3), Expire is %4; triggering it asked '%5' and the other pair is %6"_s.arg(
                QString::fromLatin1(done.pairId), QVariant(selected).toStringList().join(u','),
                QString::fromLatin1(waiting.pairId), expireEnabled ? u"enabled"_s : u"disabled"_s,
                ui.asked.value(0), otherIntact ? u"intact"_s : u"expired"_s)));
}

// The two feeds carry out every command alike (server/adminactions.h) and answer it the same
// way: in-process, and attached through the admin API.
void TestDashboard::bothFeedsAnswerEveryCommand()
{
    WithAdminApi w;
    QVERIFY(w.listen());
    TestServer &server = w.server;
    AdminServer &admin = w.admin;
    FeedPublisher publisher(server.core());
    InProcessFeed local;
    local.attach(&publisher);
    AdminClient client(QUrl(admin.url()), "t0ken");

    // before it is connected, an attached feed refuses at once
    QSignalSpy refused(&client, &AdminFeed::actionFinished);
    client.kick(1);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.at(0).at(0).toString(), u"kick"_s);
    QCOMPARE(refused.at(0).at(1).toBool(), false);
    QVERIFY(refused.at(0).at(2).toString().startsWith(u"not connected to "_s));

    QSignalSpy firstSnapshot(&client, &AdminFeed::snapshotReceived);
    local.start();
    client.start();
    QTRY_COMPARE(firstSnapshot.size(), 1);
    const QStringList expected {
        u"kick|false|no open session 999999"_s,
        u"expire|false|no pair no-such-pair"_s,
        u"drain|true|draining: entry is refused"_s,
        u"drain|true|already so"_s,
        u"undrain|true|no longer draining"_s,
        u"undrain|true|already so"_s,
    };
    for (AdminFeed *feed : {static_cast<AdminFeed *>(&local), static_cast<AdminFeed *>(&client)}) {
        QSignalSpy finished(feed, &AdminFeed::actionFinished);
        QSignalSpy snapshots(feed, &AdminFeed::snapshotReceived);
        feed->kick(999'999);
        feed->expire(u"no-such-pair"_s);
        feed->setDraining(true);
        feed->setDraining(true);
        feed->setDraining(false);
        feed->setDraining(false);
        QTRY_COMPARE(finished.size(), expected.size());
        QStringList answers;
        for (const QList<QVariant> &args : std::as_const(finished)) {
            answers << u"%1|%2|%3"_s.arg(args.at(0).toString(),
                args.at(1).toBool() ? u"true"_s : u"false"_s, args.at(2).toString());
        }
        QCOMPARE(answers, expected);
        feed->submit(AdminCommand::snapshot());
        QTRY_COMPARE(snapshots.size(), 1);
        QCOMPARE(finished.size(), expected.size()); // a snapshot is no action
    }
}

// Without a history (--history off) the History tab says so.
void TestDashboard::historyOff()
{
    InProcess d;
    QTRY_COMPARE(d.window.historyStateText(), u"history off"_s);
    QCOMPARE(d.window.historyModel()->rowCount(), 0);
}

// The History tab over the in-process feed: the finished games newest first, the state line,
// the userId filter asked of the server, paging, and a game opened with Enter showing its
// moves in order.
void TestDashboard::historyListsFinishedGames()
{
    WithHistory h;
    QVERIFY2(h.listen(), qPrintable(h.error));
    PM_OK(h.game(u"alice"_s, u"bob"_s, 3));
    PM_OK(h.game(u"carol"_s, u"dave"_s, 1));
    PM_OK(h.game(u"alice"_s, u"erin"_s, 2));
    QVERIFY(h.written(3));

    FeedPublisher publisher(h.server.core());
    publisher.setHistory(&h.requests);
    InProcessFeed feed;
    feed.attach(&publisher);
    Dashboard ui(&feed);
    MainWindow &window = ui.window;
    feed.start();
    QTRY_COMPARE(historyUsers(window),
        (QStringList {u"erin vs alice"_s, u"dave vs carol"_s, u"bob vs alice"_s}));
    QCOMPARE(window.historyStateText(), u"3 written, 0 failed"_s);
    QCOMPARE(cell(window.historyModel(), 0, HistoryModel::Outcome), u"ended by alice"_s);
    QCOMPARE(cell(window.historyModel(), 2, HistoryModel::Moves), u"3"_s);
    QCOMPARE(window.historyView()->model(), window.historyModel());

    // a game that ends now shows on refresh
    PM_OK(h.game(u"frank"_s, u"alice"_s, 0));
    QVERIFY(h.written(4));
    clickButton(window, u"historyRefresh"_s);
    QTRY_COMPARE(window.historyModel()->rowCount(), 4);
    QCOMPARE(historyUsers(window).first(), u"alice vs frank"_s);
    QCOMPARE(window.historyStateText(), u"4 written, 0 failed"_s);

    // the userId filter, answered by the server
    QTest::keyClicks(window.historyFilter(), u"alice"_s);
    QTest::keyClick(window.historyFilter(), Qt::Key_Return);
    QTRY_COMPARE(window.historyModel()->query().userId, "alice");
    QTRY_COMPARE(historyUsers(window),
        (QStringList {u"alice vs frank"_s, u"erin vs alice"_s, u"bob vs alice"_s}));
    QTest::keyClicks(window.historyFilter(), u"-nobody"_s);
    QTest::keyClick(window.historyFilter(), Qt::Key_Return);
    QTRY_COMPARE(window.historyModel()->query().userId, "alice-nobody");
    QTRY_COMPARE(window.historyModel()->rowCount(), 0);
    window.historyFilter()->clear(); // all games again
    QTRY_COMPARE(window.historyModel()->rowCount(), 4);

    // open the oldest game with Enter: its moves, in seq order
    const int row = historyUsers(window).indexOf(u"bob vs alice"_s);
    QVERIFY(row >= 0);
    window.historyView()->setFocus();
    window.historyView()->setCurrentIndex(window.historyModel()->index(row, 0));
    QTest::keyClick(window.historyView(), Qt::Key_Return);
    QTRY_COMPARE(movesShown(window),
        (QStringList {
            u"1|bob|{\"move\":1}"_s, u"2|alice|{\"move\":2}"_s, u"3|bob|{\"move\":3}"_s}));
    QVERIFY2(
        window.moveTitleText().contains(u"bob vs alice"_s), qPrintable(window.moveTitleText()));
    QVERIFY(window.moveTitleText().contains(u"3 moves"_s));
    // the list is still the list
    QCOMPARE(window.historyModel()->rowCount(), 4);
}

// Attached through the admin API, the History tab shows the same games, pages through them,
// and opens a game with a double-click.
void TestDashboard::historyAttachedShowsTheSame()
{
    WithHistory h;
    QVERIFY2(h.listen(), qPrintable(h.error));
    const int games = HistoryModel::kPageSize + 2;
    for (int i = 0; i < games; ++i)
        PM_OK(h.game(u"w%1"_s.arg(i), u"n%1"_s.arg(i), i % 3));
    QVERIFY(h.written(games));

    AdminClient client(QUrl(h.admin.url()), "t0ken");
    Dashboard ui(&client);
    MainWindow &window = ui.window;
    client.start();
    QTRY_COMPARE(window.historyModel()->rowCount(), HistoryModel::kPageSize);
    QCOMPARE(historyUsers(window).first(), u"n%1 vs w%1"_s.arg(games - 1));
    QCOMPARE(window.historyStateText(), u"%1 written, 0 failed"_s.arg(games));
    QVERIFY(window.historyModel()->hasOlder());

    clickButton(window, u"historyOlder"_s);
    QTRY_COMPARE(window.historyModel()->rowCount(), 2);
    QCOMPARE(historyUsers(window), (QStringList {u"n1 vs w1"_s, u"n0 vs w0"_s}));
    QVERIFY(!window.historyModel()->hasOlder());
    clickButton(window, u"historyNewer"_s);
    QTRY_COMPARE(window.historyModel()->rowCount(), HistoryModel::kPageSize);

    // the pairId filter
    const QString pairId = cell(window.historyModel(), 3, HistoryModel::Pair, KeyRole);
    window.historyFilterField()->setCurrentIndex(
        window.historyFilterField()->findData(int(HistoryModel::FilterField::PairId)));
    QTest::keyClicks(window.historyFilter(), pairId);
    QTest::keyClick(window.historyFilter(), Qt::Key_Return);
    QTRY_COMPARE(window.historyModel()->rowCount(), 1);
    QCOMPARE(cell(window.historyModel(), 0, HistoryModel::Pair, KeyRole), pairId);

    // a double-click opens it
    window.showHistoryTab();
    QTableView *view = window.historyView();
    QTRY_VERIFY(view->isVisible());
    const QRect rect = view->visualRect(window.historyModel()->index(0, HistoryModel::Users));
    // (the press first: a view acts on a double-click only on the row it was pressed on)
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    const MatchRecord &game = window.historyModel()->recordAt(0);
    QTRY_COMPARE(window.moveModel()->pairId(), game.pairId);
    QCOMPARE(window.moveModel()->rowCount(), int(game.moveCount));
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
