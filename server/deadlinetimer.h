// One QTimer for many deadlines: armed at the earliest deadline the owner reports, it
// fires the callback, which advances the machines and re-arms. Firing early is harmless.
#pragma once

#include "clock.h"
#include "deadlinequeue.h"

#include <QTimer>

#include <functional>

namespace pairmatch {

class DeadlineTimer final
{
public:
    DeadlineTimer(const Clock &clock, std::function<void()> onFire);
    Q_DISABLE_COPY_MOVE(DeadlineTimer)

    // Fire at (or soon after) `deadline`; kNoDeadline: not at all. A later deadline than the
    // one armed leaves the timer as it is.
    void arm(Millis deadline);

private:
    const Clock &m_clock;
    QTimer m_timer;
    Millis m_armed = kNoDeadline;
};

} // namespace pairmatch
