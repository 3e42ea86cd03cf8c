// Limits over real sockets (protocol.md, "Transport" and "Limits"): binary frames, the
// message rate, the frame size, a slow reader, the `user` size in a round. The `data` size
// limit is in tst_round, the connection limit in tst_handshake.
#include "pairsetup.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// An entry message of exactly `size` bytes of UTF-8.
QString entryOfSize(qsizetype size)
{
    const QString head = uR"({"command":"entry","user":{"userId":"alice","pad":")"_s;
    const QString tail = uR"("}})"_s;
    return head + QString(size - head.size() - tail.size(), u'x') + tail;
}

QJsonObject parse(const QByteArray &utf8)
{
    return QJsonDocument::fromJson(utf8).object();
}

} // namespace

class TestLimits final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void binaryFrameIsBadFrame_data();
    void binaryFrameIsBadFrame();
    void overRateIsRateLimitedThenClosed1008();
    void frameOverLimitIsClosed1009();
    void fragmentedMessageOverLimitIsClosed1009();
    void invalidUtf8IsClosed1007();
    void waiterClosedForALimitLeavesQueue_data();
    void waiterClosedForALimitLeavesQueue();
    void slowReaderIsCut();
    void preparedUserOverSizeLimitIsTooLarge();
};

void TestLimits::binaryFrameIsBadFrame_data()
{
    QTest::addColumn<bool>("inRound");
    QTest::newRow("matching") << false;
    QTest::newRow("round, started") << true;
}

void TestLimits::binaryFrameIsBadFrame()
{
    QFETCH(bool, inRound);
    TestServer server;
    QVERIFY(server.isListening());
    if (!inRound) {
        TestPlayer a;
        QVERIFY(a.open(server.matchingUrl(1)));
        a.sendBinary(QByteArray(R"({"command":"entry","user":{"userId":"alice"}})"));
        PM_OK(expectError(a, u"bad_frame"_s));
        PM_OK(expectNothingMore(a)); // still open
        a.entry(u"alice"_s); // and the binary entry did not count
        PM_OK(expectMessage(a, message(u"entried"_s)));
        return;
    }
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.sendBinary(QByteArray(R"({"command":"game","data":1})"));
    PM_OK(expectError(a, u"bad_frame"_s));
    PM_OK(expectNothingMore(b)); // nothing relayed
    a.game(2);
    const QJsonObject move = gameMessage(u"alice"_s, 2, 1);
    PM_OK(expectMessage(a, move));
    PM_OK(expectMessage(b, move));
}

// rateLimit 5/s, burst 10: a burst of 40 is answered up to the burst (give or take what the
// bucket refills meanwhile), then rate_limited, then close 1008, and nothing after.
void TestLimits::overRateIsRateLimitedThenClosed1008()
{
    ServerConfig config = TestServer::defaultConfig();
    config.rateLimit = 5;
    config.rateBurst = 10;
    TestServer server(config);
    QVERIFY(server.isListening());
    TestPlayer a;
    QVERIFY(a.open(server.matchingUrl(1)));
    constexpr int kSent = 40;
    for (int i = 0; i < kSent; ++i)
        a.send(message(u"cancel"_s));

    int answered = 0;
    for (;;) {
        const QJsonObject m = a.next();
        QVERIFY2(!m.isEmpty(), "no rate_limited error");
        QCOMPARE(m.value(u"command"_s).toString(), u"error"_s);
        if (m.value(u"code"_s) == u"rate_limited"_s)
            break;
        QCOMPARE(m.value(u"code"_s).toString(), u"not_queued"_s);
        ++answered;
    }
    QVERIFY2(answered >= 10 && answered < kSent, qPrintable(QString::number(answered)));
    PM_OK(expectClosed(a, 1008));
    QCOMPARE(a.pendingCount(), 0);
    PM_OK(waitConnectionCount(server, 0));

    // one connection's rate is its own: a new one starts with a full bucket
    TestPlayer b;
    QVERIFY(b.open(server.matchingUrl(1)));
    for (int i = 0; i < 10; ++i)
        b.send(message(u"cancel"_s));
    for (int i = 0; i < 10; ++i)
        PM_OK(expectError(b, u"not_queued"_s));
}

void TestLimits::frameOverLimitIsClosed1009()
{
    ServerConfig config = TestServer::defaultConfig();
    config.maxFrameBytes = 1024;
    TestServer server(config);
    QVERIFY(server.isListening());
    TestPlayer a;
    QVERIFY(a.open(server.matchingUrl(1)));
    QCOMPARE(entryOfSize(1024).toUtf8().size(), 1024);

    a.sendText(entryOfSize(1024)); // exactly at the limit: taken
    PM_OK(expectMessage(a, message(u"entried"_s)));
    a.sendText(entryOfSize(1025));
    PM_OK(expectClosed(a, 1009));
    QCOMPARE(a.pendingCount(), 0);
}

// docs/protocol.md: a fragmented message over the limit is closed the same way.
void TestLimits::fragmentedMessageOverLimitIsClosed1009()
{
    ServerConfig config = TestServer::defaultConfig();
    config.maxFrameBytes = 1024;
    TestServer server(config);
    QVERIFY(server.isListening());
    RawWsClient raw;
    QVERIFY(raw.open(server.port(), "/ws/matching/1"));
    const QByteArray text = entryOfSize(1200).toUtf8();
    raw.sendFrame(RawWsClient::Text, text.first(600), false);
    raw.sendFrame(RawWsClient::Continuation, text.sliced(600), true);
    QVERIFY(raw.waitForCloseFrame());
    QCOMPARE(raw.closeCode(), 1009);
    QCOMPARE(raw.dataFramesSeen(), 0);
    QVERIFY(raw.waitDisconnected());
}

