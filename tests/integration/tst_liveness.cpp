// Liveness over real sockets (protocol.md, "Liveness"): the server pings every connection,
// closes one that does not answer in time with 1001, and a dead peer's seat or queue entry
// goes as for any close. Short intervals come from the config; a dead peer is a hand-made
// WebSocket client (RawWsClient) that stops answering pings, as when a cable is pulled.
#include "pairsetup.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kPingIntervalMs = 50;
constexpr qint64 kPingTimeoutMs = 300;

ServerConfig livenessConfig()
{
    ServerConfig c = TestServer::defaultConfig();
    c.pingIntervalMs = kPingIntervalMs;
    c.pingTimeoutMs = kPingTimeoutMs;
    return c;
}

// The raw client was closed by the server for not answering its pings.
QString expectPingTimeoutClose(RawWsClient &raw)
{
    if (!raw.waitForCloseFrame())
        return u"no close frame (connected: %1)"_s.arg(raw.isConnected());
    if (raw.closeCode() != 1001) {
        return u"expected close 1001, got %1 '%2'"_s.arg(raw.closeCode())
            .arg(QString::fromUtf8(raw.closeReason()));
    }
    if (raw.pingsReceived() < 1)
        return u"closed without having been pinged"_s;
    if (!raw.waitDisconnected())
        return u"close frame, but the TCP connection stays"_s;
    return {};
}

} // namespace

class TestLiveness final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answeringPeersStayConnected();
    void deadPeerIsClosedWith1001();
    void deadSeatedPeerGivesOpponentNone();
    void deadSeatedPeerBeforeStartFreesSeat();
    void deadWaiterLeavesQueue();
    void silentPeerIsTakenOverByReconnect();
};

// Both a QWebSocket (which answers pings by itself) and a hand-made client that answers
// them stay connected over many intervals, while one that does not answer is closed.
void TestLiveness::answeringPeersStayConnected()
{
    TestServer server(livenessConfig());
    QVERIFY(server.isListening());
    RawWsClient silent; // opened first: its deadline comes first
    QVERIFY(silent.open(server.port(), "/ws/matching/1"));
    TestPlayer player;
    QVERIFY(player.open(server.matchingUrl(1)));
    RawWsClient answering;
    answering.setAnswerPings(true);
    QVERIFY(answering.open(server.port(), "/ws/matching/1"));

    // The answering client's pings are the clock: 12 pings are 11 intervals after it opened,
    // more than interval + timeout after the other two opened.
    QVERIFY(answering.waitForPings(12));
    PM_OK(expectPingTimeoutClose(silent));
    QVERIFY(answering.isConnected());
    QVERIFY(!answering.closeFrameReceived());
    QVERIFY(player.isOpen());
    PM_OK(expectNothingMore(player));
    player.entry(u"alice"_s);
    PM_OK(expectMessage(player, message(u"entried"_s)));
    answering.send(
        QJsonObject {{u"command"_s, u"entry"_s}, {u"user"_s, TestPlayer::user(u"bob"_s)}});
    QJsonObject prepare;
    PM_OK(expectCommand(player, u"prepare"_s, &prepare));
    QCOMPARE(prepare.value(u"users"_s)[0][u"userId"_s].toString(), u"bob"_s);
    const std::optional<RawWsClient::Frame> f = answering.nextDataFrame();
    QVERIFY(f);
    QCOMPARE(
        QJsonDocument::fromJson(f->payload).object().value(u"command"_s).toString(), u"prepare"_s);
}

void TestLiveness::deadPeerIsClosedWith1001()
{
    TestServer server(livenessConfig());
    QVERIFY(server.isListening());
    RawWsClient dead;
    QVERIFY(dead.open(server.port(), "/ws/matching/1"));
    PM_OK(expectPingTimeoutClose(dead));
    QCOMPARE(dead.closeReason(), QByteArray("ping timeout")); // docs/protocol.md
    QCOMPARE(dead.dataFramesSeen(), 0);
    PM_OK(waitConnectionCount(server, 0));
}

