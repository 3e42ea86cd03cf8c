// What the pure state machines ask the network layer to do. A machine never touches a
// socket: it appends Effects (and Events, for logs and the dashboard) to an Output that the
// caller owns and reuses, and ServerCore carries them out in order.
#pragma once

#include "clock.h"
#include "closecodes.h"
#include "matchhistory.h"
#include "messages.h"

#include <QByteArray>
#include <QLatin1StringView>

#include <array>
#include <vector>

namespace pairmatch {

using ConnId = quint64; // 0 is never a connection

struct Effect {
    enum class Kind : quint8 { Send, Close };
    Kind kind = Kind::Send;
    quint16 closeCode = 0; // Close
    ConnId conn = 0;
    QByteArray frame; // Send: a complete text frame
    QLatin1StringView reason; // Close: a static string

    static Effect send(ConnId to, const QByteArray &frame)
    {
        return {Kind::Send, 0, to, frame, {}};
    }
    static Effect close(ConnId conn, CloseCause cause)
    {
        const CloseCauseInfo info = closeCause(cause);
        return {Kind::Close, info.code, conn, {}, info.reason};
    }
};

// Something that happened to a pair, in the order it happened.
struct PairEvent {
    enum class Kind : quint8 {
        Issued, // matched: the pair exists, nobody seated
        Seated, // a seat was taken (seat, conn)
        Unseated, // a seat was freed before start (seat, conn)
        Replaced, // takeover: conn replaced the seat's previous connection (other)
        Started, // both seated
        Away, // a started pair's seat was freed; its player may take it back within the grace
        Back, // ... and did (seat, conn)
        Over, // outcome set
        Removed, // gone from the table
    };
    Kind kind = Kind::Issued;
    PairOutcome outcome = PairOutcome::Ended; // Over
    qint8 seat = -1;
    ConnId conn = 0;
    ConnId other = 0;
    QByteArray pairId;
    std::array<QByteArray, 2> userIds; // the pair's two users, as matched
};

// Something that happened to a matching queue.
struct QueueEvent {
    enum class Kind : quint8 {
        Joined, // conn waits in the queue of type
        Left, // conn left it (cancel or closed)
        Matched, // conn left it matched with the newcomer `other`
    };
    Kind kind = Kind::Joined;
    qint32 type = 0;
    ConnId conn = 0;
    ConnId other = 0;
    QByteArray userId;
};

// An error answer, for the event log.
struct ErrorSent {
    ConnId conn = 0;
    ErrorCode code = ErrorCode::BadJson;
};

struct Output {
    std::vector<Effect> effects;
    std::vector<PairEvent> events;
    std::vector<QueueEvent> queueEvents;
    std::vector<ErrorSent> errors;
    // Pairs that are over, for the match history (only when PairConfig::recordMatches).
    std::vector<MatchRecord> records;

    void clear()
    {
        effects.clear();
        events.clear();
        queueEvents.clear();
        errors.clear();
        records.clear();
    }
    void send(ConnId to, const QByteArray &frame) { effects.push_back(Effect::send(to, frame)); }
    // {"command":"error",...} to a connection; recorded in `errors` too.
    void sendError(ConnId to, ErrorCode code);
    void close(ConnId conn, CloseCause cause) { effects.push_back(Effect::close(conn, cause)); }
};

} // namespace pairmatch
