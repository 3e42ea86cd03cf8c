// The cluster (docs/scaling.md): two and three real pairmatch nodes as child processes on one
// real redis-server. Matching across nodes (FIFO, one entry per userId, cancel and close),
// rounds whose seats sit on different nodes (every move once, in one order, at both seats;
// none, invalid, takeover), and after every test: nothing of pairmatch's left in Redis but
// the live nodes' heartbeat keys.
#include "clusterfixture.h"
#include "playerchecks.h"
#include "testplayer.h"
#include "waituntil.h"

#include "adminmessages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <QWebSocket>

#include <csignal>
#include <memory>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// Two players matched across nodes: the waiter enters on node w, the newcomer on node n.
struct CrossPair {
    TestPlayer waiterMatching, newcomerMatching, waiterRound, newcomerRound;
    QJsonObject prepareToWaiter, prepareToNewcomer;
    QString pairId;
    QString waiterId, newcomerId;

    QString match(ClusterFixture &c, int w, int n, qint32 type, const QString &waiter,
        const QString &newcomer)
    {
        waiterId = waiter;
        newcomerId = newcomer;
        if (QString e = openOn(waiterMatching, c.matchingUrl(w, type)); !e.isEmpty())
            return e;
        if (QString e = enterExpecting(waiterMatching, waiter, u"entried"_s); !e.isEmpty())
            return e;
        if (QString e = openOn(newcomerMatching, c.matchingUrl(n, type)); !e.isEmpty())
            return e;
        if (QString e
            = enterExpecting(newcomerMatching, newcomer, u"prepare"_s, &prepareToNewcomer);
            !e.isEmpty())
            return e;
        if (QString e = expectCommand(waiterMatching, u"prepare"_s, &prepareToWaiter); !e.isEmpty())
            return e;
        pairId = prepareToNewcomer.value("pairId"_L1).toString();
        if (pairId.isEmpty() || prepareToWaiter.value("pairId"_L1).toString() != pairId)
            return u"the two prepares name different pairs"_s;
        return {};
    }
    QString waiterToken() const { return prepareToWaiter.value("token"_L1).toString(); }
    QString newcomerToken() const { return prepareToNewcomer.value("token"_L1).toString(); }

    // Seats the waiter on node w, then the newcomer on node n: wait, then start to both.
    QString start(ClusterFixture &c, int w, int n)
    {
        if (QString e = openOn(waiterRound, c.roundUrl(w, pairId)); !e.isEmpty())
            return e;
        if (QString e = prepareExpecting(waiterRound, waiterId, waiterToken(), u"wait"_s);
            !e.isEmpty())
            return e;
        if (QString e = openOn(newcomerRound, c.roundUrl(n, pairId)); !e.isEmpty())
            return e;
        if (QString e = prepareExpecting(newcomerRound, newcomerId, newcomerToken(), u"start"_s);
            !e.isEmpty())
            return e;
        return expectCommand(waiterRound, u"start"_s);
    }
};

// The admin API of one node: its snapshot, and the last cluster state it reported.
class AdminWatch final
{
public:
    bool open(ServerProcess &node)
    {
        static const QRegularExpression line(u"admin on (ws://\\S+)"_s);
        const QRegularExpressionMatch m = line.match(QString::fromLatin1(node.standardOutput()));
        if (!m.hasMatch())
            return false;
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
            [this](const QString &text) { onText(text); });
        QNetworkRequest request {QUrl(m.captured(1))};
        request.setRawHeader("Authorization", "Bearer t0ken");
        m_socket.open(request);
        return waitUntil(
            [this] { return m_snapshot.seq != 0 || !m_snapshot.cluster.nodeId.isEmpty(); });
    }
    const pairmatch::Snapshot &snapshot() const { return m_snapshot; }
    const pairmatch::ClusterState &cluster() const { return m_cluster; }

