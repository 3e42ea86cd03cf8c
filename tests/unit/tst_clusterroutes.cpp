// Who talks to whom across nodes (clusterroutes.h), one rule per test: proxies are
// connection ids of their own; when a peer goes, what its seats here and the seats bound to
// it are told.
#include "clusterroutes.h"

#include "messagecodec.h"

#include <QTest>

using namespace pairmatch;

class TestClusterRoutes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void proxiesAreTheirOwnIdsOnePerRemoteConnection();
    void deadPeerReturnsItsProxiesOnly();
    void deadHomeStartedSeatGetsNoneAndStaysOrphaned();
    void deadHomeWaitingSeatGetsInvalidAndClose();
    void deadHomeUnseatedConnectionGetsUnavailable();
    void dropAllCoversEveryPeer();
};

void TestClusterRoutes::proxiesAreTheirOwnIdsOnePerRemoteConnection()
{
    ClusterRoutes r;
    const ConnId p = r.addProxy("b", 5, "pair");
    QVERIFY(ClusterRoutes::isProxy(p));
    QVERIFY(!ClusterRoutes::isProxy(5));
    QCOMPARE(r.addProxy("b", 5, "pair"), p); // the same remote connection: the same proxy
    QVERIFY(r.addProxy("c", 5, "pair") != p); // another node's connection 5
    QCOMPARE(r.proxy("b", 5), p);
    QCOMPARE(r.proxyConn(p)->remote, ConnId(5));
    r.dropProxy(p);
    QCOMPARE(r.proxy("b", 5), ConnId(0));
    QVERIFY(!r.proxyConn(p));
}

void TestClusterRoutes::deadPeerReturnsItsProxiesOnly()
{
    ClusterRoutes r;
    const ConnId b1 = r.addProxy("b", 1, "p1");
    const ConnId b2 = r.addProxy("b", 2, "p2");
    const ConnId c1 = r.addProxy("c", 1, "p3");
    Output out;
    std::vector<ConnId> gone = r.dropPeer("b", out);
    std::sort(gone.begin(), gone.end());
    QCOMPARE(gone, (std::vector<ConnId> {b1, b2}));
    QVERIFY(r.proxyConn(c1));
    QVERIFY(out.effects.empty());
}

void TestClusterRoutes::deadHomeStartedSeatGetsNoneAndStaysOrphaned()
{
    ClusterRoutes r;
    r.bind(3, "home");
    r.binding(3)->state = SeatState::Started;
    Output out;
    std::vector<ConnId> unbound;
    r.dropPeer("home", out, &unbound);
    QCOMPARE(unbound, std::vector<ConnId> {3});
    QCOMPARE(out.effects.size(), 1u);
    QCOMPARE(out.effects[0].conn, ConnId(3));
    QCOMPARE(out.effects[0].frame, MessageCodec::noneFrame());
    // still bound, to nobody: its pair is over and it is answered here
    QVERIFY(r.binding(3));
    QVERIFY(r.binding(3)->home.isEmpty());
    QCOMPARE(r.binding(3)->state, SeatState::Over);
    // a second loss tells it nothing more
    Output again;
    r.dropAll(again);
    QVERIFY(again.effects.empty());
}

void TestClusterRoutes::deadHomeWaitingSeatGetsInvalidAndClose()
{
    ClusterRoutes r;
    r.bind(4, "home");
    r.binding(4)->state = SeatState::Waiting;
    Output out;
    r.dropPeer("home", out);
    QCOMPARE(out.effects.size(), 2u);
    QCOMPARE(out.effects[0].frame, MessageCodec::invalidFrame());
    QCOMPARE(out.effects[1].kind, Effect::Kind::Close);
    QCOMPARE(out.effects[1].closeCode, closeCause(CloseCause::OpponentMissing).code);
}

void TestClusterRoutes::deadHomeUnseatedConnectionGetsUnavailable()
{
    ClusterRoutes r;
    r.bind(5, "home");
    Output out;
    r.dropPeer("home", out);
    QCOMPARE(out.errors.size(), 1u);
    QCOMPARE(out.errors[0].code, ErrorCode::Unavailable);
    QVERIFY(!r.binding(5));
}

void TestClusterRoutes::dropAllCoversEveryPeer()
{
    ClusterRoutes r;
    r.addProxy("b", 1, "p");
    r.bind(7, "c");
    r.binding(7)->state = SeatState::Started;
    QCOMPARE(r.peers(), (std::vector<QByteArray> {"b", "c"}));
    Output out;
    QCOMPARE(r.dropAll(out).size(), 1u);
    QCOMPARE(out.effects.size(), 1u);
    QVERIFY(r.peers().empty());
}

QTEST_GUILESS_MAIN(TestClusterRoutes)
#include "tst_clusterroutes.moc"
