// PingScheduler: when each connection is pinged and when an unanswered ping makes it dead,
// driven by explicit `now` values, never by sleeping.
#include "pingscheduler.h"

#include <QTest>

#include <vector>

using namespace pairmatch;

namespace {

struct Tick {
    std::vector<ConnId> ping;
    std::vector<ConnId> dead;
};

Tick advance(PingScheduler &s, Millis now)
{
    Tick t;
    s.advance(now, t.ping, t.dead);
    return t;
}

using Conns = std::vector<ConnId>;

} // namespace

class TestPingScheduler final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pingAfterInterval();
    void deadAfterTimeout();
    void pongClears();
    void pongWithoutPingIsHarmless();
    void removedConnectionsLapse();
    void removeWhileAwaiting();
    void timeoutLongerThanInterval();
    void timeoutLongerThanIntervalWithPong();
    void manyConnectionsInOrder();
    void longPauseGivesOnePing();
};

void TestPingScheduler::pingAfterInterval()
{
    PingScheduler s({20'000, 10'000});
    QCOMPARE(s.nextDeadline(), kNoDeadline);
    s.add(7, 1000);
    QCOMPARE(s.size(), 1);
    QCOMPARE(s.nextDeadline(), Millis(21'000));
    Tick t = advance(s, 20'999);
    QVERIFY(t.ping.empty());
    QVERIFY(t.dead.empty());
    t = advance(s, 21'000);
    QCOMPARE(t.ping, Conns {7});
    QVERIFY(t.dead.empty());
    // next: the answer is due at 31000 (before the next ping at 41000)
    QCOMPARE(s.nextDeadline(), Millis(31'000));
}

void TestPingScheduler::deadAfterTimeout()
{
    PingScheduler s({20'000, 10'000});
    s.add(7, 0);
    QCOMPARE(advance(s, 20'000).ping, Conns {7});
    Tick t = advance(s, 29'999);
    QVERIFY(t.ping.empty());
    QVERIFY(t.dead.empty());
    t = advance(s, 30'000);
    QCOMPARE(t.dead, Conns {7});
    QVERIFY(t.ping.empty());
    QCOMPARE(s.size(), 0);
    // a dead connection is reported once and never pinged again
    t = advance(s, 1'000'000);
    QVERIFY(t.ping.empty());
    QVERIFY(t.dead.empty());
    QCOMPARE(s.nextDeadline(), kNoDeadline);
}

void TestPingScheduler::pongClears()
{
    PingScheduler s({20'000, 10'000});
    s.add(7, 0);
    QCOMPARE(advance(s, 20'000).ping, Conns {7});
    s.pong(7);
    Tick t = advance(s, 30'000);
    QVERIFY(t.dead.empty());
    QCOMPARE(s.size(), 1);
    t = advance(s, 40'000);
    QCOMPARE(t.ping, Conns {7});
    // without a pong this time: dead at 50000
    t = advance(s, 50'000);
    QCOMPARE(t.dead, Conns {7});
}

void TestPingScheduler::pongWithoutPingIsHarmless()
{
    PingScheduler s({20'000, 10'000});
    s.pong(42); // unknown
    s.add(7, 0);
    s.pong(7); // before any ping
    QCOMPARE(advance(s, 20'000).ping, Conns {7});
    QCOMPARE(advance(s, 30'000).dead, Conns {7}); // the early pong did not count
}

void TestPingScheduler::removedConnectionsLapse()
{
    PingScheduler s({20'000, 10'000});
    s.add(7, 0);
    s.add(8, 0);
    s.remove(7);
    QCOMPARE(s.size(), 1);
    Tick t = advance(s, 20'000);
    QCOMPARE(t.ping, Conns {8});
    s.remove(8);
    t = advance(s, 1'000'000);
    QVERIFY(t.ping.empty());
    QVERIFY(t.dead.empty());
    QCOMPARE(s.size(), 0);
    QCOMPARE(s.nextDeadline(), kNoDeadline);
}

void TestPingScheduler::removeWhileAwaiting()
{
    PingScheduler s({20'000, 10'000});
    s.add(7, 0);
    QCOMPARE(advance(s, 20'000).ping, Conns {7});
    s.remove(7);
    const Tick t = advance(s, 30'000);
    QVERIFY(t.dead.empty()); // a closed connection is not reported dead
}

void TestPingScheduler::timeoutLongerThanInterval()
{
    PingScheduler s({1000, 5000});
    s.add(7, 0);
    QCOMPARE(advance(s, 1000).ping, Conns {7});
    // while the ping waits for its answer no further ping is sent
    for (Millis now = 2000; now < 6000; now += 1000) {
        const Tick t = advance(s, now);
        QVERIFY2(t.ping.empty(), qPrintable(QString::number(now)));
        QVERIFY2(t.dead.empty(), qPrintable(QString::number(now)));
    }
    const Tick t = advance(s, 6000);
    QCOMPARE(t.dead, Conns {7});
    QVERIFY(t.ping.empty());
}

void TestPingScheduler::timeoutLongerThanIntervalWithPong()
{
    PingScheduler s({1000, 5000});
    s.add(7, 0);
    QCOMPARE(advance(s, 1000).ping, Conns {7});
    s.pong(7);
    QCOMPARE(advance(s, 2000).ping, Conns {7}); // serial 2, answer due at 7000
    // the first ping's deadline (6000) belongs to an answered ping: not dead
    QVERIFY(advance(s, 6000).dead.empty());
    const Tick t = advance(s, 7000);
    QCOMPARE(t.dead, Conns {7});
}

void TestPingScheduler::manyConnectionsInOrder()
{
    PingScheduler s({100, 50});
    for (ConnId c = 1; c <= 5; ++c)
        s.add(c, Millis(c)); // pings due at 101..105
    Tick t = advance(s, 103);
    QCOMPARE(t.ping, (Conns {1, 2, 3}));
    QVERIFY(t.dead.empty());
    s.pong(2);
    t = advance(s, 200); // 1 and 3 did not answer by 153
    QCOMPARE(t.dead, (Conns {1, 3}));
    QCOMPARE(t.ping, (Conns {4, 5}));
    t = advance(s, 203); // 2's next ping
    QCOMPARE(t.ping, Conns {2});
    QVERIFY(t.dead.empty());
    s.pong(4);
    t = advance(s, 255); // 5 (due 250) and 2 (due 253) did not answer
    QCOMPARE(t.dead, (Conns {5, 2}));
    QVERIFY(t.ping.empty());
    QCOMPARE(s.size(), 1);
}

void TestPingScheduler::longPauseGivesOnePing()
{
    // the process was stopped for a long time: one ping, not one per missed interval
    PingScheduler s({20'000, 10'000});
    s.add(7, 0);
    Tick t = advance(s, 10'000'000);
    QCOMPARE(t.ping, Conns {7});
    QVERIFY(t.dead.empty()); // it gets its full timeout to answer
    QCOMPARE(s.nextDeadline(), Millis(10'010'000));
}

QTEST_GUILESS_MAIN(TestPingScheduler)
#include "tst_pingscheduler.moc"