private:
    void onText(const QString &text)
    {
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        if (pairmatch::Snapshot snap; pairmatch::fromJson(o, snap)) {
            m_snapshot = snap;
            m_cluster = snap.cluster;
            return;
        }
        QList<pairmatch::AdminUpdate> updates;
        if (pairmatch::fromJson(o, updates)) {
            for (const pairmatch::AdminUpdate &u : updates) {
                if (u.kind == pairmatch::AdminUpdate::Kind::Cluster)
                    m_cluster = u.cluster;
            }
        }
    }

    QWebSocket m_socket;
    pairmatch::Snapshot m_snapshot;
    pairmatch::ClusterState m_cluster;
};

} // namespace

class TestCluster final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void crossNodeMatch();
    void scriptCacheFlushedUnderTheNodes();
    void fifoAcrossThreeNodes();
    void duplicateUserAcrossNodes();
    void cancelAndCloseAcrossNodes();
    void crossNodeRoundFiftyMovesEach();
    void noneAcrossNodes();
    void prepareTimeoutWithSeatOnOtherNode();
    void takeoverAcrossNodes();
    void resumeWithLastSeqAcrossNodes();
    void thirtyPairsOnRandomNodes();
    void sigtermOneNode();
    void duplicateNodeIdRefused();
    void adminShowsTheCluster();

private:
    std::unique_ptr<ClusterFixture> m_cluster;
};

void TestCluster::init()
{
    m_cluster = std::make_unique<ClusterFixture>();
}

void TestCluster::cleanup()
{
    // Every player of the test has gone (its objects were local to it): only the live
    // nodes' heartbeat keys may be left in Redis.
    const QString left = m_cluster->waitOnlyHeartbeats();
    m_cluster->stopNodes();
    QVERIFY2(left.isEmpty(), qPrintable(left));
    // And once they have all left: nothing at all.
    QCOMPARE(m_cluster->redis().keys().join(' '), QByteArray());
    m_cluster.reset();
}

void TestCluster::crossNodeMatch()
{
    PM_OK(m_cluster->start(2));
    CrossPair p;
    PM_OK(p.match(*m_cluster, 0, 1, 3, u"alice"_s, u"bob"_s));
    // the same users array for both, [newcomer, waiter], each its own token
    QCOMPARE(p.prepareToWaiter.value("users"_L1), p.prepareToNewcomer.value("users"_L1));
    QCOMPARE(p.prepareToWaiter.value("users"_L1).toArray().at(0).toObject().value("userId"_L1),
        QJsonValue(u"bob"_s));
    QCOMPARE(p.prepareToWaiter.value("seed"_L1), p.prepareToNewcomer.value("seed"_L1));
    QCOMPARE(p.prepareToWaiter.value("type"_L1), QJsonValue(3));
    QVERIFY(p.waiterToken() != p.newcomerToken());
    QVERIFY(p.waiterToken().size() >= 22);
    // each takes its seat on its own node: wait, start to both, a move from each, end
    PM_OK(p.start(*m_cluster, 0, 1));
    p.waiterRound.game(1);
    PM_OK(expectMessage(p.waiterRound, gameMessage(u"alice"_s, 1, 1)));
    PM_OK(expectMessage(p.newcomerRound, gameMessage(u"alice"_s, 1, 1)));
    p.newcomerRound.game(2);
    PM_OK(expectMessage(p.waiterRound, gameMessage(u"bob"_s, 2, 2)));
    PM_OK(expectMessage(p.newcomerRound, gameMessage(u"bob"_s, 2, 2)));
    p.newcomerRound.end();
    PM_OK(expectMessage(p.newcomerRound, message(u"ended"_s)));
    p.waiterRound.game(3);
    PM_OK(expectError(p.waiterRound, u"ended"_s));
    PM_OK(expectNothingMore(p.newcomerRound));
}

