#include "closecodes.h"

#include <array>

namespace pairmatch {

using namespace Qt::StringLiterals;

CloseCauseInfo closeCause(CloseCause cause)
{
    switch (cause) {
    case CloseCause::OpponentMissing:
        return {CloseCode::Normal, "opponent did not arrive"_L1};
    case CloseCause::PingTimeout:
        return {CloseCode::GoingAway, "ping timeout"_L1};
    case CloseCause::Shutdown:
        return {CloseCode::GoingAway, "server shutting down"_L1};
    case CloseCause::ProtocolError:
        return {CloseCode::ProtocolError, "protocol error"_L1};
    case CloseCause::InvalidUtf8:
        return {CloseCode::InvalidPayload, "invalid UTF-8"_L1};
    case CloseCause::RateLimited:
        return {CloseCode::PolicyViolation, "rate limited"_L1};
    case CloseCause::SlowReader:
        return {CloseCode::PolicyViolation, "too slow: send buffer full"_L1};
    case CloseCause::TooBig:
        return {CloseCode::TooBig, "message too big"_L1};
    case CloseCause::Kicked:
        return {CloseCode::Kicked, "kicked by operator"_L1};
    case CloseCause::Replaced:
        return {CloseCode::Replaced, "replaced"_L1};
    }
    Q_UNREACHABLE();
    return {};
}

QLatin1StringView closeCodeMeaning(int code)
{
    switch (code) {
    case CloseCode::Normal:
        return "normal (after invalid)"_L1;
    case CloseCode::GoingAway:
        return "going away (dead peer or shutdown)"_L1;
    case CloseCode::ProtocolError:
        return "protocol error"_L1;
    case CloseCode::NoStatus:
        return "no status code"_L1;
    case CloseCode::Abnormal:
        return "no closing handshake"_L1;
    case CloseCode::InvalidPayload:
        return "not UTF-8"_L1;
    case CloseCode::PolicyViolation:
        return "policy (rate limit, slow reader)"_L1;
    case CloseCode::TooBig:
        return "frame too large"_L1;
    case CloseCode::InternalError:
        return "internal error"_L1;
    case CloseCode::Kicked:
        return "kicked by operator"_L1;
    case CloseCode::Replaced:
        return "replaced (takeover)"_L1;
    default:
        return {};
    }
}

std::span<const quint16> serverCloseCodes()
{
    static constexpr std::array<quint16, 8> codes {CloseCode::Normal, CloseCode::GoingAway,
        CloseCode::ProtocolError, CloseCode::InvalidPayload, CloseCode::PolicyViolation,
        CloseCode::TooBig, CloseCode::Kicked, CloseCode::Replaced};
    return codes;
}

} // namespace pairmatch
