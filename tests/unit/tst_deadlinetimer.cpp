// DeadlineTimer: one QTimer armed at the earliest deadline it is given, read on a FakeClock.
// What it does is seen from its callback; deadlines are either due now (the timer fires on
// the next pass of the event loop) or a day away (it never fires while the test runs).
#include "deadlinetimer.h"
#include "fakeclock.h"

#include <QTest>

using namespace pairmatch;

namespace {

constexpr Millis kDay = 24LL * 3600 * 1000;
// Long enough for a timer due now to have fired many times over.
constexpr int kQuietMs = 200;

} // namespace

class TestDeadlineTimer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void firesAtDueDeadline();
    void pastDeadlineFiresAtOnce();
    void noDeadlineDisarms();
    void earlierDeadlineRearms();
    void laterDeadlineKeepsTheEarlier();
    void firesOncePerArming();
    void waitIsReadFromTheClock();

private:
    test::FakeClock m_clock;
    int m_fired = 0;
    DeadlineTimer m_timer {m_clock, [this] {
                               ++m_fired;
                           }};
};

void TestDeadlineTimer::init()
{
    m_timer.arm(kNoDeadline);
    m_fired = 0;
}

void TestDeadlineTimer::firesAtDueDeadline()
{
    m_timer.arm(m_clock.now());
    QTRY_COMPARE(m_fired, 1);
}

void TestDeadlineTimer::pastDeadlineFiresAtOnce()
{
    m_timer.arm(m_clock.now() - kDay);
    QTRY_COMPARE(m_fired, 1);
}

void TestDeadlineTimer::noDeadlineDisarms()
{
    m_timer.arm(m_clock.now());
    m_timer.arm(kNoDeadline);
    QTest::qWait(kQuietMs);
    QCOMPARE(m_fired, 0);
}

void TestDeadlineTimer::earlierDeadlineRearms()
{
    m_timer.arm(m_clock.now() + kDay);
    m_timer.arm(m_clock.now());
    QTRY_COMPARE(m_fired, 1);
}

void TestDeadlineTimer::laterDeadlineKeepsTheEarlier()
{
    m_timer.arm(m_clock.now());
    m_timer.arm(m_clock.now() + kDay);
    QTRY_COMPARE(m_fired, 1);
}

void TestDeadlineTimer::firesOncePerArming()
{
    m_timer.arm(m_clock.now());
    QTRY_COMPARE(m_fired, 1);
    QTest::qWait(kQuietMs);
    QCOMPARE(m_fired, 1);
    // after firing it is free for any deadline, a later one too
    m_timer.arm(m_clock.now() + kDay);
    QTest::qWait(kQuietMs);
    QCOMPARE(m_fired, 1);
    m_timer.arm(m_clock.now());
    QTRY_COMPARE(m_fired, 2);
}

void TestDeadlineTimer::waitIsReadFromTheClock()
{
    // a deadline a day after an old reading of the clock is due now that a day has passed
    const Millis then = m_clock.now();
    m_clock.advance(kDay);
    m_timer.arm(then + kDay);
    QTRY_COMPARE(m_fired, 1);
    // ... and one a day from now is not
    m_timer.arm(m_clock.now() + kDay);
    QTest::qWait(kQuietMs);
    QCOMPARE(m_fired, 1);
}

QTEST_GUILESS_MAIN(TestDeadlineTimer)
#include "tst_deadlinetimer.moc"
