// The players' gate beyond routes (issue 13): --allowed-origins (a browser's Origin not on
// the list gets HTTP 403; an allowed one and none at all are let in), --require-origin, and
// --max-connections-per-ip (503 for that address only; open WebSockets and handshakes in
// progress both count; a slot frees when a connection closes). Refusals are counted.
#include "httpget.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"
#include "waituntil.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// The upgrade request of `path`, with an Origin header unless origin is null.
QByteArray requestWithOrigin(const QByteArray &path, const QByteArray &origin)
{
    QByteArray request = upgradeRequest(path);
    if (!origin.isNull())
        request.insert(request.size() - 2, "Origin: " + origin + "\r\n");
    return request;
}

// The status the server answers an upgrade of /ws/matching/1 with this Origin (null: none),
// from 127.0.0.1 or another loopback address; the connection is left open when 101.
int handshake(quint16 port, const QByteArray &origin, RawWsClient &client,
    const QHostAddress &from = QHostAddress::LocalHost)
{
    if (from != QHostAddress(QHostAddress::LocalHost))
        client.socket().bind(from);
    if (!client.connectTo(port))
        return -1;
    client.writeRaw(requestWithOrigin("/ws/matching/1", origin));
    return client.readResponseStatus();
}

quint64 refusedCount(TestServer &server, int status)
{
    const auto &refused = server.core().view().counters().handshakesRefused;
    const auto it = refused.find(status);
    return it == refused.end() ? 0 : it->second;
}

} // namespace

class TestPlayerGate final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void origins_data();
    void origins();
    void anyOriginWithoutList();
    void requireOriginWithoutList();
    void perAddressCap();
    void perAddressCapCountsHandshakesInProgress();
};

void TestPlayerGate::origins_data()
{
    QTest::addColumn<bool>("requireOrigin");
    QTest::addColumn<QByteArray>("origin"); // null: no Origin header
    QTest::addColumn<int>("status");

    QTest::newRow("allowed") << false << QByteArray("https://game.example") << 101;
    QTest::newRow("allowed, in other case") << false << QByteArray("HTTPS://GAME.EXAMPLE") << 101;
    QTest::newRow("second allowed, with its port")
        << false << QByteArray("http://localhost:8000") << 101;
    QTest::newRow("not allowed") << false << QByteArray("https://evil.example") << 403;
    QTest::newRow("allowed host, other port")
        << false << QByteArray("https://game.example:8443") << 403;
    QTest::newRow("null") << false << QByteArray("null") << 403;
    QTest::newRow("absent: not a browser") << false << QByteArray() << 101;
    QTest::newRow("absent, required") << true << QByteArray() << 403;
    QTest::newRow("allowed, required") << true << QByteArray("https://game.example") << 101;
}

void TestPlayerGate::origins()
{
    QFETCH(bool, requireOrigin);
    QFETCH(QByteArray, origin);
    QFETCH(int, status);
    ServerConfig config = TestServer::defaultConfig();
    config.allowedOrigins = {"https://game.example", "http://localhost:8000"};
    config.requireOrigin = requireOrigin;
    TestServer server(config);
    QVERIFY(server.isListening());

    RawWsClient client;
    QCOMPARE(handshake(server.port(), origin, client), status);
    if (status == 101) {
        PM_OK(waitConnectionCount(server, 1));
        QCOMPARE(refusedCount(server, 403), quint64(0));
    } else {
        QVERIFY(client.waitDisconnected());
        QCOMPARE(server.core().connectionCount(), 0);
        QCOMPARE(refusedCount(server, 403), quint64(1));
    }
}

void TestPlayerGate::anyOriginWithoutList()
{
    TestServer server;
    RawWsClient client;
    QCOMPARE(handshake(server.port(), "https://anything.example", client), 101);
    PM_OK(waitConnectionCount(server, 1));
}

void TestPlayerGate::requireOriginWithoutList()
{
    ServerConfig config = TestServer::defaultConfig();
    config.requireOrigin = true;
    TestServer server(config);
    RawWsClient none;
    QCOMPARE(handshake(server.port(), QByteArray(), none), 403);
    RawWsClient some;
    QCOMPARE(handshake(server.port(), "https://anything.example", some), 101);
    // a library client sends no Origin: refused too
    TestPlayer player;
    QCOMPARE(player.openExpectingRefusal(server.matchingUrl(1)), 403);
}

// Two per address: the third from 127.0.0.1 gets 503, 127.0.0.2 is still let in; when one
// from 127.0.0.1 closes, 127.0.0.1 may open one again.
void TestPlayerGate::perAddressCap()
{
    ServerConfig config = TestServer::defaultConfig();
    config.maxConnectionsPerIp = 2;
    TestServer server(config);
    QVERIFY(server.isListening());

    TestPlayer first, second, third;
    QVERIFY(first.open(server.matchingUrl(1)));
    QVERIFY(second.open(server.roundUrl("nopair")));
    PM_OK(waitConnectionCount(server, 2));
    QCOMPARE(third.openExpectingRefusal(server.matchingUrl(1)), 503);
    QCOMPARE(refusedCount(server, 503), quint64(1));

    RawWsClient other;
    QCOMPARE(handshake(server.port(), QByteArray(), other, QHostAddress(u"127.0.0.2"_s)), 101);
    PM_OK(waitConnectionCount(server, 3));
    RawWsClient otherAgain;
    QCOMPARE(handshake(server.port(), QByteArray(), otherAgain, QHostAddress(u"127.0.0.2"_s)), 101);
    RawWsClient otherThird;
    QCOMPARE(handshake(server.port(), QByteArray(), otherThird, QHostAddress(u"127.0.0.2"_s)), 503);
    QCOMPARE(refusedCount(server, 503), quint64(2));

    second.close();
    QVERIFY(second.waitClosed());
    PM_OK(waitConnectionCount(server, 3));
    TestPlayer again;
    QVERIFY(again.open(server.matchingUrl(1)));
    PM_OK(waitConnectionCount(server, 4));
    // the players who are in play on
    first.entry(u"alice"_s);
    PM_OK(expectMessage(first, message(u"entried"_s)));
}

// Handshakes not finished yet count against the address too: two TCP connections that have
// not sent their request hold both slots, so a third request from the address is refused.
void TestPlayerGate::perAddressCapCountsHandshakesInProgress()
{
    ServerConfig config = TestServer::defaultConfig();
    config.maxConnectionsPerIp = 2;
    TestServer server(config);
    RawWsClient silent1, silent2;
    QVERIFY(silent1.connectTo(server.port()));
    QVERIFY(silent2.connectTo(server.port()));
    QVERIFY(waitUntil([&] { return server.listener().pendingCount() == 2; }));
    RawWsClient third;
    QCOMPARE(handshake(server.port(), QByteArray(), third), 503);
    silent1.socket().abort();
    QVERIFY(waitUntil([&] { return server.listener().pendingCount() == 1; }));
    RawWsClient fourth;
    QCOMPARE(handshake(server.port(), QByteArray(), fourth), 101);
    PM_OK(waitConnectionCount(server, 1));
}

QTEST_GUILESS_MAIN(TestPlayerGate)
#include "tst_playergate.moc"