void TestLiveness::deadSeatedPeerGivesOpponentNone()
{
    TestServer server(livenessConfig());
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());

    RawWsClient a; // alice: answers pings until seated and started, then falls silent
    a.setAnswerPings(true);
    PM_OK(pair.seatWaiter(a));
    TestPlayer b;
    PM_OK(pair.openRound(b));
    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(b, u"start"_s));
    PM_OK(expectFrame(a, startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s))));

    a.setAnswerPings(false);
    PM_OK(expectPingTimeoutClose(a));
    PM_OK(expectMessage(b, message(u"none"_s)));
    PM_OK(expectNothingMore(b));
    QVERIFY(b.isOpen());

    TestPlayer a2; // the pair is over
    PM_OK(pair.openRound(a2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectError(a2, u"unknown_pair"_s));
}

void TestLiveness::deadSeatedPeerBeforeStartFreesSeat()
{
    TestServer server(livenessConfig());
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());

    RawWsClient a;
    a.setAnswerPings(true);
    PM_OK(pair.seatWaiter(a));
    a.setAnswerPings(false);
    PM_OK(expectPingTimeoutClose(a));

    // bob sits alone (no start with a dead seat), alice's seat is free again
    TestPlayer b, a2;
    PM_OK(pair.openRound(b));
    PM_OK(pair.openRound(a2));
    pair.preparedAsNewcomer(b);
    PM_OK(expectMessage(b, message(u"wait"_s)));
    pair.preparedAsWaiter(a2);
    const QJsonObject start
        = startMessage(TestPlayer::user(u"bob"_s), TestPlayer::user(u"alice"_s));
    PM_OK(expectMessage(b, start));
    PM_OK(expectMessage(a2, start));
}

void TestLiveness::deadWaiterLeavesQueue()
{
    TestServer server(livenessConfig());
    QVERIFY(server.isListening());
    RawWsClient dead;
    dead.setAnswerPings(true);
    QVERIFY(dead.open(server.port(), "/ws/matching/6"));
    dead.send(QJsonObject {{u"command"_s, u"entry"_s}, {u"user"_s, TestPlayer::user(u"alice"_s)}});
    PM_OK(expectFrame(dead, message(u"entried"_s)));
    dead.setAnswerPings(false);
    PM_OK(expectPingTimeoutClose(dead));

    // the newcomer waits instead of being matched with the dead one
    TestPlayer b, c;
    QVERIFY(b.open(server.matchingUrl(6)));
    QVERIFY(c.open(server.matchingUrl(6)));
    b.entry(u"bob"_s);
    PM_OK(expectMessage(b, message(u"entried"_s)));
    c.entry(u"alice"_s); // and alice may wait again
    QJsonObject toC;
    PM_OK(expectCommand(c, u"prepare"_s, &toC));
    PM_OK(expectCommand(b, u"prepare"_s));
    QCOMPARE(toC.value(u"users"_s)[1][u"userId"_s].toString(), u"bob"_s);
}

// A seat whose connection went silent but is not yet known dead (default ping settings)
// is taken over by the player reconnecting: the old connection is closed with 4001, the
// opponent hears nothing, the new connection gets `start`.
void TestLiveness::silentPeerIsTakenOverByReconnect()
{
    TestServer server; // pings every 20 s: the silent one is not found dead here
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    RawWsClient old;
    PM_OK(pair.seatWaiter(old));
    TestPlayer b;
    PM_OK(pair.openRound(b));
    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(b, u"start"_s));

    TestPlayer fresh;
    PM_OK(pair.openRound(fresh));
    pair.preparedAsWaiter(fresh);
    QVERIFY(old.waitForCloseFrame());
    QCOMPARE(old.closeCode(), 4001);
    QCOMPARE(old.closeReason(), QByteArray("replaced"));
    PM_OK(expectCommand(fresh, u"start"_s));
    PM_OK(expectNothingMore(b));
    fresh.game(1);
    PM_OK(expectCommand(b, u"game"_s));
}

QTEST_GUILESS_MAIN(TestLiveness)
#include "tst_liveness.moc"