void TestCluster::scriptCacheFlushedUnderTheNodes()
{
    PM_OK(m_cluster->start(2));
    // Every script the nodes loaded is gone: each node's next EVALSHA of each script gets
    // NOSCRIPT and is sent again as EVAL with the same arguments; players see nothing of it.
    RedisServer &redis = m_cluster->redis();
    QCOMPARE(redis.command({"SCRIPT", "FLUSH"}), QList<QByteArray> {"OK"});
    QCOMPARE(redis.command({"CONFIG", "RESETSTAT"}), QList<QByteArray> {"OK"});
    CrossPair p;
    PM_OK(p.match(*m_cluster, 0, 1, 3, u"alice"_s, u"bob"_s));
    PM_OK(p.start(*m_cluster, 0, 1));
    p.waiterRound.game(1);
    PM_OK(expectMessage(p.waiterRound, gameMessage(u"alice"_s, 1, 1)));
    PM_OK(expectMessage(p.newcomerRound, gameMessage(u"alice"_s, 1, 1)));
    p.newcomerRound.end();
    PM_OK(expectMessage(p.newcomerRound, message(u"ended"_s)));
    PM_OK(expectNothingMore(p.waiterRound));
    // the way it went: refused, then run from the source
    const QByteArray errors = redis.command({"INFO", "errorstats"}).join();
    QVERIFY2(errors.contains("errorstat_NOSCRIPT:count="), errors.constData());
    const QByteArray commands = redis.command({"INFO", "commandstats"}).join();
    QVERIFY2(commands.contains("cmdstat_eval:calls="), commands.constData());
}

void TestCluster::fifoAcrossThreeNodes()
{
    PM_OK(m_cluster->start(3));
    // Entries on n0, n1, n2, n0, n1, n2 in turn: each newcomer meets whoever waits, in the
    // order they came, wherever they entered.
    std::vector<std::unique_ptr<TestPlayer>> players;
    for (int i = 0; i < 6; ++i) {
        players.push_back(std::make_unique<TestPlayer>());
        PM_OK(openOn(*players.back(), m_cluster->matchingUrl(i % 3, 7)));
    }
    for (int i = 0; i < 6; i += 2) {
        PM_OK(enterExpecting(*players[std::size_t(i)], u"p%1"_s.arg(i), u"entried"_s));
        QJsonObject toNewcomer, toWaiter;
        PM_OK(enterExpecting(
            *players[std::size_t(i + 1)], u"p%1"_s.arg(i + 1), u"prepare"_s, &toNewcomer));
        PM_OK(expectCommand(*players[std::size_t(i)], u"prepare"_s, &toWaiter));
        const QJsonArray users = toNewcomer.value("users"_L1).toArray();
        QCOMPARE(users.at(0).toObject().value("userId"_L1).toString(), u"p%1"_s.arg(i + 1));
        QCOMPARE(users.at(1).toObject().value("userId"_L1).toString(), u"p%1"_s.arg(i));
    }
    // A waiter who cancelled is not met: p6 on n0 waits, cancels; p7 on n1 then waits; p8 on
    // n2 meets p7.
    TestPlayer p6, p7, p8;
    PM_OK(openOn(p6, m_cluster->matchingUrl(0, 7)));
    PM_OK(openOn(p7, m_cluster->matchingUrl(1, 7)));
    PM_OK(openOn(p8, m_cluster->matchingUrl(2, 7)));
    PM_OK(enterExpecting(p6, u"p6"_s, u"entried"_s));
    p6.send({{u"command"_s, u"cancel"_s}});
    PM_OK(expectMessage(p6, message(u"cancelled"_s)));
    PM_OK(enterExpecting(p7, u"p7"_s, u"entried"_s));
    QJsonObject prepare;
    PM_OK(enterExpecting(p8, u"p8"_s, u"prepare"_s, &prepare));
    QCOMPARE(prepare.value("users"_L1).toArray().at(1).toObject().value("userId"_L1).toString(),
        u"p7"_s);
    PM_OK(expectCommand(p7, u"prepare"_s));
    PM_OK(expectNothingMore(p6));
}

