// A clock the test moves by hand, so timeouts are driven without sleeping.
#pragma once

#include "clock.h"

namespace pairmatch::test {

class FakeClock final : public Clock
{
public:
    explicit FakeClock(Millis start = 1'000'000)
        : m_now(start)
    { }
    Millis now() const override { return m_now; }
    void advance(Millis ms) { m_now += ms; }
    void set(Millis t) { m_now = t; }

private:
    Millis m_now;
};

} // namespace pairmatch::test
