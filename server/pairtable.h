// Pairs and their seats (pure: no sockets, no timers). A pair exists from `prepare` until it
// is over and its last connection has gone, or a linger period after it ended. Time comes
// in as `now`; nextDeadline()/advance() run the prepare timeout and the removal.
#pragma once

#include "bytearrayhash.h"
#include "deadlinequeue.h"
#include "effects.h"
#include "matchmaker.h"
#include "messages.h"
#include "movelog.h"

#include <array>
#include <memory>
#include <optional>
#include <unordered_map>

namespace pairmatch {

struct PairConfig {
    Millis prepareTimeout = 10'000; // from `prepare` until both seats must be taken
    Millis linger = 60'000; // an over pair with a seat still held stays this long
    // A seat of a started pair whose connection closed or died may be taken back this long
    // (the opponent gets `away`, then `back` or `none`); 0: it may not, the opponent gets
    // `none` at once.
    Millis reconnectGrace = 0;
    // The moves a pair keeps for resumes (`lastSeq`) and the match history, in bytes;
    // past it the oldest go. 0: none kept.
    qsizetype moveLogBytes = 256 * 1024;
    bool recordMatches = false; // a MatchRecord in Output::records for each pair that is over
};

// Why a seat's connection went (PairTable::leave).
enum class LeaveCause : quint8 {
    Closed, // closed by its player, dropped, or found dead: may come back within the grace
    Kicked, // by an operator: final, no grace
    Shutdown, // the server is going away: final
};

struct Pair {
    QByteArray id;
    qint32 type = 0;
    int seed = 0;
    std::array<QByteArray, 2> userIds; // [newcomer, waiter], as matched
    std::array<QByteArray, 2> tokens; // each user's own secret
    std::array<ConnId, 2> seats {}; // by user index; 0 when empty
    std::array<QByteArray, 2> enteredUsers; // user objects given with `entry`
    std::array<QByteArray, 2> seatUsers; // user objects given with `prepared`
    QByteArray startUsers; // the users of `start` as a JSON array, in seating order
    std::array<qint8, 2> order {-1, -1}; // user indices in seating order
    bool started = false;
    std::optional<PairOutcome> outcome; // set once the pair is over
    quint64 moves = 0; // relayed so far: the last seq
    MoveLog log;
    std::array<quint64, 2> seenSeq {}; // the last seq sent to each user's connection
    std::array<Millis, 2> awayUntil {kNoDeadline, kNoDeadline}; // a seat in its grace
    Millis issuedAt = 0;
    Millis startedAt = 0;
    Millis overAt = 0;
    Millis prepareDeadline = kNoDeadline; // while it may still time out
    Millis removeDeadline = kNoDeadline; // once over

    bool over() const { return outcome.has_value(); }
    bool ended() const { return outcome == PairOutcome::Ended; } // over by `end`
    bool away(int user) const { return awayUntil[std::size_t(user)] != kNoDeadline; }
    PairState state() const;
    int seatsTaken() const { return (seats[0] != 0) + (seats[1] != 0); }
};

class PairTable final
{
public:
    explicit PairTable(PairConfig config = {})
        : m_config(config)
    { }
    ~PairTable();
    Q_DISABLE_COPY_MOVE(PairTable)

    const PairConfig &config() const { return m_config; }
    void setRecordMatches(bool on) { m_config.recordMatches = on; }

    // What makes a pair unguessable: drawn before the pair is issued when someone else (the
    // cluster's pair record) must know them first.
    struct Keys {
        QByteArray pairId;
        int seed = 0;
        std::array<QByteArray, 2> tokens; // [newcomer, waiter]
        static Keys random();
    };

    // A new pair for a match; sends each player its `prepare` (own token, same users).
    const Pair &issue(const Match &match, Millis now, Output &out);
    const Pair &issue(const Match &match, Millis now, Output &out, Keys keys);

    // Round commands from conn, which opened /ws/round/{pairId}.
    // `prepared` takes a seat; with `lastSeq` (message.lastSeq >= 0), what came after it is
    // sent again, marked replayed, right after `start` or `ended`.
    void prepared(ConnId conn, const QByteArray &pairId, const ClientMessage &message, Millis now,
        Output &out);
    void game(ConnId conn, const ClientMessage &message, Output &out);
    void end(ConnId conn, Millis now, Output &out);

    // conn is gone (closed, kicked, dead, shut down): its seat, if any, is freed. A seat of a
    // started pair closed with LeaveCause::Closed keeps its place for the reconnect grace.
    void leave(ConnId conn, Millis now, Output &out, LeaveCause cause = LeaveCause::Closed);

    // Fires the prepare timeout of a pair now (operator action). False when there is no such
    // pair or it can no longer time out (started or over).
    bool expire(const QByteArray &pairId, Millis now, Output &out);

    Millis nextDeadline() const;
    void advance(Millis now, Output &out);

    const Pair *find(const QByteArray &pairId) const;
    const Pair *pairOf(ConnId conn) const;
    qsizetype size() const { return qsizetype(m_pairs.size()); }
    // Moves relayed since the table was made.
    quint64 totalMoves() const { return m_totalMoves; }

    template <typename F> void forEachPair(F &&f) const
    {
        for (const auto &[id, pair] : m_pairs)
            f(*pair);
    }

private:
    struct SeatRef {
        Pair *pair;
        int seat;
    };

    void timeOut(Pair &pair, MatchOutcome how, Millis now, Output &out);
    // The grace of `user`'s seat ran out: the pair is over as if it had left then.
    void graceOver(Pair &pair, int user, Millis now, Output &out);
    // Sends `start` or `ended` to a seat just taken, then the moves after lastSeq (if >= 0).
    void resume(Pair &pair, int user, ConnId conn, qint64 lastSeq, Output &out);
    void markOver(
        Pair &pair, PairOutcome outcome, MatchOutcome how, int by, Millis now, Output &out);
    // An over pair with a seat still held goes at the latest after the linger period.
    void lingerThenRemove(Pair &pair, Millis now);
    void removeIfDone(Pair &pair, Output &out);
    void remove(Pair &pair, Output &out);
    Pair *lookup(const QByteArray &pairId) const;
    static void note(Output &out, PairEvent::Kind kind, const Pair &pair, qint8 seat, ConnId conn,
        ConnId other, PairOutcome outcome);

    PairConfig m_config;
    std::unordered_map<QByteArray, std::unique_ptr<Pair>, ByteArrayHash> m_pairs;
    std::unordered_map<ConnId, SeatRef> m_seats;
    // Connections still open whose pair was removed while they held a seat; true when it had
    // started (their `game` is answered with `ended`, not `unknown_pair`).
    std::unordered_map<ConnId, bool> m_orphans;
    DeadlineQueue<QByteArray> m_prepareTimeouts;
    DeadlineQueue<QByteArray> m_graces;
    DeadlineQueue<QByteArray> m_removals;
    quint64 m_totalMoves = 0;
};

// 128 random bits from the system's secure source, base64url without padding (22 chars).
QByteArray randomToken();

} // namespace pairmatch
