// HandshakePolicy (pure): which browser origins may open a WebSocket on the players' port
// (HTTP 403 otherwise), a handshake without Origin (let in unless required), and the cap on
// connections from one address (HTTP 503 beyond it).
#include "handshakepolicy.h"

#include <QTest>

using namespace pairmatch;
using namespace Qt::StringLiterals;

using Verdict = HandshakePolicy::Verdict;
Q_DECLARE_METATYPE(HandshakePolicy::Verdict)

namespace {

ServerConfig config(const QList<QByteArray> &origins, bool requireOrigin = false, qint64 perIp = 0)
{
    ServerConfig c;
    c.allowedOrigins = origins;
    c.requireOrigin = requireOrigin;
    c.maxConnectionsPerIp = perIp;
    return c;
}

} // namespace

class TestHandshakePolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void originsDecideTheVerdict_data();
    void originsDecideTheVerdict();
    void verdictsMapToHttpStatus();
    void addressCapRefusesBeyondItOnly();
    void addressCapOffByDefault();
    void originCheckedBeforeAddressCap();
    void normalizeOrigin_data();
    void normalizeOrigin();
};

void TestHandshakePolicy::originsDecideTheVerdict_data()
{
    QTest::addColumn<QList<QByteArray>>("allowed");
    QTest::addColumn<bool>("requireOrigin");
    QTest::addColumn<QByteArray>("origin"); // empty: no Origin header
    QTest::addColumn<Verdict>("verdict");

    const QList<QByteArray> list {"https://game.example.com", "http://localhost:8000"};
    QTest::newRow("no list, any origin")
        << QList<QByteArray>() << false << QByteArray("https://evil.example") << Verdict::Admit;
    QTest::newRow("no list, no origin")
        << QList<QByteArray>() << false << QByteArray() << Verdict::Admit;
    QTest::newRow("listed") << list << false << QByteArray("https://game.example.com")
                            << Verdict::Admit;
    QTest::newRow("listed, other case")
        << list << false << QByteArray("HTTPS://Game.Example.COM") << Verdict::Admit;
    QTest::newRow("listed, default port spelled out")
        << list << false << QByteArray("https://game.example.com:443") << Verdict::Admit;
    QTest::newRow("listed with its port")
        << list << false << QByteArray("http://localhost:8000") << Verdict::Admit;
    QTest::newRow("listed host, other port")
        << list << false << QByteArray("http://localhost:8001") << Verdict::OriginNotAllowed;
    QTest::newRow("listed host, other scheme")
        << list << false << QByteArray("http://game.example.com") << Verdict::OriginNotAllowed;
    QTest::newRow("a subdomain is another origin")
        << list << false << QByteArray("https://x.game.example.com") << Verdict::OriginNotAllowed;
    QTest::newRow("a suffix is another origin")
        << list << false << QByteArray("https://game.example.com.evil.example")
        << Verdict::OriginNotAllowed;
    QTest::newRow("null origin") << list << false << QByteArray("null")
                                 << Verdict::OriginNotAllowed;
    QTest::newRow("list, no origin: not a browser")
        << list << false << QByteArray() << Verdict::Admit;
    QTest::newRow("list, no origin, required")
        << list << true << QByteArray() << Verdict::OriginMissing;
    QTest::newRow("no list, no origin, required")
        << QList<QByteArray>() << true << QByteArray() << Verdict::OriginMissing;
    QTest::newRow("no list, an origin, required")
        << QList<QByteArray>() << true << QByteArray("https://any.example") << Verdict::Admit;
}

void TestHandshakePolicy::originsDecideTheVerdict()
{
    QFETCH(QList<QByteArray>, allowed);
    QFETCH(bool, requireOrigin);
    QFETCH(QByteArray, origin);
    QFETCH(Verdict, verdict);
    const HandshakePolicy policy(config(allowed, requireOrigin));
    QCOMPARE(policy.judge(origin, 1), verdict);
}

