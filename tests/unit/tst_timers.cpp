// The pure timing machines: RateLimiter (token bucket), PingScheduler (ping interval and
// timeout) and DeadlineQueue, driven by explicit `now` values, never by sleeping.
#include "deadlinequeue.h"
#include "pingscheduler.h"
#include "ratelimiter.h"

#include <QByteArray>
#include <QTest>

#include <limits>
#include <vector>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

// How many messages the bucket lets through at `now`, trying up to `max`.
int takeAll(
    const RateLimiter &limiter, RateLimiter::Bucket &bucket, Millis now, int max = 1'000'000)
{
    int n = 0;
    while (n < max && limiter.take(bucket, now))
        ++n;
    return n;
}

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

class TestTimers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // RateLimiter
    void rateDefaults();
    void rateBurst();
    void rateRefill();
    void rateRefillIsCapped();
    void rateSustained();
    void rateDisabledAtZero();
    void rateLargeTimeGaps();
    void rateHugeRate();
    void rateTimeGoingBackwards();

    // PingScheduler
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

    // DeadlineQueue
    void deadlineQueueEmpty();
    void deadlineQueueOrder();
    void deadlineQueuePushWhilePopping();
};

// ------------------------------------------------------------------------------------------
// RateLimiter

void TestTimers::rateDefaults()
{
    const RateConfig config;
    QCOMPARE(config.perSecond, 50); // the protocol's 50 per second, burst 100
    QCOMPARE(config.burst, 100);
    const RateLimiter limiter;
    QVERIFY(limiter.isEnabled());
    const RateLimiter::Bucket full = limiter.fullBucket(5000);
    QCOMPARE(full.milliTokens, 100'000);
    QCOMPARE(full.last, Millis(5000));
}

void TestTimers::rateBurst()
{
    const RateLimiter limiter({50, 100});
    RateLimiter::Bucket bucket = limiter.fullBucket(1000);
    QCOMPARE(takeAll(limiter, bucket, 1000), 100);
    QVERIFY(!limiter.take(bucket, 1000));
    QCOMPARE(bucket.milliTokens, 0);
    // a refused message takes nothing
    QVERIFY(!limiter.take(bucket, 1000));
    QCOMPARE(bucket.milliTokens, 0);
}

void TestTimers::rateRefill()
{
    const RateLimiter limiter({50, 100}); // one token every 20 ms
    RateLimiter::Bucket bucket = limiter.fullBucket(0);
    QCOMPARE(takeAll(limiter, bucket, 0), 100);
    QVERIFY(!limiter.take(bucket, 19)); // 0.95 of a token
    QCOMPARE(bucket.milliTokens, 950);
    QVERIFY(limiter.take(bucket, 20));
    QCOMPARE(bucket.milliTokens, 0);
    QVERIFY(!limiter.take(bucket, 20));
    // one second gives 50
    QCOMPARE(takeAll(limiter, bucket, 1020), 50);
    // fractions add up: 10 ms twice is one token
    QVERIFY(!limiter.take(bucket, 1030));
    QVERIFY(limiter.take(bucket, 1040));
}

void TestTimers::rateRefillIsCapped()
{
    const RateLimiter limiter({50, 100});
    RateLimiter::Bucket bucket = limiter.fullBucket(0);
    QCOMPARE(takeAll(limiter, bucket, 0, 10), 10);
    // 10 s would be 500 tokens: the bucket holds 100
    QCOMPARE(takeAll(limiter, bucket, 10'000), 100);
    // exactly the time to refill the whole bucket (2 s), and just below it
    QCOMPARE(takeAll(limiter, bucket, 12'000), 100);
    QCOMPARE(takeAll(limiter, bucket, 13'999), 99);
}

void TestTimers::rateSustained()
{
    const RateLimiter limiter({50, 100});
    RateLimiter::Bucket bucket = limiter.fullBucket(0);
    QCOMPARE(takeAll(limiter, bucket, 0), 100);
    // at exactly the rate, for a minute: every message passes
    for (Millis t = 20; t <= 60'000; t += 20)
        QVERIFY2(limiter.take(bucket, t), qPrintable(QString::number(t)));
    // faster than the rate (every 10 ms): every second one passes
    int passed = 0;
    for (Millis t = 60'010; t <= 70'000; t += 10)
        passed += limiter.take(bucket, t);
    QCOMPARE(passed, 500);
}

void TestTimers::rateDisabledAtZero()
{
    const RateLimiter limiter({0, 100});
    QVERIFY(!limiter.isEnabled());
    RateLimiter::Bucket bucket; // even an empty bucket
    for (int i = 0; i < 100'000; ++i)
        QVERIFY(limiter.take(bucket, 0));
    QCOMPARE(bucket.milliTokens, 0); // untouched
}

void TestTimers::rateLargeTimeGaps()
{
    const RateLimiter limiter({50, 100});
    RateLimiter::Bucket bucket = limiter.fullBucket(0);
    QCOMPARE(takeAll(limiter, bucket, 0), 100);
    // a gap near the end of qint64 must not overflow into a negative or tiny count
    const Millis far = std::numeric_limits<Millis>::max() / 2;
    QCOMPARE(takeAll(limiter, bucket, far), 100);
    QCOMPARE(bucket.last, far);
    const Millis farther = std::numeric_limits<Millis>::max() - 1;
    QCOMPARE(takeAll(limiter, bucket, farther), 100);
    // a default bucket (last = 0) at a steady-clock time in the far future is full, not more
    RateLimiter::Bucket fresh;
    QCOMPARE(takeAll(limiter, fresh, 9'000'000'000'000), 100);
    // a gap just over 2^63 / rate (where elapsed * rate would overflow)
    RateLimiter::Bucket b2 = limiter.fullBucket(0);
    QCOMPARE(takeAll(limiter, b2, 0), 100);
    QCOMPARE(takeAll(limiter, b2, std::numeric_limits<Millis>::max() / 50 + 1), 100);
}

void TestTimers::rateHugeRate()
{
    // the largest values the options accept
    const RateLimiter limiter({1'000'000'000, 1'000'000'000});
    RateLimiter::Bucket bucket = limiter.fullBucket(0);
    QCOMPARE(takeAll(limiter, bucket, 0, 2'000'000), 2'000'000);
    QCOMPARE(bucket.milliTokens, 998'000'000'000);
    // a millisecond brings a million tokens back
    bucket.milliTokens = 0;
    QCOMPARE(takeAll(limiter, bucket, 1, 2'000'000), 1'000'000);
    // a long gap fills it to the brim, no overflow
    QCOMPARE(limiter.take(bucket, 1'000'000'000'000), true);
    QCOMPARE(bucket.milliTokens, 1'000'000'000'000 - 1000);

    // burst 1 with a high rate: never more than one at once
    const RateLimiter single({1'000'000, 1});
    RateLimiter::Bucket b = single.fullBucket(0);
    QCOMPARE(takeAll(single, b, 0), 1);
    QCOMPARE(takeAll(single, b, 1), 1);
    QCOMPARE(takeAll(single, b, 1'000'000), 1);
}

void TestTimers::rateTimeGoingBackwards()
{
    const RateLimiter limiter({50, 100});
    RateLimiter::Bucket bucket = limiter.fullBucket(10'000);
    QCOMPARE(takeAll(limiter, bucket, 10'000), 100);
    // an earlier `now` neither refills nor moves `last` back
    QCOMPARE(takeAll(limiter, bucket, 0), 0);
    QCOMPARE(bucket.last, Millis(10'000));
    QCOMPARE(takeAll(limiter, bucket, 10'020), 1);
}

// ------------------------------------------------------------------------------------------
// PingScheduler

void TestTimers::pingAfterInterval()
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

void TestTimers::deadAfterTimeout()
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

void TestTimers::pongClears()
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

void TestTimers::pongWithoutPingIsHarmless()
{
    PingScheduler s({20'000, 10'000});
    s.pong(42); // unknown
    s.add(7, 0);
    s.pong(7); // before any ping
    QCOMPARE(advance(s, 20'000).ping, Conns {7});
    QCOMPARE(advance(s, 30'000).dead, Conns {7}); // the early pong did not count
}

void TestTimers::removedConnectionsLapse()
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

void TestTimers::removeWhileAwaiting()
{
    PingScheduler s({20'000, 10'000});
    s.add(7, 0);
    QCOMPARE(advance(s, 20'000).ping, Conns {7});
    s.remove(7);
    const Tick t = advance(s, 30'000);
    QVERIFY(t.dead.empty()); // a closed connection is not reported dead
}

void TestTimers::timeoutLongerThanInterval()
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

void TestTimers::timeoutLongerThanIntervalWithPong()
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

void TestTimers::manyConnectionsInOrder()
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

void TestTimers::longPauseGivesOnePing()
{
    // the process was stopped for a long time: one ping, not one per missed interval
    PingScheduler s({20'000, 10'000});
    s.add(7, 0);
    Tick t = advance(s, 10'000'000);
    QCOMPARE(t.ping, Conns {7});
    QVERIFY(t.dead.empty()); // it gets its full timeout to answer
    QCOMPARE(s.nextDeadline(), Millis(10'010'000));
}

// ------------------------------------------------------------------------------------------
// DeadlineQueue

void TestTimers::deadlineQueueEmpty()
{
    DeadlineQueue<int> q;
    QVERIFY(q.isEmpty());
    QCOMPARE(q.size(), std::size_t(0));
    QCOMPARE(q.nextDeadline(), kNoDeadline);
    int calls = 0;
    q.popDue(std::numeric_limits<Millis>::max(), [&](int) { ++calls; });
    QCOMPARE(calls, 0);
}

void TestTimers::deadlineQueueOrder()
{
    DeadlineQueue<QByteArray> q;
    q.push(100, "a");
    q.push(100, "b");
    q.push(200, "c");
    q.push(300, "d");
    QCOMPARE(q.size(), std::size_t(4));
    QCOMPARE(q.nextDeadline(), Millis(100));
    QList<QByteArray> popped;
    q.popDue(99, [&](const QByteArray &k) { popped << k; });
    QVERIFY(popped.isEmpty());
    q.popDue(200, [&](const QByteArray &k) { popped << k; }); // inclusive
    QCOMPARE(popped, (QList<QByteArray> {"a", "b", "c"}));
    QCOMPARE(q.nextDeadline(), Millis(300));
    QCOMPARE(q.size(), std::size_t(1));
    q.popDue(1000, [&](const QByteArray &k) { popped << k; });
    QCOMPARE(popped.size(), 4);
    QVERIFY(q.isEmpty());
    QCOMPARE(q.nextDeadline(), kNoDeadline);
}

void TestTimers::deadlineQueuePushWhilePopping()
{
    DeadlineQueue<int> q;
    q.push(10, 1);
    q.push(20, 2);
    QList<int> popped;
    // each key due re-arms itself 15 later; those due by `now` are popped in the same call
    q.popDue(40, [&](int k) {
        popped << k;
        if (k < 100)
            q.push(popped.size() * 15 + 10, k + 100);
    });
    // 1@10 pushes 101@25, 2@20 pushes 102@40; both are due by 40 and popped too
    QCOMPARE(popped, (QList<int> {1, 2, 101, 102}));
    QVERIFY(q.isEmpty());
}

QTEST_GUILESS_MAIN(TestTimers)
#include "tst_timers.moc"
