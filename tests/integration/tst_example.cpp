// Smoke test of the test support: two players match and play a short round.
#include "testplayer.h"
#include "testserver.h"

#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

class TestExample final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullRound();
};

void TestExample::fullRound()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(7)));
    QVERIFY(b.open(server.matchingUrl(7)));
    a.entry(u"alice"_s);
    QVERIFY2(a.expect(u"entried"_s), qPrintable(a.lastMismatch()));
    b.entry(u"bob"_s, {{u"rating"_s, 1500}});
    QJsonObject pa, pb;
    QVERIFY2(a.expect(u"prepare"_s, &pa), qPrintable(a.lastMismatch()));
    QVERIFY2(b.expect(u"prepare"_s, &pb), qPrintable(b.lastMismatch()));
    QCOMPARE(pa[u"pairId"_s], pb[u"pairId"_s]);
    QCOMPARE(pa[u"users"_s], pb[u"users"_s]);
    QCOMPARE(pa[u"users"_s][0][u"userId"_s].toString(), u"bob"_s);
    QCOMPARE(pa[u"users"_s][0][u"rating"_s].toInt(), 1500);
    QVERIFY(pa[u"token"_s] != pb[u"token"_s]);
    const QString pairId = pa[u"pairId"_s].toString();

    TestPlayer ra, rb;
    QVERIFY(ra.open(server.roundUrl(pairId.toLatin1())));
    QVERIFY(rb.open(server.roundUrl(pairId.toLatin1())));
    ra.prepared(u"alice"_s, pa[u"token"_s].toString());
    QVERIFY2(ra.expect(u"wait"_s), qPrintable(ra.lastMismatch()));
    rb.prepared(u"bob"_s, pb[u"token"_s].toString());
    QVERIFY2(ra.expect(u"start"_s), qPrintable(ra.lastMismatch()));
    QVERIFY2(rb.expect(u"start"_s), qPrintable(rb.lastMismatch()));
    ra.game(QJsonObject {{u"card"_s, u"A♠"_s}});
    QJsonObject ga, gb;
    QVERIFY2(ra.expect(u"game"_s, &ga), qPrintable(ra.lastMismatch()));
    QVERIFY2(rb.expect(u"game"_s, &gb), qPrintable(rb.lastMismatch()));
    QCOMPARE(ga, gb);
    QCOMPARE(ga[u"userId"_s].toString(), u"alice"_s);
    QCOMPARE(ga[u"data"_s][u"card"_s].toString(), u"A♠"_s);
    rb.end();
    QVERIFY2(rb.expect(u"ended"_s), qPrintable(rb.lastMismatch()));
    QVERIFY(rb.sync());
    QCOMPARE(rb.pendingCount(), 0);
}

QTEST_GUILESS_MAIN(TestExample)
#include "tst_example.moc"
