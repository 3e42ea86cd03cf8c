// What the cluster does when a part of it fails (docs/scaling.md): a node killed with
// SIGKILL mid-round (its opponents on other nodes get `none` within the stated window, its
// waiters are never matched again, a pair it ordered is never silent), and Redis stopped mid-
// game and started again on the same port (`unavailable` meanwhile, every node alive, a
// cross-node round works again within 15 s). After every test: nothing of pairmatch's left in
// Redis but the live nodes' heartbeat keys.
#include "clusterfixture.h"
#include "playerchecks.h"
#include "testplayer.h"
#include "waituntil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

#include <csignal>
#include <memory>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// A pair matched with the waiter on node w and the newcomer on node n (the pair's home is
// the newcomer's node), seated on rw and rn.
struct Round {
    TestPlayer waiterMatching, newcomerMatching, waiter, newcomer;
    QString pairId;
    QString waiterToken;

    QString play(ClusterFixture &c, int w, int n, int rw, int rn, qint32 type,
        const QString &waiterId, const QString &newcomerId, bool seatNewcomer = true)
    {
        QJsonObject toWaiter, toNewcomer;
        if (QString e = openOn(waiterMatching, c.matchingUrl(w, type)); !e.isEmpty())
            return e;
        if (QString e = enterExpecting(waiterMatching, waiterId, u"entried"_s); !e.isEmpty())
            return e;
        if (QString e = openOn(newcomerMatching, c.matchingUrl(n, type)); !e.isEmpty())
            return e;
        if (QString e = enterExpecting(newcomerMatching, newcomerId, u"prepare"_s, &toNewcomer);
            !e.isEmpty())
            return e;
        if (QString e = expectCommand(waiterMatching, u"prepare"_s, &toWaiter); !e.isEmpty())
            return e;
        pairId = toNewcomer.value("pairId"_L1).toString();
        waiterToken = toWaiter.value("token"_L1).toString();
        if (QString e = openOn(waiter, c.roundUrl(rw, pairId)); !e.isEmpty())
            return e;
        if (QString e
            = prepareExpecting(waiter, waiterId, toWaiter.value("token"_L1).toString(), u"wait"_s);
            !e.isEmpty())
            return e;
        if (!seatNewcomer)
            return {};
        if (QString e = openOn(newcomer, c.roundUrl(rn, pairId)); !e.isEmpty())
            return e;
        if (QString e = prepareExpecting(
                newcomer, newcomerId, toNewcomer.value("token"_L1).toString(), u"start"_s);
            !e.isEmpty())
            return e;
        if (QString e = expectCommand(waiter, u"start"_s); !e.isEmpty())
            return e;
        waiter.game(1);
        if (QString e = expectMessage(newcomer, gameMessage(waiterId, 1, 1)); !e.isEmpty())
            return e;
        return expectMessage(waiter, gameMessage(waiterId, 1, 1));
    }
};

} // namespace

class TestClusterFailure final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void killedSeatNode();
    void killedSeatNodeWithGraceComesBackThroughAnother();
    void killedHomeNode();
    void waiterOnKilledNodeNeverMatched();
    void redisStoppedAndRestarted();

private:
    std::unique_ptr<ClusterFixture> m_cluster;
};

void TestClusterFailure::init()
{
    m_cluster = std::make_unique<ClusterFixture>();
}

void TestClusterFailure::cleanup()
{
    const QString left = m_cluster->waitOnlyHeartbeats(ClusterFixture::kDeathWaitMs + 5000);
    m_cluster->stopNodes();
    QVERIFY2(left.isEmpty(), qPrintable(left));
    QCOMPARE(m_cluster->redis().keys().join(' '), QByteArray());
    m_cluster.reset();
}

// The node holding the remote seat dies: the pair's home notices within the window and its
// own seat gets `none`.
void TestClusterFailure::killedSeatNode()
{
    PM_OK(m_cluster->start(2));
    Round r;
    PM_OK(r.play(*m_cluster, 0, 1, 0, 1, 1, u"alice"_s, u"bob"_s));
    QElapsedTimer sinceKill;
    QVERIFY(m_cluster->node(0).sendSignal(SIGKILL));
    sinceKill.start();
    PM_OK(expectMessage(r.newcomer, message(u"none"_s), ClusterFixture::kDeathWaitMs));
    qInfo("none after %lld ms (window: TTL %d + TTL/3 + a round trip)", sinceKill.elapsed(),
        ClusterFixture::kNodeTtlMs);
    r.newcomer.game(2);
    PM_OK(expectError(r.newcomer, u"ended"_s));
    QVERIFY(m_cluster->node(0).waitFinished(5000));
}

