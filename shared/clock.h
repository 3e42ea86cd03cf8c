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
    // Told when the clock's time jumps instead of flowing (a test's clock moved by hand), so
    // that whoever waits for a deadline on it looks again.
    class Listener
    {
    public:
        virtual void clockJumped() = 0;

    protected:
        ~Listener() = default;
    };

    virtual ~Clock() = default;
    virtual Millis now() const = 0;
    // A real clock never jumps: these do nothing unless a clock can.
    virtual void addListener(Listener *) const { }
    virtual void removeListener(Listener *) const { }
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
