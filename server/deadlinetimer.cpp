#include "deadlinetimer.h"

namespace pairmatch {

DeadlineTimer::DeadlineTimer(const Clock &clock, std::function<void()> onFire)
    : m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.callOnTimeout(std::move(onFire));
    m_clock.addListener(this);
}

DeadlineTimer::~DeadlineTimer()
{
    m_clock.removeListener(this);
}

void DeadlineTimer::arm(Millis deadline)
{
    if (deadline == kNoDeadline) {
        m_timer.stop();
        m_armed = kNoDeadline;
        return;
    }
    if (m_timer.isActive() && m_armed <= deadline)
        return;
    m_armed = deadline;
    start();
}

void DeadlineTimer::clockJumped()
{
    if (m_timer.isActive())
        start();
}

void DeadlineTimer::start()
{
    const Millis wait = m_armed - m_clock.now();
    m_timer.start(int(std::clamp<Millis>(wait, 0, 24LL * 3600 * 1000)));
}

} // namespace pairmatch