void TestHandshakePolicy::verdictsMapToHttpStatus()
{
    QCOMPARE(HandshakePolicy::httpStatus(Verdict::Admit), 200);
    QCOMPARE(HandshakePolicy::httpStatus(Verdict::OriginMissing), 403);
    QCOMPARE(HandshakePolicy::httpStatus(Verdict::OriginNotAllowed), 403);
    QCOMPARE(HandshakePolicy::httpStatus(Verdict::AddressFull), 503);
}

// fromAddress counts this connection too: with a cap of 3, the third is in, the fourth out.
void TestHandshakePolicy::addressCapRefusesBeyondItOnly()
{
    const HandshakePolicy policy(config({}, false, 3));
    QVERIFY(policy.capsAddresses());
    QCOMPARE(policy.judge({}, 1), Verdict::Admit);
    QCOMPARE(policy.judge({}, 3), Verdict::Admit);
    QCOMPARE(policy.judge({}, 4), Verdict::AddressFull);
    QCOMPARE(policy.judge({}, 1000), Verdict::AddressFull);
}

void TestHandshakePolicy::addressCapOffByDefault()
{
    const HandshakePolicy policy {ServerConfig()};
    QVERIFY(!policy.capsAddresses());
    QVERIFY(!policy.checksOrigins());
    QCOMPARE(policy.judge("https://any.example", 1'000'000), Verdict::Admit);
}

void TestHandshakePolicy::originCheckedBeforeAddressCap()
{
    const HandshakePolicy policy(config({"https://a.example"}, false, 1));
    QCOMPARE(policy.judge("https://b.example", 5), Verdict::OriginNotAllowed);
    QCOMPARE(policy.judge("https://a.example", 5), Verdict::AddressFull);
}

void TestHandshakePolicy::normalizeOrigin_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("normal"); // empty: not an origin

    QTest::newRow("plain") << QByteArray("https://a.example") << QByteArray("https://a.example");
    QTest::newRow("upper case") << QByteArray("HTTPS://A.Example")
                                << QByteArray("https://a.example");
    QTest::newRow("trailing slash")
        << QByteArray("https://a.example/") << QByteArray("https://a.example");
    QTest::newRow("blanks around")
        << QByteArray(" https://a.example ") << QByteArray("https://a.example");
    QTest::newRow("https :443 dropped")
        << QByteArray("https://a.example:443") << QByteArray("https://a.example");
    QTest::newRow("http :80 dropped")
        << QByteArray("http://a.example:80") << QByteArray("http://a.example");
    QTest::newRow("https :80 kept")
        << QByteArray("https://a.example:80") << QByteArray("https://a.example:80");
    QTest::newRow("other port kept")
        << QByteArray("http://a.example:8080") << QByteArray("http://a.example:8080");
    QTest::newRow("IPv6 literal") << QByteArray("http://[::1]:8080")
                                  << QByteArray("http://[::1]:8080");
    QTest::newRow("IPv6 literal, no port")
        << QByteArray("http://[::1]") << QByteArray("http://[::1]");
    QTest::newRow("no scheme") << QByteArray("a.example") << QByteArray();
    QTest::newRow("null") << QByteArray("null") << QByteArray();
    QTest::newRow("a path") << QByteArray("https://a.example/game") << QByteArray();
    QTest::newRow("a query") << QByteArray("https://a.example?x") << QByteArray();
    QTest::newRow("credentials") << QByteArray("https://u@a.example") << QByteArray();
    QTest::newRow("empty host") << QByteArray("https://") << QByteArray();
    QTest::newRow("bad port") << QByteArray("https://a.example:http") << QByteArray();
    QTest::newRow("empty port") << QByteArray("https://a.example:") << QByteArray();
    QTest::newRow("scheme with a digit first") << QByteArray("1http://a.example") << QByteArray();
}

void TestHandshakePolicy::normalizeOrigin()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, normal);
    const std::optional<QByteArray> got = HandshakePolicy::normalizeOrigin(text);
    if (normal.isEmpty()) {
        QVERIFY2(!got, got ? got->constData() : "");
    } else {
        QVERIFY(got);
        QCOMPARE(*got, normal);
    }
}

QTEST_GUILESS_MAIN(TestHandshakePolicy)
#include "tst_handshakepolicy.moc"
