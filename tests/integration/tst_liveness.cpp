// Liveness over real sockets (protocol.md, "Liveness"): the server pings every connection,
// closes one that does not answer in time with 1001, and a dead peer's seat or queue entry
// goes as for any close. Time runs on a FakeClock; a dead peer is a hand-made WebSocket
// client (RawWsClient) that stops answering pings, as when a cable is pulled.
#include "fakeclock.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"
#include "waituntil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// The shipped defaults, on a FakeClock: each test moves time to the exact moment a ping is
// due or a peer is dead, and checks the moment before.
constexpr qint64 kPingIntervalMs = 20'000;
constexpr qint64 kPingTimeoutMs = 10'000;

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

// A round trip through the server on a raw client's connection (a `cancel` nobody waits
// for answers `not_queued`, a round command `not_prepared`...): whatever the client sent
// before, a pong included, has been handled, and the connection is still open.
QString roundTrip(RawWsClient &raw, const QString &expectedCode)
{
    raw.send(QJsonObject {{u"command"_s, u"cancel"_s}});
    const std::optional<RawWsClient::Frame> f = raw.nextDataFrame();
    if (!f)
        return u"no answer (close code %1)"_s.arg(raw.closeCode());
    const QJsonObject answer = QJsonDocument::fromJson(f->payload).object();
    if (answer.value(u"code"_s).toString() != expectedCode)
        return u"expected error %1, got %2"_s.arg(expectedCode, QString::fromUtf8(f->payload));
    if (raw.closeFrameReceived())
        return u"closed with %1"_s.arg(raw.closeCode());
    return {};
}

// The server has had a pong from the QWebSocket player of userId on this endpoint (which
// answers pings by itself): its session shows a round-trip time.
QString waitPong(TestServer &server, const QString &userId, Endpoint endpoint)
{
    const bool answered = waitUntil([&] {
        for (const SessionInfo &s : server.core().view().snapshot().sessions) {
            if (s.userId == userId && s.endpoint == endpoint && s.rttMs >= 0)
                return true;
        }
        return false;
    });
    return answered ? QString() : u"no pong from %1's QWebSocket"_s.arg(userId);
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
    FakeClock clock;
    TestServer server(livenessConfig(), clock);
    QVERIFY(server.isListening());
    RawWsClient silent;
    QVERIFY(silent.open(server.port(), "/ws/matching/1"));
    TestPlayer player;
    QVERIFY(player.open(server.matchingUrl(1)));
    player.entry(u"alice"_s);
    PM_OK(expectMessage(player, message(u"entried"_s)));
    RawWsClient answering;
    answering.setAnswerPings(true);
    QVERIFY(answering.open(server.port(), "/ws/matching/2"));

    clock.advance(kPingIntervalMs); // everyone is pinged
    QVERIFY(silent.waitForPings(1));
    QVERIFY(answering.waitForPings(1));
    PM_OK(roundTrip(answering, u"not_queued"_s));
    PM_OK(waitPong(server, u"alice"_s, Endpoint::Matching));

    clock.advance(kPingTimeoutMs - 1); // the whole timeout: nobody is closed yet
    PM_OK(roundTrip(silent, u"not_queued"_s));
    clock.advance(1);
    PM_OK(expectPingTimeoutClose(silent));
    QCOMPARE(silent.pingsReceived(), 1);

    // the answering client stays, over several more intervals
    for (int n = 2; n <= 4; ++n) {
        clock.advance(kPingIntervalMs - kPingTimeoutMs);
        QVERIFY(answering.waitForPings(n));
        PM_OK(roundTrip(answering, u"not_queued"_s));
        clock.advance(kPingTimeoutMs);
        PM_OK(roundTrip(answering, u"not_queued"_s));
    }
    QVERIFY(player.isOpen());
    PM_OK(expectNothingMore(player));
    answering.send(
        QJsonObject {{u"command"_s, u"entry"_s}, {u"user"_s, TestPlayer::user(u"bob"_s)}});
    PM_OK(expectFrame(answering, message(u"entried"_s)));
}

void TestLiveness::deadPeerIsClosedWith1001()
{
    FakeClock clock;
    TestServer server(livenessConfig(), clock);
    QVERIFY(server.isListening());
    RawWsClient dead;
    QVERIFY(dead.open(server.port(), "/ws/matching/1"));
    clock.advance(kPingIntervalMs - 1);
    PM_OK(roundTrip(dead, u"not_queued"_s));
    QCOMPARE(dead.pingsReceived(), 0);
    clock.advance(1);
    QVERIFY(dead.waitForPings(1));
    clock.advance(kPingTimeoutMs - 1);
    PM_OK(roundTrip(dead, u"not_queued"_s));
    clock.advance(1);
    PM_OK(expectPingTimeoutClose(dead));
    QCOMPARE(dead.closeReason(), QByteArray("ping timeout")); // docs/protocol.md
    QCOMPARE(dead.dataFramesSeen(), 2); // the two round trips' answers
    PM_OK(waitConnectionCount(server, 0));
}

void TestLiveness::deadSeatedPeerGivesOpponentNone()
{
    FakeClock clock;
    TestServer server(livenessConfig(), clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());

    RawWsClient a; // alice: seated and started, never answers a ping
    PM_OK(pair.seatWaiter(a));
    TestPlayer b;
    PM_OK(pair.openRound(b));
    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(b, u"start"_s));
    PM_OK(expectFrame(a, startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s))));

    clock.advance(kPingIntervalMs);
    QVERIFY(a.waitForPings(1));
    PM_OK(waitPong(server, u"bob"_s, Endpoint::Round));
    clock.advance(kPingTimeoutMs);
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
    FakeClock clock;
    ServerConfig config = livenessConfig();
    config.prepareTimeoutMs = kPingIntervalMs + kPingTimeoutMs + 1; // found dead before it
    TestServer server(config, clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());

    RawWsClient a;
    PM_OK(pair.seatWaiter(a));
    clock.advance(kPingIntervalMs);
    QVERIFY(a.waitForPings(1));
    clock.advance(kPingTimeoutMs);
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
    FakeClock clock;
    TestServer server(livenessConfig(), clock);
    QVERIFY(server.isListening());
    RawWsClient dead;
    QVERIFY(dead.open(server.port(), "/ws/matching/6"));
    dead.send(QJsonObject {{u"command"_s, u"entry"_s}, {u"user"_s, TestPlayer::user(u"alice"_s)}});
    PM_OK(expectFrame(dead, message(u"entried"_s)));
    clock.advance(kPingIntervalMs);
    QVERIFY(dead.waitForPings(1));
    clock.advance(kPingTimeoutMs);
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
