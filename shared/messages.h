// Player-facing message vocabulary of the wire protocol (docs/protocol.md): endpoints,
// commands, error codes, and the decoded form of a client message.
#pragma once

#include <QAnyStringView>
#include <QByteArray>
#include <QLatin1StringView>

#include <cstdint>

namespace pairmatch {

enum class Endpoint : quint8 { Matching, Round };

// Every error code the server sends ({"command":"error","code":...}).
enum class ErrorCode : quint8 {
    BadJson,
    BadFrame,
    UnknownCommand,
    BadUser,
    DuplicateUser,
    AlreadyQueued,
    NotQueued,
    UnknownPair,
    NotInPair,
    AlreadySeated,
    NotPrepared,
    NotStarted,
    Ended,
    TooLarge,
    RateLimited,
    Draining,
    Unavailable,
    BadSeq,
    ReplayUnavailable,
};
inline constexpr int kErrorCodeCount = int(ErrorCode::ReplayUnavailable) + 1;

// "bad_json", "bad_frame", ... as on the wire.
QLatin1StringView errorCodeName(ErrorCode code);
// The human-readable sentence sent in "message".
QLatin1StringView errorCodeMessage(ErrorCode code);

// Commands a client may send.
enum class Command : quint8 { Entry, Cancel, Prepared, Game, End };
QLatin1StringView commandName(Command command);

// Where a pair is in its life (for logs, the dashboard and the admin API).
enum class PairState : quint8 {
    Issued, // matched, nobody seated
    Waiting, // one seat taken
    Started, // both seated, moves flow
    Ended, // `end` received
    Over, // none or invalid
};
QLatin1StringView pairStateName(PairState state); // "issued", "waiting", ...

// How a pair ended.
enum class PairOutcome : quint8 {
    Ended, // a player sent `end`
    None, // a player left a started pair; the other got `none`
    Invalid, // the prepare timeout fired before both seats were taken
};
QLatin1StringView pairOutcomeName(PairOutcome outcome); // "ended", "none", "invalid"

// A half-open range [begin, end) of code units in the decoded text.
struct Span {
    qsizetype begin = -1;
    qsizetype end = -1;
    bool isValid() const { return begin >= 0; }
};

// A decoded client message. The spans point into the text it was decoded from (source),
// which must outlive it; nothing is copied until a field is used.
struct ClientMessage {
    Command command = Command::Entry;
    QAnyStringView source; // the whole message text (UTF-16 or UTF-8)

    // entry, prepared: the validated user object and its id
    Span user;
    qsizetype userBytes = 0; // compact UTF-8 size of the user object
    QByteArray userId; // [A-Za-z0-9_.@-]{1,64}

    // prepared: the token, when it was a string (decoded)
    QByteArray token;
    bool hasToken = false;
    // prepared: the `lastSeq` given (0 to 2^53), -1 when absent
    qint64 lastSeq = -1;

    // game: the data value (invalid span: absent, relayed as null)
    Span data;
    qsizetype dataBytes = 4; // compact UTF-8 size ("null" when absent)
    bool dataTooLarge = false;
};

} // namespace pairmatch
