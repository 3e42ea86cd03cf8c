// The opening handshake's answer (RFC 6455 section 4.2.1-4.2.2), one row per rule: a request
// the gate accepted gets 101 with the right Sec-WebSocket-Accept, or 400 / 426. And the
// request head itself: its request line, its headers and their tokens.
#include "wshandshake.h"

#include <QTest>

using namespace pairmatch;

namespace {

// The RFC's own example (section 1.3).
constexpr QByteArrayView kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr QByteArrayView kSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

QByteArray requestWith(const QByteArray &headers)
{
    return "GET /ws/matching/1 HTTP/1.1\r\nHost: example.com\r\n" + headers + "\r\n";
}

const QByteArray kUpgrade = "Upgrade: websocket\r\n";
const QByteArray kConnection = "Connection: Upgrade\r\n";
const QByteArray kVersion = "Sec-WebSocket-Version: 13\r\n";
const QByteArray kKey = "Sec-WebSocket-Key: " + kSampleKey.toByteArray() + "\r\n";

} // namespace

class TestWsHandshake final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void upgradeIsAnsweredAsTheRfcSays_data();
    void upgradeIsAnsweredAsTheRfcSays();
    void acceptIsSha1OfKeyAndGuid();
    void requestLineMustBeGetHttp11_data();
    void requestLineMustBeGetHttp11();
    void headerTokensAreCommaSeparatedAndCaseInsensitive();
};

