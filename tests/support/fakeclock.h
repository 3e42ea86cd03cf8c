// A clock the test moves by hand, so timeouts are driven without sleeping. Moving it tells
// every DeadlineTimer on it, which fires on the next pass of the event loop if its deadline
// is now due: a test advances the clock, then waits for what the timeout does.
#pragma once

#include "clock.h"

#include <algorithm>
#include <vector>

namespace pairmatch::test {

class FakeClock final : public Clock
{
public:
    explicit FakeClock(Millis start = 1'000'000)
        : m_now(start)
    { }
    Millis now() const override { return m_now; }
    void advance(Millis ms) { set(m_now + ms); }
    void set(Millis t)
    {
        m_now = t;
        const std::vector<Listener *> listeners = m_listeners; // one may leave while told
        for (Listener *l : listeners) {
            if (std::find(m_listeners.begin(), m_listeners.end(), l) != m_listeners.end())
                l->clockJumped();
        }
    }

    void addListener(Listener *listener) const override { m_listeners.push_back(listener); }
    void removeListener(Listener *listener) const override
    {
        m_listeners.erase(
            std::remove(m_listeners.begin(), m_listeners.end(), listener), m_listeners.end());
    }

private:
    Millis m_now;
    mutable std::vector<Listener *> m_listeners;
};

} // namespace pairmatch::test
