// The core itself on a FakeClock (its own timers, not a protocol rule): the operators'
// once-a-second sample and counters, its history, and operator actions by connection id. Real
// sockets to the in-process server, time moved by hand, no sleeping.
#include "fakeclock.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "testplayer.h"
#include "testserver.h"

#include <QTest>

#include <algorithm>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// Every update the operators' view emits while the test observes it.
class UpdateLog final : public QObject
{
public:
    explicit UpdateLog(OperatorView &view)
        : m_view(view)
    {
        m_view.addObserver();
        connect(&m_view, &OperatorView::updated, this,
            [this](const AdminUpdate &u) { updates.append(u); });
    }
    ~UpdateLog() override { m_view.removeObserver(); }
    Q_DISABLE_COPY_MOVE(UpdateLog)

    qsizetype count(AdminUpdate::Kind kind) const
    {
        return std::count_if(updates.begin(), updates.end(),
            [kind](const AdminUpdate &u) { return u.kind == kind; });
    }
    QList<AdminUpdate> take(AdminUpdate::Kind kind)
    {
        QList<AdminUpdate> taken;
        for (qsizetype i = 0; i < updates.size();) {
            if (updates[i].kind == kind)
                taken.append(updates.takeAt(i));
            else
                ++i;
        }
        return taken;
    }

    QList<AdminUpdate> updates;

private:
    OperatorView &m_view;
};

qint64 sessionIdOf(TestServer &server, const QString &userId, Endpoint endpoint)
{
    for (const SessionInfo &s : server.core().view().snapshot().sessions) {
        if (s.userId == userId && s.endpoint == endpoint)
            return qint64(s.id);
    }
    return -1;
}

} // namespace

class TestServerCore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statsSampleOncePerSecond();
    void countersGoOutAtTheTickOnlyWhenChanged();
    void operatorActionsNameConnectionIds();
    void historyKeepsTenMinutes();
};

// One Stats update per second of the server's clock, none before, counting what the second
// saw: connections, waiting players, live pairs, matches in the last minute, moves/s.
void TestServerCore::statsSampleOncePerSecond()
{
    FakeClock clock;
    TestServer server(TestServer::defaultConfig(), clock);
    QVERIFY(server.isListening());
    UpdateLog log(server.core().view());
    PairSetup pair(server);
    PM_OK(pair.start());
    for (int i = 0; i < 3; ++i)
        PM_OK(pair.move(i % 2 == 0, i));
    TestPlayer waiter;
    QVERIFY(waiter.open(server.matchingUrl(9)));
    waiter.entry(u"carol"_s);
    PM_OK(expectMessage(waiter, message(u"entried"_s)));

    clock.advance(OperatorView::kTickMs - 1);
    PM_OK(expectNothingMore(waiter)); // a round trip: a due timer would have fired
    QVERIFY(log.take(AdminUpdate::Kind::Stats).isEmpty());

    clock.advance(1);
    QTRY_COMPARE(log.count(AdminUpdate::Kind::Stats), 1);
    const QList<AdminUpdate> stats = log.take(AdminUpdate::Kind::Stats);
    QCOMPARE(stats.size(), 1);
    const StatsSample &s = stats.first().stats;
    QCOMPARE(s.connections, 5); // two matching, two round, carol
    QCOMPARE(s.waiting, 1);
    QCOMPARE(s.livePairs, 1);
    QCOMPARE(s.matchesPerMinute, 1.0);
    QCOMPARE(s.movesPerSecond, 3.0);

    // the next second saw no move, and the match is still within the minute
    clock.advance(OperatorView::kTickMs);
    QTRY_COMPARE(log.count(AdminUpdate::Kind::Stats), 1);
    log.take(AdminUpdate::Kind::Stats);
    const StatsSample last = server.core().view().snapshot().history.last();
    QCOMPARE(last.movesPerSecond, 0.0);
    QCOMPARE(last.matchesPerMinute, 1.0);
    QCOMPARE(server.core().view().snapshot().history.size(), 2);
}

