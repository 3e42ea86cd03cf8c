// WebContent (server/webcontent.h): the web game's files as HTTP responses, request target
// in, whole response out; then over real sockets on the players' port, with --web on and
// off, beside the WebSocket endpoints that must not change.
#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"
#include "waituntil.h"
#include "webcontent.h"

#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

struct Response {
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.first(colon).compare(name, Qt::CaseInsensitive) == 0)
                return line.sliced(colon + 1).trimmed();
        }
        return {};
    }
};

Response parse(const QByteArray &raw)
{
    Response r;
    const qsizetype end = raw.indexOf("\r\n\r\n");
    r.head = raw.first(end);
    r.body = raw.sliced(end + 4);
    r.status = r.head.mid(9, 3).toInt();
    return r;
}

QByteArray source(const char *name)
{
    QFile f(QStringLiteral(PAIRMATCH_WEB_DIR "/") + QString::fromLatin1(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Reads a whole plain HTTP exchange: request out, everything until the server closes.
QByteArray exchange(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    QByteArray got;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { got += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write(request);
    if (!waitUntil([&] { return socket.state() == QAbstractSocket::UnconnectedState; }))
        return {};
    return got + socket.readAll();
}

} // namespace

class TestWebContent final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void servesEveryFileWithItsType_data();
    void servesEveryFileWithItsType();
    void headHasTheLengthButNoBody();
    void matchingEtagIsNotModified();
    void unknownPathsAre404_data();
    void unknownPathsAre404();
    void otherMethodsAre405();
    void webSocketPathsAreLeftToTheGate();
    void overRealSockets();
    void webOffAnswers404();
};

void TestWebContent::servesEveryFileWithItsType_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QByteArray>("type");
    QTest::newRow("/") << QByteArray("/") << QByteArray("index.html")
                       << QByteArray("text/html; charset=utf-8");
    QTest::newRow("/?name=alice") << QByteArray("/?name=alice") << QByteArray("index.html")
                                  << QByteArray("text/html; charset=utf-8");
    QTest::newRow("/index.html") << QByteArray("/index.html") << QByteArray("index.html")
                                 << QByteArray("text/html; charset=utf-8");
    QTest::newRow("/game.js") << QByteArray("/game.js") << QByteArray("game.js")
                              << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("/pairmatch.js") << QByteArray("/pairmatch.js") << QByteArray("pairmatch.js")
                                   << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("/app.js") << QByteArray("/app.js") << QByteArray("app.js")
                             << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("/style.css") << QByteArray("/style.css") << QByteArray("style.css")
                                << QByteArray("text/css; charset=utf-8");
}

void TestWebContent::servesEveryFileWithItsType()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, file);
    QFETCH(QByteArray, type);
    const WebContent web;
    const std::optional<QByteArray> raw = web.respond("GET", target);
    QVERIFY(raw);
    const Response r = parse(*raw);
    QVERIFY2(r.head.startsWith("HTTP/1.1 200 OK\r\n"), r.head.constData());
    QCOMPARE(r.header("Content-Type"), type);
    QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
    QCOMPARE(r.body, source(file.constData())); // the file as it is in resources/web
    QCOMPARE(r.header("Cache-Control"), QByteArray("no-cache"));
    QVERIFY(r.header("ETag").startsWith('"'));
    QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    QVERIFY(r.header("Content-Security-Policy").contains("connect-src 'self' ws: wss:"));
}

void TestWebContent::headHasTheLengthButNoBody()
{
    const WebContent web;
    const Response get = parse(*web.respond("GET", "/game.js"));
    const Response head = parse(*web.respond("HEAD", "/game.js"));
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(head.header("Content-Length"), get.header("Content-Length"));
    QCOMPARE(head.header("ETag"), get.header("ETag"));
}