// docs/protocol.md: text that is not UTF-8 is closed with 1007.
void TestLimits::invalidUtf8IsClosed1007()
{
    TestServer server;
    QVERIFY(server.isListening());
    RawWsClient raw;
    QVERIFY(raw.open(server.port(), "/ws/matching/1"));
    raw.sendText(QByteArray(R"({"command":"entry","user":{"userId":"a","name":")") + "\xff\xfe"
        + QByteArray(R"("}})"));
    QVERIFY(raw.waitForCloseFrame());
    QCOMPARE(raw.closeCode(), 1007);
    QCOMPARE(raw.dataFramesSeen(), 0);
    QVERIFY(raw.waitDisconnected());
}

void TestLimits::waiterClosedForALimitLeavesQueue_data()
{
    QTest::addColumn<QString>("limit");
    QTest::newRow("rate") << u"rate"_s;
    QTest::newRow("frame size") << u"frame"_s;
}

// "A waiting connection that closes, for any reason, leaves the queue at once": here the
// server closes it for going over a limit.
void TestLimits::waiterClosedForALimitLeavesQueue()
{
    QFETCH(QString, limit);
    ServerConfig config = TestServer::defaultConfig();
    config.rateLimit = 5;
    config.rateBurst = 10;
    config.maxFrameBytes = 1024;
    TestServer server(config);
    QVERIFY(server.isListening());
    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(b.open(server.matchingUrl(1)));
    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    if (limit == "rate"_L1) {
        for (int i = 0; i < 40; ++i)
            a.entry(u"alice"_s);
        PM_OK(expectClosed(a, 1008));
    } else {
        a.sendText(entryOfSize(2000));
        PM_OK(expectClosed(a, 1009));
    }
    PM_OK(waitConnectionCount(server, 1));
    b.entry(u"bob"_s);
    PM_OK(expectMessage(b, message(u"entried"_s)));
}

// A seat that never reads while its opponent keeps moving: once the server holds more than
// maxSendBufferBytes unsent for it, it is closed with 1008 ("too slow...") and, the pair
// having started, the opponent gets `none`. Deterministic: the kernel buffers of a socket
// nobody reads are finite, so the server's own buffer must grow past the limit; the mover
// waits for each echo, so a healthy reader never holds more than a frame or two.
void TestLimits::slowReaderIsCut()
{
    ServerConfig config = TestServer::defaultConfig();
    config.maxSendBufferBytes = 256 * 1024;
    config.closeGraceMs = 60'000; // let the close frame wait behind the unread moves
    TestServer server(config);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());

    RawWsClient slow; // alice, by hand
    PM_OK(pair.seatWaiter(slow));
    TestPlayer b;
    PM_OK(pair.openRound(b));
    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(b, u"start"_s));
    const std::optional<RawWsClient::Frame> f = slow.nextDataFrame();
    QVERIFY(f);
    QCOMPARE(parse(f->payload).value(u"command"_s).toString(), u"start"_s);

    slow.pauseReading();
    const QString data(8 * 1024, u'm');
    constexpr int kMaxMoves = 20'000; // 160 MiB: far beyond any kernel's buffers
    int moves = 0;
    bool none = false;
    while (!none && moves < kMaxMoves) {
        b.game(data);
        ++moves;
        QJsonObject m;
        PM_OK(expectCommand(b, u"game"_s, &m));
        QCOMPARE(m.value(u"userId"_s).toString(), u"bob"_s);
        QVERIFY(b.sync()); // whatever the server sent along with the echo is here now
        if (b.pendingCount() > 0) {
            PM_OK(expectMessage(b, message(u"none"_s)));
            none = true;
        }
    }
    QVERIFY2(none, "the reader that never reads was never cut");
    PM_OK(expectNothingMore(b));
    QVERIFY(b.isOpen());
    qInfo("slow reader cut after %d moves of 8 KiB", moves);

    // the slow side finds, behind the moves it did not read, the close frame
    slow.resumeReading();
    QVERIFY(slow.waitForCloseFrame(30'000));
    QCOMPARE(slow.closeCode(), 1008);
    QVERIFY2(slow.closeReason().contains("too slow"), slow.closeReason().constData());
    QVERIFY(slow.dataFramesSeen() <= moves + 2);
    QVERIFY(slow.waitDisconnected());
}

void TestLimits::preparedUserOverSizeLimitIsTooLarge()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    const qint64 limit = server.config().maxUserBytes;
    QJsonObject big {{u"userId"_s, u"alice"_s}, {u"pad"_s, QString()}};
    const qint64 base = QJsonDocument(big).toJson(QJsonDocument::Compact).size();
    big.insert(u"pad"_s, QString(qsizetype(limit + 1 - base), u'x'));

    TestPlayer a;
    PM_OK(pair.openRound(a));
    a.send(QJsonObject {
        {u"command"_s, u"prepared"_s}, {u"user"_s, big}, {u"token"_s, pair.waiterToken}});
    PM_OK(expectError(a, u"too_large"_s));
    PM_OK(expectNothingMore(a));
    pair.preparedAsWaiter(a); // not seated by the refused one
    PM_OK(expectMessage(a, message(u"wait"_s)));
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