void TestCluster::duplicateUserAcrossNodes()
{
    PM_OK(m_cluster->start(3));
    TestPlayer waiting, again, newcomer;
    PM_OK(openOn(waiting, m_cluster->matchingUrl(0, 4)));
    PM_OK(enterExpecting(waiting, u"alice"_s, u"entried"_s));
    PM_OK(openOn(again, m_cluster->matchingUrl(1, 4)));
    PM_OK(enterExpecting(again, u"alice"_s, u"error:duplicate_user"_s));
    // also in another type: one waiting entry per userId across all types and nodes
    TestPlayer otherType;
    PM_OK(openOn(otherType, m_cluster->matchingUrl(2, 5)));
    PM_OK(enterExpecting(otherType, u"alice"_s, u"error:duplicate_user"_s));
    // the waiter stays queued: a newcomer on the third node meets her
    PM_OK(openOn(newcomer, m_cluster->matchingUrl(2, 4)));
    PM_OK(enterExpecting(newcomer, u"bob"_s, u"prepare"_s));
    PM_OK(expectCommand(waiting, u"prepare"_s));
    PM_OK(expectNothingMore(again));
}

void TestCluster::cancelAndCloseAcrossNodes()
{
    PM_OK(m_cluster->start(3));
    TestPlayer alice, bob, carol;
    PM_OK(openOn(alice, m_cluster->matchingUrl(0, 2)));
    PM_OK(enterExpecting(alice, u"alice"_s, u"entried"_s));
    alice.send({{u"command"_s, u"cancel"_s}});
    PM_OK(expectMessage(alice, message(u"cancelled"_s)));
    PM_OK(openOn(bob, m_cluster->matchingUrl(1, 2)));
    PM_OK(enterExpecting(bob, u"bob"_s, u"entried"_s)); // alice is gone from the queue
    bob.close();
    QVERIFY(bob.waitClosed());
    // bob's node takes him out once it sees the close: the queue of type 2 empties
    QVERIFY(waitUntil([&] {
        return m_cluster->redis().command({"LLEN", "pairmatch:queue:2"}) == QList<QByteArray> {"0"};
    }));
    PM_OK(openOn(carol, m_cluster->matchingUrl(2, 2)));
    PM_OK(enterExpecting(carol, u"carol"_s, u"entried"_s)); // not matched with gone bob
    // alice may enter again, on any node, and meets carol
    PM_OK(enterExpecting(alice, u"alice"_s, u"prepare"_s));
    PM_OK(expectCommand(carol, u"prepare"_s));
}