void TestWebContent::matchingEtagIsNotModified()
{
    const WebContent web;
    const QByteArray etag = parse(*web.respond("GET", "/")).header("ETag");
    const Response same = parse(*web.respond("GET", "/", etag));
    QVERIFY2(same.head.startsWith("HTTP/1.1 304 Not Modified\r\n"), same.head.constData());
    QVERIFY(same.body.isEmpty());
    QCOMPARE(same.header("ETag"), etag);
    QCOMPARE(parse(*web.respond("GET", "/", "\"other\", " + etag)).status, 304);
    QCOMPARE(parse(*web.respond("GET", "/", "W/" + etag)).status, 304);
    QCOMPARE(parse(*web.respond("GET", "/", "*")).status, 304);
    QCOMPARE(parse(*web.respond("GET", "/", "\"stale\"")).status, 200);
    // another file has another tag
    QVERIFY(parse(*web.respond("GET", "/app.js")).header("ETag") != etag);
}

void TestWebContent::unknownPathsAre404_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("missing") << QByteArray("/missing.html");
    QTest::newRow("favicon") << QByteArray("/favicon.ico");
    QTest::newRow("dot dot") << QByteArray("/../server/main.cpp");
    QTest::newRow("encoded dot dot") << QByteArray("/%2e%2e/etc/passwd");
    QTest::newRow("subdirectory") << QByteArray("/web/index.html");
    QTest::newRow("resource path") << QByteArray(":/web/index.html");
    QTest::newRow("absolute form") << QByteArray("http://127.0.0.1/index.html");
    QTest::newRow("trailing slash") << QByteArray("/index.html/");
    QTest::newRow("wss-like") << QByteArray("/wsx");
}

void TestWebContent::unknownPathsAre404()
{
    QFETCH(QByteArray, target);
    const WebContent web;
    const std::optional<QByteArray> raw = web.respond("GET", target);
    QVERIFY(raw);
    const Response r = parse(*raw);
    QVERIFY2(r.head.startsWith("HTTP/1.1 404 Not Found\r\n"), r.head.constData());
    QCOMPARE(r.header("Content-Type"), QByteArray("text/plain; charset=utf-8"));
    QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
    QVERIFY(parse(*web.respond("HEAD", target)).body.isEmpty());
}

void TestWebContent::otherMethodsAre405()
{
    const WebContent web;
    for (const char *method : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
        const Response r = parse(*web.respond(method, "/"));
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("Allow"), QByteArray("GET, HEAD"));
    }
}

void TestWebContent::webSocketPathsAreLeftToTheGate()
{
    const WebContent web;
    for (const char *target : {"/ws", "/ws/", "/ws/matching/1", "/ws/round/abc", "/ws/nowhere"})
        QVERIFY2(!web.respond("GET", target), target);
}

void TestWebContent::overRealSockets()
{
    TestServer server; // --web is on by default
    QVERIFY(server.isListening());
    const Response page
        = parse(exchange(server.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    QCOMPARE(page.status, 200);
    QCOMPARE(page.body, source("index.html"));
    const Response head
        = parse(exchange(server.port(), "HEAD /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(parse(exchange(server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")).status, 404);
    // the WebSocket paths as they were: no upgrade is a 400, an upgrade opens; an upgrade to /
    // is still a 404 (the page is for browsers, not sockets)
    QCOMPARE(
        parse(exchange(server.port(), "GET /ws/matching/1 HTTP/1.1\r\nHost: x\r\n\r\n")).status,
        400);
    QCOMPARE(httpExchange(server.port(), upgradeRequest("/")).status(), 404);
    TestPlayer player;
    QVERIFY(player.open(server.matchingUrl(1)));
    QCOMPARE(server.core().connectionCount(), 1);
}

void TestWebContent::webOffAnswers404()
{
    ServerConfig config = TestServer::defaultConfig();
    config.web = false;
    TestServer server(config);
    QVERIFY(server.isListening());
    QCOMPARE(parse(exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).status, 404);
    QCOMPARE(
        parse(exchange(server.port(), "GET /game.js HTTP/1.1\r\nHost: x\r\n\r\n")).status, 404);
    QCOMPARE(parse(exchange(server.port(), "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")).status, 404);
}

QTEST_GUILESS_MAIN(TestWebContent)
#include "tst_webcontent.moc"
