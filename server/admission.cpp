#include "admission.h"

namespace pairmatch {

bool Admission::text(
    ConnId conn, RateLimiter::Bucket &bucket, const Clock &clock, Output &out) const
{
    // The clock is read only when a limit applies: most servers under load run without one.
    if (m_rate.take(bucket, m_rate.isEnabled() ? clock.now() : 0))
        return true;
    out.sendError(conn, ErrorCode::RateLimited);
    out.close(conn, CloseCause::RateLimited);
    return false;
}

void Admission::binary(
    ConnId conn, RateLimiter::Bucket &bucket, const Clock &clock, Output &out) const
{
    if (text(conn, bucket, clock, out))
        out.sendError(conn, ErrorCode::BadFrame);
}

} // namespace pairmatch
