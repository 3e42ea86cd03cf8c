// Admission (pure): the rules every incoming frame meets before the codec. protocol.md,
// "Errors" and "Limits": a binary frame is `bad_frame` and the connection stays open; over
// the message rate a connection gets `rate_limited` and is closed with 1008.
#include "admission.h"
#include "fakeclock.h"
#include "outputtext.h"

#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

class TestAdmission final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textWithinRateGoesToTheCodec();
    void overRateIsRateLimitedThenClosed1008();
    void binaryFrameIsBadFrame();
    void binaryFrameCountsAgainstTheRate();
    void rateComesBackOverTime();
    void noLimitAdmitsEverything();
};

void TestAdmission::textWithinRateGoesToTheCodec()
{
    FakeClock clock;
    const Admission admission(RateConfig {50, 100});
    RateLimiter::Bucket bucket = admission.fullBucket(clock.now());
    Output out;
    for (int i = 0; i < 100; ++i)
        QVERIFY(admission.text(7, bucket, clock, out));
    QCOMPARE(describeEffects(out), QStringList());
}

void TestAdmission::overRateIsRateLimitedThenClosed1008()
{
    FakeClock clock;
    const Admission admission(RateConfig {50, 100});
    RateLimiter::Bucket bucket = admission.fullBucket(clock.now());
    Output out;
    for (int i = 0; i < 100; ++i)
        QVERIFY(admission.text(7, bucket, clock, out));
    QVERIFY(!admission.text(7, bucket, clock, out));
    QCOMPARE(
        describeEffects(out), (QStringList {u"send 7 error:rate_limited"_s, u"close 7 1008"_s}));
    QCOMPARE(out.effects[1].reason, "rate limited"_L1);
    QCOMPARE(out.errors.size(), 1u);
    QCOMPARE(out.errors[0].code, ErrorCode::RateLimited);
}

void TestAdmission::binaryFrameIsBadFrame()
{
    FakeClock clock;
    const Admission admission(RateConfig {50, 100});
    RateLimiter::Bucket bucket = admission.fullBucket(clock.now());
    Output out;
    admission.binary(3, bucket, clock, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 3 error:bad_frame"_s}); // no close
}

void TestAdmission::binaryFrameCountsAgainstTheRate()
{
    FakeClock clock;
    const Admission admission(RateConfig {1, 2});
    RateLimiter::Bucket bucket = admission.fullBucket(clock.now());
    Output out;
    admission.binary(3, bucket, clock, out);
    QVERIFY(admission.text(3, bucket, clock, out));
    out.clear();
    admission.binary(3, bucket, clock, out);
    QCOMPARE(
        describeEffects(out), (QStringList {u"send 3 error:rate_limited"_s, u"close 3 1008"_s}));
}

void TestAdmission::rateComesBackOverTime()
{
    FakeClock clock;
    const Admission admission(RateConfig {10, 1}); // one every 100 ms, no more at once
    RateLimiter::Bucket bucket = admission.fullBucket(clock.now());
    Output out;
    QVERIFY(admission.text(1, bucket, clock, out));
    clock.advance(99);
    Output over;
    QVERIFY(!admission.text(1, bucket, clock, over));
    QCOMPARE(
        describeEffects(over), (QStringList {u"send 1 error:rate_limited"_s, u"close 1 1008"_s}));
    clock.advance(1); // 100 ms after the first: one token back
    QVERIFY(admission.text(1, bucket, clock, out));
    QCOMPARE(describeEffects(out), QStringList());
}

void TestAdmission::noLimitAdmitsEverything()
{
    FakeClock clock;
    const Admission admission(RateConfig {0, 1});
    RateLimiter::Bucket bucket = admission.fullBucket(clock.now());
    Output out;
    for (int i = 0; i < 10'000; ++i)
        QVERIFY(admission.text(1, bucket, clock, out));
    QCOMPARE(describeEffects(out), QStringList());
}

QTEST_GUILESS_MAIN(TestAdmission)
#include "tst_admission.moc"
