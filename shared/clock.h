// Time for the state machines: milliseconds on a monotonic clock, injected so that tests
// drive timeouts with a fake clock instead of sleeping.
#pragma once

#include <QtGlobal>

#include <chrono>

namespace pairmatch {

using Millis = qint64; // milliseconds since an arbitrary fixed point

class Clock
{
public:
    virtual ~Clock() = default;
    virtual Millis now() const = 0;
};

class SteadyClock final : public Clock
{
public:
    Millis now() const override
    {
        using namespace std::chrono;
        return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
    }
};

} // namespace pairmatch
