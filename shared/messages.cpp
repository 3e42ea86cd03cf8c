#include "messages.h"

#include <array>

namespace pairmatch {

namespace {

struct ErrorText {
    QLatin1StringView name;
    QLatin1StringView message;
};

using namespace Qt::StringLiterals;

constexpr std::array<ErrorText, kErrorCodeCount> kErrors {{
    {"bad_json"_L1, "Every message must be a JSON object with a string \"command\"."_L1},
    {"bad_frame"_L1, "Binary frames are not accepted; send JSON text frames."_L1},
    {"unknown_command"_L1, "This endpoint does not take that command."_L1},
    {"bad_user"_L1,
        "The \"user\" must be an object with a \"userId\" of 1 to 64 characters from "
        "[A-Za-z0-9_.@-]."_L1},
    {"duplicate_user"_L1, "This userId is already waiting in a queue."_L1},
    {"already_queued"_L1, "This connection already waits in a queue."_L1},
    {"not_queued"_L1, "This connection does not wait in a queue."_L1},
    {"unknown_pair"_L1, "No pair with this pairId exists (never issued, or already over)."_L1},
    {"not_in_pair"_L1, "This userId and token do not belong to this pair."_L1},
    {"already_seated"_L1, "This connection already holds a seat."_L1},
    {"not_prepared"_L1, "Send \"prepared\" first."_L1},
    {"not_started"_L1, "The pair has not started yet."_L1},
    {"ended"_L1, "The pair has ended."_L1},
    {"too_large"_L1, "The \"data\" or \"user\" is over its size limit."_L1},
    {"rate_limited"_L1, "Too many messages; closing the connection."_L1},
    {"draining"_L1, "The server is draining and takes no new entries; try another server."_L1},
    {"unavailable"_L1,
        "This server has lost its link to the cluster and cannot match or seat you now; try "
        "again shortly or another server."_L1},
    {"bad_seq"_L1,
        "\"lastSeq\" must be a whole number from 0 to the last seq this pair has sent."_L1},
    {"replay_unavailable"_L1,
        "The server no longer keeps the moves after this \"lastSeq\"; send \"prepared\" "
        "without \"lastSeq\" to take the seat without them."_L1},
}};

} // namespace

QLatin1StringView errorCodeName(ErrorCode code)
{
    return kErrors[std::size_t(code)].name;
}

QLatin1StringView errorCodeMessage(ErrorCode code)
{
    return kErrors[std::size_t(code)].message;
}

QLatin1StringView commandName(Command command)
{
    switch (command) {
    case Command::Entry:
        return "entry"_L1;
    case Command::Cancel:
        return "cancel"_L1;
    case Command::Prepared:
        return "prepared"_L1;
    case Command::Game:
        return "game"_L1;
    case Command::End:
        return "end"_L1;
    }
    return {};
}

QLatin1StringView pairStateName(PairState state)
{
    switch (state) {
    case PairState::Issued:
        return "issued"_L1;
    case PairState::Waiting:
        return "waiting"_L1;
    case PairState::Started:
        return "started"_L1;
    case PairState::Ended:
        return "ended"_L1;
    case PairState::Over:
        return "over"_L1;
    }
    return {};
}

QLatin1StringView pairOutcomeName(PairOutcome outcome)
{
    switch (outcome) {
    case PairOutcome::Ended:
        return "ended"_L1;
    case PairOutcome::None:
        return "none"_L1;
    case PairOutcome::Invalid:
        return "invalid"_L1;
    }
    return {};
}

} // namespace pairmatch
