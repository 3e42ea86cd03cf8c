// The counters /metrics reports that only events can tell (gauges such as connections,
// queues and pairs are read from the state when scraped). The operators' view keeps them,
// counting from the Output the machines already emit, the forced disconnects and the
// refusals: nothing is counted per move (moves are the pair table's own total).
#pragma once

#include "messages.h"

#include <QLatin1StringView>

#include <array>
#include <map>

namespace pairmatch {

// How a pair came to be over, as /metrics tells them apart (docs/operations.md).
enum class PairOverReason : quint8 {
    Ended, // a player sent `end`
    None, // a player of a started pair left (closed, died, was cut), not by a kick
    Invalid, // the prepare timeout fired by itself
    Expired, // an operator expired it (its prepare timeout fired early)
    Kicked, // an operator kicked a seated player of the started pair; the other got `none`
};
inline constexpr std::size_t kPairOverReasons = 5;

// "ended", "none", "invalid", "expired", "kicked"
inline QLatin1StringView pairOverReasonName(PairOverReason reason)
{
    using namespace Qt::StringLiterals;
    switch (reason) {
    case PairOverReason::Ended:
        return "ended"_L1;
    case PairOverReason::None:
        return "none"_L1;
    case PairOverReason::Invalid:
        return "invalid"_L1;
    case PairOverReason::Expired:
        return "expired"_L1;
    case PairOverReason::Kicked:
        return "kicked"_L1;
    }
    return {};
}

struct MetricCounters {
    std::array<quint64, 2> connectionsOpened {}; // by Endpoint
    quint64 matches = 0;
    std::array<quint64, kPairOverReasons> pairsOver {}; // by PairOverReason
    std::array<quint64, kErrorCodeCount> errorsSent {}; // by ErrorCode
    std::map<int, quint64> handshakesRefused; // by HTTP status
    std::map<quint16, quint64> forcedDisconnects; // by close code
    quint64 takeovers = 0;
    quint64 deadPeers = 0; // closed for not answering pings
};

} // namespace pairmatch
