// The one catalogue of WebSocket close codes pairmatch sends or reports (RFC 6455 section
// 7.4.1 and the protocol's own 4000/4001), and of the reasons the server closes a
// connection, each with the code and the reason text it sends. The server, the dashboard and
// the tests read codes and meanings from here; nobody writes a bare 1008.
#pragma once

#include <QLatin1StringView>
#include <QtGlobal>

#include <span>

namespace pairmatch {

namespace CloseCode {
inline constexpr quint16 Normal = 1000;
inline constexpr quint16 GoingAway = 1001;
inline constexpr quint16 ProtocolError = 1002;
inline constexpr quint16 NoStatus = 1005; // never on the wire: a close frame without a code
inline constexpr quint16 Abnormal = 1006; // never on the wire: the TCP connection just ended
inline constexpr quint16 InvalidPayload = 1007; // text that is not UTF-8
inline constexpr quint16 PolicyViolation = 1008;
inline constexpr quint16 TooBig = 1009;
inline constexpr quint16 InternalError = 1011;
inline constexpr quint16 Kicked = 4000;
inline constexpr quint16 Replaced = 4001;
} // namespace CloseCode

// Why the server closes a connection on its own. Each cause has one code and one reason.
enum class CloseCause : quint8 {
    OpponentMissing, // 1000 after `invalid`
    PingTimeout, // 1001
    Shutdown, // 1001
    ProtocolError, // 1002, a WebSocket protocol error
    InvalidUtf8, // 1007
    RateLimited, // 1008 after `rate_limited`
    SlowReader, // 1008, unsent output over the limit
    TooBig, // 1009, a frame or message over the limit
    Kicked, // 4000, by an operator
    Replaced, // 4001, takeover
};

struct CloseCauseInfo {
    quint16 code;
    QLatin1StringView reason; // as sent in the close frame
};

CloseCauseInfo closeCause(CloseCause cause);

// What a close code means, for operators: "policy (rate limit, slow reader)"; empty for a
// code pairmatch does not use.
QLatin1StringView closeCodeMeaning(int code);

// The codes the server itself closes connections with, in numeric order.
std::span<const quint16> serverCloseCodes();

// Whether a peer may send this code in a close frame (RFC 6455 section 7.4, as the `ws`
// library reads it): 1000-1014 except 1004 (reserved), 1005 and 1006 (never on the wire),
// and 3000-4999 (registered and private use). Any other code fails the connection (1002).
constexpr bool isValidWireCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1014 && code != 1004 && code != CloseCode::NoStatus
               && code != CloseCode::Abnormal)
        || (code >= 3000 && code <= 4999);
}

} // namespace pairmatch
