// parseRoute: the request target of a player's handshake, to an endpoint with its type or
// pairId, or the HTTP status that refuses it; routePath, its canonical form.
#include "route.h"

#include <QTest>

using namespace pairmatch;
using namespace Qt::StringLiterals;

class TestRoute final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void path();
    void typeOfTwentyDigitsNoOverflow(); // last: under UBSan a failure ends the program
};

void TestRoute::parse_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("endpoint"); // matching / round, when 200
    QTest::addColumn<qint32>("type");
    QTest::addColumn<QByteArray>("pairId");

    const auto matching = [](const char *target, qint32 type) {
        QTest::addRow("%s", target)
            << QByteArray(target) << 200 << u"matching"_s << type << QByteArray();
    };
    const auto round = [](const QByteArray &target, const QByteArray &pairId) {
        QTest::addRow("%s", target.left(60).constData())
            << target << 200 << u"round"_s << 0 << pairId;
    };
    const auto refused = [](const QByteArray &target, int status) {
        QTest::addRow("%s", target.left(60).constData())
            << target << status << QString() << 0 << QByteArray();
    };

    matching("/ws/matching/3", 3);
    matching("/ws/matching/3/", 3);
    matching("/ws/matching/3?x=1", 3);
    matching("/ws/matching/3/?x=1&y=/a/b", 3);
    matching("/ws/matching/0", 0);
    matching("/ws/matching/2147483647", 2147483647);
    matching("/ws/matching/007", 7);
    matching("/ws/matching/0000000042", 42);
    refused("/ws/matching/2147483648", 400);
    refused("/ws/matching/4294967296", 400);
    refused("/ws/matching/9999999999", 400);
    refused("/ws/matching/00000000042", 400);
    refused("/ws/matching/-1", 400);
    refused("/ws/matching/+1", 400);
    refused("/ws/matching/abc", 400);
    refused("/ws/matching/3.5", 400);
    refused("/ws/matching/3a", 400);
    refused("/ws/matching/0x10", 400);
    refused("/ws/matching/%33", 400);
    refused("/ws/matching//", 400); // an empty type
    refused("/ws/matching//?x", 400);
    // "/ws/matching/" is "/ws/matching" with a trailing slash: no type segment at all
    refused("/ws/matching/", 404);
    refused("/ws/matching/?x=1", 404);
    refused("/ws/matching", 404);
    refused("/ws/matching/3/4", 404);
    refused("/ws/matching/3//", 404);
    refused("/ws/matching/a/b", 404);

    round("/ws/round/abcDEF_-123", "abcDEF_-123");
    round("/ws/round/abc/", "abc");
    round("/ws/round/abc?token=x", "abc");
    round("/ws/round/abc/?x=/y", "abc");
    round("/ws/round/" + QByteArray(128, 'p'), QByteArray(128, 'p'));
    refused("/ws/round/" + QByteArray(129, 'p'), 404);
    refused("/ws/round/", 404);
    refused("/ws/round", 404);
    refused("/ws/round//", 404);
    refused("/ws/round/?id=abc", 404);
    refused("/ws/round/a/b", 404);
    refused("/ws/round/a//", 404);

    refused("", 404);
    refused("/", 404);
    refused("?", 404);
    refused("/ws", 404);
    refused("/ws/", 404);
    refused("/ws/other/3", 404);
    refused("/WS/matching/3", 404);
    refused("/ws/Matching/3", 404);
    refused("//ws/matching/3", 404);
    refused("/ws/matching3", 404);
    refused("/ws/roundabc", 404);
    refused("/admin", 404);
    refused("http://localhost/ws/matching/3", 404);
    refused("/prefix/ws/matching/3", 404);
}

void TestRoute::parse()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, endpoint);
    QFETCH(qint32, type);
    QFETCH(QByteArray, pairId);

    const Route r = parseRoute(target);
    QCOMPARE(r.httpStatus, status);
    if (status != 200)
        return;
    QCOMPARE(r.endpoint == Endpoint::Matching ? u"matching"_s : u"round"_s, endpoint);
    QCOMPARE(r.type, type);
    QCOMPARE(r.pairId, pairId);
}

void TestRoute::path()
{
    QCOMPARE(routePath(parseRoute("/ws/matching/0042/?x")), QByteArray("/ws/matching/42"));
    QCOMPARE(routePath(parseRoute("/ws/round/abc/?x")), QByteArray("/ws/round/abc"));
}

// A type of more than 10 digits is refused without computing its value: parseRoute once
// kept computing value * 10 + digit, which overflows qint64 from the 19th digit (undefined
// behaviour; the sanitizer build of this test stops on it).
void TestRoute::typeOfTwentyDigitsNoOverflow()
{
    QCOMPARE(parseRoute("/ws/matching/99999999999999999999").httpStatus, 400);
    QCOMPARE(parseRoute("/ws/matching/" + QByteArray(4000, '9')).httpStatus, 400);
}

QTEST_GUILESS_MAIN(TestRoute)
#include "tst_route.moc"