// With a reconnect grace, a seat whose node dies is a dropped seat: its opponent gets `away`
// and plays on; the player comes back through a third node with lastSeq: `back` to the
// opponent, start and the moves it missed to the player.
void TestClusterFailure::killedSeatNodeWithGraceComesBackThroughAnother()
{
    PM_OK(m_cluster->start(3, {u"--reconnect-grace-ms"_s, u"60000"_s}));
    Round r;
    PM_OK(r.play(*m_cluster, 0, 1, 0, 1, 1, u"alice"_s, u"bob"_s));
    QVERIFY(m_cluster->node(0).sendSignal(SIGKILL));
    PM_OK(expectMessage(r.newcomer,
        QJsonObject {{u"command"_s, u"away"_s}, {u"userId"_s, u"alice"_s}},
        ClusterFixture::kDeathWaitMs));
    r.newcomer.game(2);
    PM_OK(expectMessage(r.newcomer, gameMessage(u"bob"_s, 2, 2)));
    TestPlayer back;
    PM_OK(openOn(back, m_cluster->roundUrl(2, r.pairId)));
    back.send(QJsonObject {{u"command"_s, u"prepared"_s}, {u"user"_s, TestPlayer::user(u"alice"_s)},
        {u"token"_s, r.waiterToken}, {u"lastSeq"_s, 1}});
    PM_OK(expectMessage(
        r.newcomer, QJsonObject {{u"command"_s, u"back"_s}, {u"userId"_s, u"alice"_s}}));
    PM_OK(expectMessage(
        back, startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s), 2)));
    PM_OK(expectMessage(back, replayedMessage(u"bob"_s, 2, 2)));
    back.game(3);
    PM_OK(expectMessage(r.newcomer, gameMessage(u"alice"_s, 3, 3)));
    PM_OK(expectMessage(back, gameMessage(u"alice"_s, 3, 3)));
    // over and gone, so that nothing but heartbeats stays in Redis
    back.end();
    PM_OK(expectMessage(back, message(u"ended"_s)));
    back.close();
    r.newcomer.close();
    QVERIFY(m_cluster->node(0).waitFinished(5000));
}

