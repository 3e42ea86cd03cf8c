// The rules every incoming frame meets before the codec sees it (pure): each counts against
// the connection's message rate, and over the rate the connection gets `rate_limited` and is
// closed with 1008; a binary frame is never a message of the protocol (`bad_frame`, the
// connection stays open).
#pragma once

#include "effects.h"
#include "ratelimiter.h"

namespace pairmatch {

class Admission final
{
public:
    explicit Admission(RateConfig config = {})
        : m_rate(config)
    { }

    RateLimiter::Bucket fullBucket(Millis now) const { return m_rate.fullBucket(now); }

    // A text frame from conn: true when it goes on to the codec; false when it is over the
    // rate (`rate_limited` and the 1008 close are in `out`).
    bool text(ConnId conn, RateLimiter::Bucket &bucket, const Clock &clock, Output &out) const;
    // A binary frame from conn: `bad_frame`, or the rate limit's answer when over the rate.
    void binary(ConnId conn, RateLimiter::Bucket &bucket, const Clock &clock, Output &out) const;

private:
    RateLimiter m_rate;
};

} // namespace pairmatch