void TestWsHandshake::upgradeIsAnsweredAsTheRfcSays_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status");

    QTest::newRow("as browsers send it")
        << requestWith(kUpgrade + kConnection + kKey + kVersion) << 101;
    QTest::newRow("Connection: keep-alive, Upgrade (Firefox)")
        << requestWith(kUpgrade + "Connection: keep-alive, Upgrade\r\n" + kKey + kVersion) << 101;
    QTest::newRow("header names and tokens in any case")
        << requestWith("upgrade: WebSocket\r\nCONNECTION: upgrade\r\nsec-websocket-key: "
               + kSampleKey.toByteArray() + "\r\nsec-websocket-version: 13\r\n")
        << 101;
    QTest::newRow("a subprotocol offered: none agreed, still opens") << requestWith(
        kUpgrade + kConnection + kKey + kVersion + "Sec-WebSocket-Protocol: chat\r\n")
                                                                     << 101;
    QTest::newRow("an extension offered: none agreed, still opens") << requestWith(kUpgrade
        + kConnection + kKey + kVersion + "Sec-WebSocket-Extensions: permessage-deflate\r\n")
                                                                    << 101;

    QTest::newRow("no Upgrade") << requestWith(kConnection + kKey + kVersion) << 400;
    QTest::newRow("Upgrade: h2c") << requestWith("Upgrade: h2c\r\n" + kConnection + kKey + kVersion)
                                  << 400;
    QTest::newRow("no Connection") << requestWith(kUpgrade + kKey + kVersion) << 400;
    QTest::newRow("Connection: keep-alive only")
        << requestWith(kUpgrade + "Connection: keep-alive\r\n" + kKey + kVersion) << 400;
    QTest::newRow("Connection: Upgraded (not the token)")
        << requestWith(kUpgrade + "Connection: Upgraded\r\n" + kKey + kVersion) << 400;

    QTest::newRow("no Sec-WebSocket-Version") << requestWith(kUpgrade + kConnection + kKey) << 426;
    QTest::newRow("Sec-WebSocket-Version: 8")
        << requestWith(kUpgrade + kConnection + kKey + "Sec-WebSocket-Version: 8\r\n") << 426;
    QTest::newRow("Sec-WebSocket-Version: 14")
        << requestWith(kUpgrade + kConnection + kKey + "Sec-WebSocket-Version: 14\r\n") << 426;

    QTest::newRow("no Sec-WebSocket-Key") << requestWith(kUpgrade + kConnection + kVersion) << 400;
    QTest::newRow("key of 15 bytes") << requestWith(
        kUpgrade + kConnection + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA\r\n" + kVersion)
                                     << 400;
    QTest::newRow("key of 17 bytes") << requestWith(
        kUpgrade + kConnection + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAA=\r\n" + kVersion)
                                     << 400;
    QTest::newRow("key of 16 bytes, padding left out") << requestWith(
        kUpgrade + kConnection + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ\r\n" + kVersion)
                                                       << 400;
    QTest::newRow("key not base64") << requestWith(
        kUpgrade + kConnection + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j*Q==\r\n" + kVersion)
                                    << 400;
    QTest::newRow("empty key") << requestWith(kUpgrade + kConnection + "Sec-WebSocket-Key:\r\n"
        + kVersion) << 400;
}

void TestWsHandshake::upgradeIsAnsweredAsTheRfcSays()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    const std::optional<HttpRequest> request = parseRequestHead(head);
    QVERIFY(request);
    const HandshakeAnswer answer = answerHandshake(*request);
    QCOMPARE(answer.status, status);
    if (status != 101) {
        QVERIFY(answer.response.isEmpty());
        QVERIFY(qstrlen(answer.why) > 0);
        return;
    }
    QCOMPARE(answer.response,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: "
            + kSampleAccept.toByteArray() + "\r\n\r\n");
}

void TestWsHandshake::acceptIsSha1OfKeyAndGuid()
{
    QCOMPARE(secWebSocketAccept(kSampleKey), kSampleAccept.toByteArray());
    QCOMPARE(
        secWebSocketAccept("x3JJHMbDL1EzLkh9GBhXDw=="), QByteArray("HSmrc0sMlYUkAGmm5OPpG2HaGWk="));
}

void TestWsHandshake::requestLineMustBeGetHttp11_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("parsed"); // an HTTP/1.x request line: answered over HTTP
    QTest::addColumn<bool>("upgrade"); // one a WebSocket may open on: GET, HTTP/1.1 or later
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("GET HTTP/1.1") << QByteArray("GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n") << true
                                  << true << QByteArray("/a?b=c");
    QTest::newRow("GET HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\n\r\n") << true << true
                                  << QByteArray("/");
    QTest::newRow("no headers at all")
        << QByteArray("GET / HTTP/1.1\r\n\r\n") << true << true << QByteArray("/");
    QTest::newRow("HTTP/1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << true << false
                              << QByteArray("/");
    QTest::newRow("POST") << QByteArray("POST / HTTP/1.1\r\n\r\n") << true << false
                          << QByteArray("/");
    QTest::newRow("HEAD") << QByteArray("HEAD /x HTTP/1.1\r\n\r\n") << true << false
                          << QByteArray("/x");
    QTest::newRow("lower-case get")
        << QByteArray("get / HTTP/1.1\r\n\r\n") << true << false << QByteArray("/");
    QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2\r\n\r\n") << false << false << QByteArray();
    QTest::newRow("HTTP/1.") << QByteArray("GET / HTTP/1.\r\n\r\n") << false << false
                             << QByteArray();
    QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << false << false << QByteArray();
    QTest::newRow("a space too many")
        << QByteArray("GET / HTTP/1.1 x\r\n\r\n") << false << false << QByteArray();
    QTest::newRow("no method") << QByteArray(" / HTTP/1.1\r\n\r\n") << false << false
                               << QByteArray();
    QTest::newRow("not HTTP") << QByteArray("HELLO\r\n\r\n") << false << false << QByteArray();
}

void TestWsHandshake::requestLineMustBeGetHttp11()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, parsed);
    QFETCH(bool, upgrade);
    QFETCH(QByteArray, target);
    const std::optional<HttpRequest> request = parseRequestHead(head);
    QCOMPARE(bool(request), parsed);
    if (!request)
        return;
    QCOMPARE(request->target, QByteArrayView(target));
    QCOMPARE(isUpgradeRequestLine(*request), upgrade);
}

void TestWsHandshake::headerTokensAreCommaSeparatedAndCaseInsensitive()
{
    const QByteArray head = "GET / HTTP/1.1\r\nConnection: keep-alive , Upgrade\r\nX-Empty:\r\n"
                            "Upgrade: websocket\r\nUpgrade: h2c\r\n\r\n";
    const std::optional<HttpRequest> r = parseRequestHead(head);
    QVERIFY(r);
    QVERIFY(r->headerHasToken("connection", "upgrade"));
    QVERIFY(r->headerHasToken("Connection", "KEEP-ALIVE"));
    QVERIFY(!r->headerHasToken("Connection", "close"));
    QVERIFY(!r->headerHasToken("Connection", "keep"));
    QCOMPARE(r->header("x-empty"), QByteArrayView());
    QCOMPARE(r->header("Upgrade"), QByteArrayView("websocket")); // the first of the name
    QVERIFY(!r->headerHasToken("Missing", "x"));
    QVERIFY(isWebSocketUpgrade(*r));
}

QTEST_GUILESS_MAIN(TestWsHandshake)
#include "tst_wshandshake.moc"
