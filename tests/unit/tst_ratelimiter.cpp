// RateLimiter: the per-connection token bucket (50 messages a second, bursts of 100 by
// default), driven by explicit `now` values, never by sleeping.
#include "ratelimiter.h"

#include <QTest>

#include <limits>

using namespace pairmatch;

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

} // namespace

class TestRateLimiter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void burst();
    void refill();
    void refillIsCapped();
    void sustained();
    void disabledAtZero();
    void largeTimeGaps();
    void hugeRate();
    void timeGoingBackwards();
};

void TestRateLimiter::defaults()
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

void TestRateLimiter::burst()
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

void TestRateLimiter::refill()
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

void TestRateLimiter::refillIsCapped()
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

void TestRateLimiter::sustained()
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

void TestRateLimiter::disabledAtZero()
{
    const RateLimiter limiter({0, 100});
    QVERIFY(!limiter.isEnabled());
    RateLimiter::Bucket bucket; // even an empty bucket
    for (int i = 0; i < 100'000; ++i)
        QVERIFY(limiter.take(bucket, 0));
    QCOMPARE(bucket.milliTokens, 0); // untouched
}

void TestRateLimiter::largeTimeGaps()
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

void TestRateLimiter::hugeRate()
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

void TestRateLimiter::timeGoingBackwards()
{
    const RateLimiter limiter({50, 100});
    RateLimiter::Bucket bucket = limiter.fullBucket(10'000);
    QCOMPARE(takeAll(limiter, bucket, 10'000), 100);
    // an earlier `now` neither refills nor moves `last` back
    QCOMPARE(takeAll(limiter, bucket, 0), 0);
    QCOMPARE(bucket.last, Millis(10'000));
    QCOMPARE(takeAll(limiter, bucket, 10'020), 1);
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