// Counters that move with every message (messages in/out, a pair's moves) reach operators at
// the tick, once, and only for what changed since the last one.
void TestServerCore::countersGoOutAtTheTickOnlyWhenChanged()
{
    FakeClock clock;
    TestServer server(TestServer::defaultConfig(), clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    UpdateLog log(server.core().view()); // observing from here: the snapshot is the baseline

    PM_OK(pair.move(true, u"a"_s));
    PM_OK(pair.move(false, u"b"_s));
    QVERIFY(log.take(AdminUpdate::Kind::SessionChanged).isEmpty());
    QVERIFY(log.take(AdminUpdate::Kind::PairChanged).isEmpty());

    clock.advance(OperatorView::kTickMs);
    QTRY_COMPARE(log.count(AdminUpdate::Kind::Stats), 1);
    log.take(AdminUpdate::Kind::Stats);
    const QList<AdminUpdate> sessions = log.take(AdminUpdate::Kind::SessionChanged);
    QCOMPARE(sessions.size(), 2); // the two round seats; the matching ones did not move
    for (const AdminUpdate &u : sessions) {
        QCOMPARE(u.session.endpoint, Endpoint::Round);
        QCOMPARE(u.session.messagesIn, 2u); // prepared, one move
        // the waiter sat first: wait, start, two moves; the newcomer: start, two moves
        QCOMPARE(u.session.messagesOut, u.session.userId == u"alice"_s ? 4u : 3u);
    }
    const QList<AdminUpdate> pairs = log.take(AdminUpdate::Kind::PairChanged);
    QCOMPARE(pairs.size(), 1);
    QCOMPARE(pairs.first().pair.moves, 2u);

    clock.advance(OperatorView::kTickMs); // nothing moved
    QTRY_COMPARE(log.count(AdminUpdate::Kind::Stats), 1);
    log.take(AdminUpdate::Kind::Stats);
    QVERIFY(log.take(AdminUpdate::Kind::SessionChanged).isEmpty());
    QVERIFY(log.take(AdminUpdate::Kind::PairChanged).isEmpty());
}

// Operators name connections by the ids the snapshot shows, the same ids log lines use;
// an id that is not open is refused with a sentence that names it.
void TestServerCore::operatorActionsNameConnectionIds()
{
    FakeClock clock;
    TestServer server(TestServer::defaultConfig(), clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    const qint64 alice = sessionIdOf(server, u"alice"_s, Endpoint::Round);
    QVERIFY(alice > 0);

    QString message;
    QVERIFY(!server.core().kick(ConnId(alice + 1000), &message));
    QCOMPARE(message, u"no open session %1"_s.arg(alice + 1000));
    QVERIFY(!server.core().expire(pair.pairId, &message)); // started: no prepare timeout
    QVERIFY2(message.contains(u"has started"_s), qPrintable(message));
    QVERIFY(!server.core().expire("nope", &message));
    QCOMPARE(message, u"no pair nope"_s);

    QVERIFY(server.core().kick(ConnId(alice), &message));
    QCOMPARE(message, u"session %1 kicked"_s.arg(alice));
    PM_OK(expectClosed(pair.waiterRound, 4000, u"kicked by operator"_s));
    PM_OK(expectMessage(pair.newcomerRound, pairmatch::test::message(u"none"_s)));
    QVERIFY(!server.core().kick(ConnId(alice), &message)); // closing or gone
}

// The chart's history: one sample a second, ten minutes of them, the oldest dropped.
void TestServerCore::historyKeepsTenMinutes()
{
    FakeClock clock;
    TestServer server(TestServer::defaultConfig(), clock);
    QVERIFY(server.isListening());
    TestPlayer p;
    QVERIFY(p.open(server.matchingUrl(1)));
    for (qsizetype i = 0; i < OperatorView::kKeptSamples + 5; ++i) {
        clock.advance(OperatorView::kTickMs);
        PM_OK(expectNothingMore(p)); // the tick has run (and the ping has been answered)
    }
    const Snapshot snap = server.core().view().snapshot();
    QCOMPARE(snap.history.size(), OperatorView::kKeptSamples);
    QCOMPARE(snap.history.last().atMs - snap.history.first().atMs,
        (OperatorView::kKeptSamples - 1) * OperatorView::kTickMs);
}

QTEST_GUILESS_MAIN(TestServerCore)
#include "tst_servercore.moc"