void TestCluster::crossNodeRoundFiftyMovesEach()
{
    PM_OK(m_cluster->start(2));
    CrossPair p;
    PM_OK(p.match(*m_cluster, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(p.start(*m_cluster, 0, 1));
    // 50 moves from each seat, sent interleaved without waiting for echoes
    constexpr int kMoves = 50;
    for (int i = 0; i < kMoves; ++i) {
        p.waiterRound.game(QJsonObject {{u"a"_s, i}});
        p.newcomerRound.game(QJsonObject {{u"b"_s, i}});
    }
    const auto collect = [](TestPlayer &player, QList<QJsonObject> &into) {
        return waitUntil(
            [&] {
                into += player.takeAll();
                return into.size() >= 2 * kMoves;
            },
            20'000);
    };
    QList<QJsonObject> atWaiter, atNewcomer;
    QVERIFY(collect(p.waiterRound, atWaiter));
    QVERIFY(collect(p.newcomerRound, atNewcomer));
    QCOMPARE(atWaiter.size(), 2 * kMoves);
    // one order at both seats, sender included; each seat's moves in the order it sent them,
    // each exactly once
    QCOMPARE(atWaiter, atNewcomer);
    int nextA = 0, nextB = 0;
    qint64 seq = 0;
    for (const QJsonObject &m : atWaiter) {
        QCOMPARE(m.value("command"_L1).toString(), u"game"_s);
        QCOMPARE(m.value("seq"_L1).toInteger(), ++seq); // numbered by the home, one order
        const QJsonObject data = m.value("data"_L1).toObject();
        if (m.value("userId"_L1).toString() == "alice"_L1)
            QCOMPARE(data.value("a"_L1).toInt(-1), nextA++);
        else
            QCOMPARE(data.value("b"_L1).toInt(-1), nextB++);
    }
    QCOMPARE(nextA, kMoves);
    QCOMPARE(nextB, kMoves);
    PM_OK(expectNothingMore(p.waiterRound));
    PM_OK(expectNothingMore(p.newcomerRound));
}

void TestCluster::noneAcrossNodes()
{
    PM_OK(m_cluster->start(2));
    // the seat on the pair's home leaves, then (another pair) the seat on the other node
    for (const bool homeSeatLeaves : {true, false}) {
        CrossPair p;
        PM_OK(p.match(*m_cluster, 0, 1, 1, u"alice"_s, u"bob"_s));
        PM_OK(p.start(*m_cluster, 0, 1));
        TestPlayer &leaving = homeSeatLeaves ? p.newcomerRound : p.waiterRound;
        TestPlayer &staying = homeSeatLeaves ? p.waiterRound : p.newcomerRound;
        leaving.close();
        PM_OK(expectMessage(staying, message(u"none"_s)));
        staying.game(1);
        PM_OK(expectError(staying, u"ended"_s));
        PM_OK(expectNothingMore(staying));
    }
}

void TestCluster::prepareTimeoutWithSeatOnOtherNode()
{
    PM_OK(m_cluster->start(2, {u"--prepare-timeout-ms"_s, u"1500"_s}));
    CrossPair p;
    // the newcomer's node (n1) holds the pair; the waiter sits on n0 and nobody else comes
    PM_OK(p.match(*m_cluster, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(openOn(p.waiterRound, m_cluster->roundUrl(0, p.pairId)));
    PM_OK(prepareExpecting(p.waiterRound, u"alice"_s, p.waiterToken(), u"wait"_s));
    PM_OK(expectMessage(p.waiterRound, message(u"invalid"_s), 10'000));
    PM_OK(expectClosed(p.waiterRound, 1000));
    // the pair is over: its id is unknown on every node
    TestPlayer late;
    PM_OK(openOn(late, m_cluster->roundUrl(0, p.pairId)));
    PM_OK(prepareExpecting(late, u"bob"_s, p.newcomerToken(), u"error:unknown_pair"_s));
}

// A takeover with lastSeq through a third node: answered from the pair's home, which keeps
// the moves: start at the home's seq, then what came after lastSeq, replayed.
void TestCluster::resumeWithLastSeqAcrossNodes()
{
    PM_OK(m_cluster->start(3));
    CrossPair p;
    PM_OK(p.match(*m_cluster, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(p.start(*m_cluster, 0, 1));
    for (int i = 1; i <= 4; ++i) {
        TestPlayer &mover = i % 2 ? p.waiterRound : p.newcomerRound;
        const QString who = i % 2 ? u"alice"_s : u"bob"_s;
        mover.game(i);
        PM_OK(expectMessage(p.waiterRound, gameMessage(who, i, quint64(i))));
        PM_OK(expectMessage(p.newcomerRound, gameMessage(who, i, quint64(i))));
    }
    TestPlayer again;
    PM_OK(openOn(again, m_cluster->roundUrl(2, p.pairId)));
    again.send(
        QJsonObject {{u"command"_s, u"prepared"_s}, {u"user"_s, TestPlayer::user(u"alice"_s)},
            {u"token"_s, p.waiterToken()}, {u"lastSeq"_s, 2}});
    QJsonObject start;
    PM_OK(expectCommand(again, u"start"_s, &start));
    QCOMPARE(start.value("seq"_L1).toInteger(), 4);
    PM_OK(expectMessage(again, replayedMessage(u"alice"_s, 3, 3)));
    PM_OK(expectMessage(again, replayedMessage(u"bob"_s, 4, 4)));
    PM_OK(expectClosed(p.waiterRound, 4001, u"replaced"_s));
    p.newcomerRound.game(5);
    PM_OK(expectMessage(again, gameMessage(u"bob"_s, 5, 5)));
    PM_OK(expectNothingMore(again));
}

void TestCluster::takeoverAcrossNodes()
{
    PM_OK(m_cluster->start(3));
    CrossPair p;
    PM_OK(p.match(*m_cluster, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(p.start(*m_cluster, 0, 1));
    // alice reconnects through the third node while her old connection on n0 is open
    TestPlayer again;
    PM_OK(openOn(again, m_cluster->roundUrl(2, p.pairId)));
    PM_OK(prepareExpecting(again, u"alice"_s, p.waiterToken(), u"start"_s));
    PM_OK(expectClosed(p.waiterRound, 4001, u"replaced"_s));
    // the opponent heard nothing, and the game goes on with the new seat
    again.game(u"x"_s);
    PM_OK(expectMessage(again, gameMessage(u"alice"_s, u"x"_s, 1)));
    PM_OK(expectMessage(p.newcomerRound, gameMessage(u"alice"_s, u"x"_s, 1)));
    // and the same from the home's side: bob moves from n1 to n0
    TestPlayer bobAgain;
    PM_OK(openOn(bobAgain, m_cluster->roundUrl(0, p.pairId)));
    PM_OK(prepareExpecting(bobAgain, u"bob"_s, p.newcomerToken(), u"start"_s));
    PM_OK(expectClosed(p.newcomerRound, 4001, u"replaced"_s));
    bobAgain.game(2);
    PM_OK(expectMessage(bobAgain, gameMessage(u"bob"_s, 2, 2)));
    PM_OK(expectMessage(again, gameMessage(u"bob"_s, 2, 2)));
    PM_OK(expectNothingMore(again));
}

void TestCluster::thirtyPairsOnRandomNodes()
{
    PM_OK(m_cluster->start(3));
    constexpr int kPairs = 30;
    constexpr int kMoves = 5;
    QRandomGenerator random(12);
    std::vector<std::unique_ptr<CrossPair>> pairs;
    for (int i = 0; i < kPairs; ++i) {
        auto p = std::make_unique<CrossPair>();
        PM_OK(p->match(*m_cluster, random.bounded(3), random.bounded(3), 100 + i, u"w%1"_s.arg(i),
            u"n%1"_s.arg(i)));
        pairs.push_back(std::move(p));
    }
    for (auto &p : pairs)
        PM_OK(p->start(*m_cluster, random.bounded(3), random.bounded(3)));
    for (int m = 0; m < kMoves; ++m) {
        for (auto &p : pairs) {
            p->waiterRound.game(m);
            p->newcomerRound.game(-m);
        }
    }
    for (auto &p : pairs) {
        QList<QJsonObject> a, b;
        QVERIFY(waitUntil(
            [&] {
                a += p->waiterRound.takeAll();
                b += p->newcomerRound.takeAll();
                return a.size() >= 2 * kMoves && b.size() >= 2 * kMoves;
            },
            20'000));
        QCOMPARE(a, b);
        QCOMPARE(a.size(), 2 * kMoves);
        p->waiterRound.end();
        PM_OK(expectMessage(p->waiterRound, message(u"ended"_s)));
    }
}

void TestCluster::sigtermOneNode()
{
    PM_OK(m_cluster->start(2));
    CrossPair p;
    PM_OK(p.match(*m_cluster, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(p.start(*m_cluster, 0, 1));
    TestPlayer waiter;
    PM_OK(openOn(waiter, m_cluster->matchingUrl(1, 9)));
    PM_OK(enterExpecting(waiter, u"carol"_s, u"entried"_s));

    QVERIFY(m_cluster->node(1).sendSignal(SIGTERM));
    PM_OK(expectClosed(p.newcomerRound, 1001));
    PM_OK(expectClosed(waiter, 1001));
    PM_OK(expectMessage(p.waiterRound, message(u"none"_s)));
    QVERIFY2(m_cluster->node(1).waitFinished(10'000), qPrintable(m_cluster->node(1).describe()));
    QVERIFY2(m_cluster->node(1).exitedWithZero(), qPrintable(m_cluster->node(1).describe()));
    // its waiter left the queue: a newcomer on the other node waits instead of meeting her
    TestPlayer newcomer;
    PM_OK(openOn(newcomer, m_cluster->matchingUrl(0, 9)));
    PM_OK(enterExpecting(newcomer, u"dave"_s, u"entried"_s));
    newcomer.close();
    // nothing of the stopped node is left in Redis (cleanup() checks the rest)
    QVERIFY(
        waitUntil([&] { return !m_cluster->redis().keys().contains("pairmatch:node:n1"); }, 1000));
}

void TestCluster::duplicateNodeIdRefused()
{
    PM_OK(m_cluster->start(1));
    ServerProcess second;
    second.start(m_cluster->nodeArguments(u"n0"_s));
    QVERIFY(second.runToEnd(10'000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 2);
    const QList<QByteArray> lines = second.standardError().trimmed().split('\n');
    QVERIFY2(lines.last().startsWith("pairmatch: node id n0"), lines.last().constData());
    QVERIFY(second.standardOutput().isEmpty()); // never listened
    // the first node is untouched
    TestPlayer player;
    PM_OK(openOn(player, m_cluster->matchingUrl(0, 1)));
    PM_OK(enterExpecting(player, u"alice"_s, u"entried"_s));
}

// Each node's admin API shows its id, its Redis link, the cluster's queues per type and its
// pairs marked local or remote, beside its own sessions.
void TestCluster::adminShowsTheCluster()
{
    const QStringList admin {u"--admin-port"_s, u"0"_s, u"--admin-token"_s, u"t0ken"_s};
    PM_OK(m_cluster->start(2, admin));
    CrossPair p; // the newcomer's node n1 orders it
    PM_OK(p.match(*m_cluster, 0, 1, 1, u"alice"_s, u"bob"_s));
    PM_OK(p.start(*m_cluster, 0, 1));
    TestPlayer waiter;
    PM_OK(openOn(waiter, m_cluster->matchingUrl(0, 6)));
    PM_OK(enterExpecting(waiter, u"carol"_s, u"entried"_s));

    AdminWatch at0, at1;
    QVERIFY(at0.open(m_cluster->node(0)));
    QVERIFY(at1.open(m_cluster->node(1)));
    QCOMPARE(at0.snapshot().cluster.nodeId, u"n0"_s);
    QCOMPARE(at1.snapshot().cluster.nodeId, u"n1"_s);
    QVERIFY(at0.snapshot().cluster.linkUp);
    // this node's own sessions are there as ever: alice's round and carol's matching
    QVERIFY(at0.snapshot().sessions.size() >= 2);
    const auto shows = [&](AdminWatch &w, bool local) {
        const pairmatch::ClusterState &c = w.cluster();
        bool queue = false;
        for (const pairmatch::ClusterQueueLength &q : c.queues)
            queue |= q.type == 6 && q.length == 1;
        for (const pairmatch::ClusterPairRow &row : c.pairs) {
            if (row.pairId == p.pairId) {
                return queue && row.local == local && row.home == "n1"_L1
                    && row.state == "started"_L1 && row.userIds[0] == "bob"_L1
                    && row.seatNodes[0] == "n1"_L1 && row.seatNodes[1] == "n0"_L1;
            }
        }
        return false;
    };
    QVERIFY2(waitUntil([&] { return shows(at0, false); }, 10'000),
        "the cluster's pair or queue never showed on n0");
    QVERIFY(waitUntil([&] { return shows(at1, true); }, 10'000));

    // the link state: down since when, then up again
    m_cluster->redis().stop();
    QVERIFY(waitUntil([&] { return !at0.cluster().linkUp && at0.cluster().downSinceMs > 0; }));
    QVERIFY(!at0.cluster().lastError.isEmpty());
    QVERIFY(m_cluster->redis().start());
    QVERIFY(waitUntil([&] { return at0.cluster().linkUp; }, 15'000));
}

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
