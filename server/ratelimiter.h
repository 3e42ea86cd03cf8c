// Per-connection message rate limit: a token bucket (pure). Each message takes one token;
// tokens come back at `perSecond` up to `burst`. Integer arithmetic in thousandths.
#pragma once

#include "clock.h"

namespace pairmatch {

struct RateConfig {
    qint64 perSecond = 50; // 0: no limit
    qint64 burst = 100;
};

class RateLimiter final
{
public:
    struct Bucket {
        qint64 milliTokens = 0;
        Millis last = 0;
    };

    explicit RateLimiter(RateConfig config = {})
        : m_config(config)
    { }

    bool isEnabled() const { return m_config.perSecond > 0; }
    Bucket fullBucket(Millis now) const { return {m_config.burst * 1000, now}; }

    // Takes a token for one message at `now`; false when the bucket is empty (over the rate).
    bool take(Bucket &bucket, Millis now) const
    {
        if (!isEnabled())
            return true;
        if (now > bucket.last) {
            const qint64 cap = m_config.burst * 1000;
            const qint64 elapsed = now - bucket.last;
            // perSecond tokens a second are perSecond thousandths a millisecond
            bucket.milliTokens = elapsed >= cap / qMax<qint64>(1, m_config.perSecond) + 1
                ? cap
                : qMin(cap, bucket.milliTokens + elapsed * m_config.perSecond);
            bucket.last = now;
        }
        if (bucket.milliTokens < 1000)
            return false;
        bucket.milliTokens -= 1000;
        return true;
    }

private:
    RateConfig m_config;
};

} // namespace pairmatch
