// The dashboard mode (issue 10): the server on a thread of its own with the epoll dispatcher,
// as headless, and the window on this (the GUI) thread, fed through the in-process feed.
// Under real churn from pairmatch-bench (a separate process) the window's models end up
// exactly where the server is (an attached dashboard, fed over the admin API, is the
// reference) and its paints are counted; kick, expire and drain reach the server's thread;
// closing the window closes every player with 1001.
#include "adminclient.h"
#include "dashboardfixture.h"
#include "epolldispatcher.h"
#include "inprocessfeed.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "serverthread.h"
#include "testplayer.h"
#include "testserver.h"

#include <QAbstractEventDispatcher>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QProcess>
#include <QTest>
#include <QTimer>

#include <algorithm>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

ServerConfig threadConfig()
{
    ServerConfig c = TestServer::defaultConfig();
    c.adminPort = 0;
    c.adminToken = "t0ken";
    return c;
}

// Paints of a widget, and how long the GUI thread went without one while it was asked to
// repaint: a measure, reported, not a verdict.
class PaintClock final : public QObject
{
public:
    explicit PaintClock(QWidget *widget)
    {
        widget->installEventFilter(this);
        m_since.start();
    }
    int paints = 0;
    qint64 longestGapMs = 0;
    std::vector<qint64> gaps;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            const qint64 gap = m_since.restart();
            if (paints++ > 0) {
                gaps.push_back(gap);
                longestGapMs = std::max(longestGapMs, gap);
            }
        }
        return false;
    }

private:
    QElapsedTimer m_since;
};

} // namespace

class TestDashboardThread final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // a line per connection under churn would drown the test's own report
        QLoggingCategory::setFilterRules(u"pairmatch.*.info=false"_s);
    }
    void serverRunsOnItsOwnThreadWithEpoll();
    void modelsFollowChurnToTheServersState();
    void operatorActionsReachTheServersThread();
    void closingTheWindowClosesEveryPlayerWith1001();
};

void TestDashboardThread::serverRunsOnItsOwnThreadWithEpoll()
{
    ServerThread server(threadConfig());
    QVERIFY2(server.startServer(), qPrintable(server.errorString()));
    QVERIFY(qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance(&server)));
    QVERIFY(!qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance()));
    QCOMPARE(server.objectName(), u"pairmatch-server"_s);

    TestPlayer p; // the server serves from its thread while this one only waits
    QVERIFY(p.open(QUrl(server.url() + u"/ws/matching/1"_s)));
    p.entry(u"alice"_s);
    QVERIFY2(p.expect(u"entried"_s), qPrintable(p.lastMismatch()));
}