// The pair's home dies: the other node's seat of a started pair gets `none`; a seat still
// waiting for its opponent in a pair of the dead home gets `invalid` and a close.
void TestClusterFailure::killedHomeNode()
{
    PM_OK(m_cluster->start(3));
    Round started, waiting;
    PM_OK(started.play(*m_cluster, 0, 1, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(waiting.play(*m_cluster, 2, 1, 2, 1, 2, u"carol"_s, u"dave"_s, false));
    QVERIFY(m_cluster->node(1).sendSignal(SIGKILL));
    PM_OK(expectMessage(started.waiter, message(u"none"_s), ClusterFixture::kDeathWaitMs));
    started.waiter.game(2);
    PM_OK(expectError(started.waiter, u"ended"_s));
    PM_OK(expectMessage(waiting.waiter, message(u"invalid"_s), ClusterFixture::kDeathWaitMs));
    PM_OK(expectClosed(waiting.waiter, 1000));
    QVERIFY(m_cluster->node(1).waitFinished(5000));
}

void TestClusterFailure::waiterOnKilledNodeNeverMatched()
{
    PM_OK(m_cluster->start(3));
    TestPlayer waiter;
    PM_OK(openOn(waiter, m_cluster->matchingUrl(2, 5)));
    PM_OK(enterExpecting(waiter, u"ghost"_s, u"entried"_s));
    QVERIFY(m_cluster->node(2).sendSignal(SIGKILL));
    QVERIFY(m_cluster->node(2).waitFinished(5000));
    // once its heartbeat key has expired the node is dead: its entry is gone
    QVERIFY(waitUntil(
        [&] {
            return m_cluster->redis().command({"EXISTS", "pairmatch:node:n2"})
                == QList<QByteArray> {"0"};
        },
        ClusterFixture::kDeathWaitMs));
    TestPlayer a, b;
    PM_OK(openOn(a, m_cluster->matchingUrl(0, 5)));
    PM_OK(enterExpecting(a, u"alice"_s, u"entried"_s));
    PM_OK(openOn(b, m_cluster->matchingUrl(1, 5)));
    QJsonObject prepare;
    PM_OK(enterExpecting(b, u"bob"_s, u"prepare"_s, &prepare));
    QCOMPARE(prepare.value("users"_L1).toArray().at(1).toObject().value("userId"_L1).toString(),
        u"alice"_s);
    // "ghost" may enter again (on a live node): its old entry does not hold the userId
    TestPlayer ghost;
    PM_OK(openOn(ghost, m_cluster->matchingUrl(0, 6)));
    PM_OK(enterExpecting(ghost, u"ghost"_s, u"entried"_s));
}

void TestClusterFailure::redisStoppedAndRestarted()
{
    PM_OK(m_cluster->start(2));
    Round cross, local;
    PM_OK(cross.play(*m_cluster, 0, 1, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(local.play(*m_cluster, 0, 0, 0, 0, 2, u"carol"_s, u"dave"_s));
    TestPlayer waiter;
    PM_OK(openOn(waiter, m_cluster->matchingUrl(1, 3)));
    PM_OK(enterExpecting(waiter, u"erin"_s, u"entried"_s));

    m_cluster->redis().stop();
    // the pair across nodes cannot be ordered any more: `none` to both seats
    PM_OK(expectMessage(cross.waiter, message(u"none"_s), 10'000));
    PM_OK(expectMessage(cross.newcomer, message(u"none"_s), 10'000));
    // a new entry is told the cluster is unavailable
    TestPlayer newcomer;
    PM_OK(openOn(newcomer, m_cluster->matchingUrl(0, 4)));
    PM_OK(enterExpecting(newcomer, u"frank"_s, u"error:unavailable"_s));
    // the pair on one node plays on
    local.newcomer.game(u"still"_s);
    PM_OK(expectMessage(local.waiter, gameMessage(u"dave"_s, u"still"_s, 2)));
    PM_OK(expectMessage(local.newcomer, gameMessage(u"dave"_s, u"still"_s, 2)));
    // both nodes alive
    QVERIFY(m_cluster->node(0).isRunning());
    QVERIFY(m_cluster->node(1).isRunning());

    QVERIFY2(m_cluster->redis().start(), qPrintable(m_cluster->redis().error()));
    QElapsedTimer sinceRestart;
    sinceRestart.start();
    // within 15 s a round across nodes works again
    bool matched = false;
    TestPlayer a, b;
    PM_OK(openOn(a, m_cluster->matchingUrl(0, 8)));
    PM_OK(openOn(b, m_cluster->matchingUrl(1, 8)));
    while (!matched && sinceRestart.elapsed() < 15'000) {
        a.entry(u"gina"_s);
        const QJsonObject answer = a.next();
        if (answer.value("command"_L1).toString() == "entried"_L1) {
            matched = true;
            break;
        }
        QCOMPARE(answer.value("code"_L1).toString(), u"unavailable"_s);
        QTest::qWait(200);
    }
    QVERIFY2(matched, "no entry accepted within 15 s of Redis's return");
    QJsonObject toB, toA;
    PM_OK(enterExpecting(b, u"hank"_s, u"prepare"_s, &toB));
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    const QString pairId = toB.value("pairId"_L1).toString();
    TestPlayer ra, rb;
    PM_OK(openOn(ra, m_cluster->roundUrl(0, pairId)));
    PM_OK(prepareExpecting(ra, u"gina"_s, toA.value("token"_L1).toString(), u"wait"_s));
    PM_OK(openOn(rb, m_cluster->roundUrl(1, pairId)));
    PM_OK(prepareExpecting(rb, u"hank"_s, toB.value("token"_L1).toString(), u"start"_s));
    PM_OK(expectCommand(ra, u"start"_s));
    ra.game(7);
    PM_OK(expectMessage(rb, gameMessage(u"gina"_s, 7, 1)));
    PM_OK(expectMessage(ra, gameMessage(u"gina"_s, 7, 1)));
    qInfo("a round across nodes works %lld ms after Redis's return", sinceRestart.elapsed());
    // the waiter from before the outage is queued again (its node put it back)
    TestPlayer late;
    PM_OK(openOn(late, m_cluster->matchingUrl(0, 3)));
    PM_OK(enterExpecting(late, u"ivan"_s, u"prepare"_s));
    PM_OK(expectCommand(waiter, u"prepare"_s));
}

QTEST_GUILESS_MAIN(TestClusterFailure)
#include "tst_clusterfailure.moc"