void TestDashboardThread::modelsFollowChurnToTheServersState()
{
    ServerThread server(threadConfig());
    InProcessFeed feed;
    QVERIFY2(server.startServer(&feed), qPrintable(server.errorString()));
    Dashboard inProcess(&feed);
    feed.start();
    QTRY_VERIFY(inProcess.window.statusText().contains(u"in-process"_s));

    // churn from another process: matches made, played and closed as fast as it can
    PaintClock paints(inProcess.window.sessionView()->viewport());
    QProcess bench;
    bench.start(QStringLiteral(PAIRMATCH_BENCH_BINARY),
        {u"--url"_s, server.url(), u"--scenario"_s, u"churn"_s, u"--concurrency"_s, u"20"_s,
            u"--moves"_s, u"3"_s, u"--warmup"_s, u"0"_s, u"--duration"_s, u"3"_s, u"--max-time"_s,
            u"30"_s, u"--json"_s});
    QVERIFY(bench.waitForStarted());
    // waiting players and live pairs sit under the churn, and stay
    PairSetup started(QUrl(server.url()), 7, u"walt"_s, u"vera"_s);
    PM_OK(started.start());
    TestPlayer waiting;
    QVERIFY(waiting.open(QUrl(server.url() + u"/ws/matching/8"_s)));
    waiting.entry(u"ursula"_s);
    QVERIFY2(waiting.expect(u"entried"_s), qPrintable(waiting.lastMismatch()));
    QTRY_VERIFY_WITH_TIMEOUT(bench.state() == QProcess::NotRunning, 40'000);
    QCOMPARE(bench.exitCode(), 0);
    const QJsonObject result = QJsonDocument::fromJson(bench.readAllStandardOutput()).object();
    const double matches = result.value(u"matches_per_s"_s).toDouble();

    std::sort(paints.gaps.begin(), paints.gaps.end());
    const qint64 median = paints.gaps.empty() ? -1 : paints.gaps[paints.gaps.size() / 2];
    qInfo("churn: %.0f matches/s; the session view painted %d times, median gap %lld ms, "
          "longest %lld ms",
        matches, paints.paints, median, paints.longestGapMs);
    QVERIFY(matches > 0);

    // The reference: a dashboard attached through the admin API once the churn is over. Both
    // show the same rows: the two seats and two matching connections of walt and vera's
    // started pair, ursula waiting; nothing of the churn is left behind.
    AdminClient client(QUrl(server.adminUrl()), "t0ken");
    Dashboard attached(&client);
    client.start();
    QTRY_VERIFY(client.isConnected());
    QTRY_COMPARE(attached.window.sessionModel()->rowCount(), 5);
    QTRY_COMPARE(inProcess.describe(), attached.describe());
    QCOMPARE(inProcess.window.pairModel()->rowCount(), 1);
    QCOMPARE(inProcess.window.queueModel()->rowCount(), 1);
    QVERIFY(inProcess.sessionRowOf(waiting) >= 0);
    QVERIFY(inProcess.pairRow(started.pairId) >= 0);
}

// Kick, expire and drain from the window reach the server on its thread, and what they do
// comes back to the window.
void TestDashboardThread::operatorActionsReachTheServersThread()
{
    ServerConfig config = threadConfig();
    ServerThread server(config);
    InProcessFeed feed;
    QVERIFY2(server.startServer(&feed), qPrintable(server.errorString()));
    Dashboard d(&feed);
    feed.start();

    PairSetup kicked(QUrl(server.url()), 1, u"carol"_s, u"dave"_s);
    PM_OK(kicked.start());
    PairSetup expired(QUrl(server.url()), 2, u"erin"_s, u"fred"_s);
    PM_OK(expired.match());
    PM_OK(expired.seatWaiter());
    QTRY_VERIFY(d.sessionRowOf(kicked.waiterRound) >= 0);
    QTRY_COMPARE(d.pairCell(expired.pairId, PairModel::State), u"waiting"_s);

    QTableView *sessions = d.window.sessionView();
    sessions->selectRow(d.sessionRowOf(kicked.waiterRound));
    d.window.kickAction()->trigger();
    PM_OK(expectClosed(kicked.waiterRound, 4000, u"kicked by operator"_s));
    PM_OK(expectMessage(kicked.newcomerRound, message(u"none"_s)));
    QTRY_COMPARE(d.eventCount(LogEvent::Kind::Kicked, u"carol"_s), 1);

    QTableView *pairs = d.window.pairView();
    pairs->selectRow(d.pairRow(expired.pairId));
    d.window.expireAction()->trigger();
    PM_OK(expectMessage(expired.waiterRound, message(u"invalid"_s)));
    PM_OK(expectClosed(expired.waiterRound, 1000));
    QTRY_COMPARE(d.pairRow(expired.pairId), -1);

    d.window.drainAction()->trigger();
    QTRY_VERIFY(d.window.drainAction()->text().startsWith(u"Draining"_s));
    TestPlayer late;
    QVERIFY(late.open(QUrl(server.url() + u"/ws/matching/3"_s)));
    late.entry(u"gina"_s);
    QVERIFY2(late.expectError(u"draining"_s), qPrintable(late.lastMismatch()));
}

// Closing the window shuts the server down as SIGTERM does: every player is closed with
// 1001 "server shutting down", nobody is told `none` first, and the mode ends with 0.
void TestDashboardThread::closingTheWindowClosesEveryPlayerWith1001()
{
    std::unique_ptr<PairSetup> pair;
    TestPlayer waiting;
    QPointer<MainWindow> shown;
    const int status = runWithDashboard(threadConfig(), [&](AdminFeed *feed, const QString &url) {
        auto *window = new MainWindow(feed);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->show();
        feed->start();
        shown = window;
        pair = std::make_unique<PairSetup>(QUrl(url), 4, u"hal"_s, u"ivy"_s);
        if (const QString failure = pair->start(); !failure.isEmpty())
            qWarning("%s", qPrintable(failure));
        if (waiting.open(QUrl(url + u"/ws/matching/5"_s))) {
            waiting.entry(u"jo"_s);
            waiting.expect(u"entried"_s);
        }
        QTimer::singleShot(0, window, &QWidget::close); // once the loop runs
        return window;
    });
    QCOMPARE(status, 0);
    QVERIFY(!shown); // closed and deleted
    QVERIFY(pair);
    for (TestPlayer *p : {&pair->waiterRound, &pair->newcomerRound, &pair->waiterMatching,
             &pair->newcomerMatching, &waiting}) {
        QVERIFY(p->waitClosed());
        QCOMPARE(p->closeCode(), 1001);
        QCOMPARE(p->closeReason(), u"server shutting down"_s);
        QCOMPARE(p->pendingCount(), 0); // no `none` before it
    }
}

QTEST_MAIN(TestDashboardThread)
#include "tst_dashboardthread.moc"
