// A finished game as the match history keeps it (docs/history.md): one MatchRecord per pair
// that is over, with its ordered move log; the query the dashboard, the admin API and
// pairmatch-replay ask of the history, and the page that answers it. Plain values with their
// JSON forms, shared by the server (which writes and queries), the dashboard and the tools.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <array>
#include <optional>

namespace pairmatch {

// How a pair came to be over, as the history tells it.
enum class MatchOutcome : quint8 {
    Ended, // a player sent `end` (by: that player)
    None, // a player of a started pair left or was found dead; the other got `none` (by: who left)
    Invalid, // the prepare timeout fired before both seats were taken (by: -1)
    Expired, // an operator fired the prepare timeout (by: -1)
    Kicked, // an operator kicked a seat of a started pair; the other got `none` (by: the kicked)
};
inline constexpr int kMatchOutcomeCount = int(MatchOutcome::Kicked) + 1;
QLatin1StringView matchOutcomeName(MatchOutcome outcome); // "ended", "none", ...
std::optional<MatchOutcome> matchOutcomeFromName(QStringView name);

struct MatchRecord {
    QByteArray pairId;
    qint32 type = 0;
    std::array<QByteArray, 2> userIds; // [newcomer, waiter], as matched
    std::array<QByteArray, 2> users; // the user objects as entered (compact JSON), same order
    int seed = 0;
    qint64 issuedAtMs = 0; // wall clock, ms since the Unix epoch
    qint64 startedAtMs = 0; // 0: never started
    qint64 overAtMs = 0;
    MatchOutcome outcome = MatchOutcome::Ended;
    qint8 by = -1; // user index (into userIds) the outcome names, -1 when none
    quint64 moveCount = 0; // moves relayed, = the last seq
    quint64 firstSeq = 1; // seq of moves.first(); > 1 when older moves were not kept
    // The relayed `game` frames in seq order, exactly as sent ({"command":"game",...,"seq":N}).
    QList<QByteArray> moves;
    // The highest seq each user's connections were sent (live or replayed), by user index.
    std::array<quint64, 2> seenSeq {};

    friend bool operator==(const MatchRecord &, const MatchRecord &) = default;
};

// What to look for. Empty filters match everything; newest first (overAtMs, then pairId).
struct HistoryQuery {
    QByteArray userId; // either user of the pair
    QByteArray pairId;
    int offset = 0; // rows to skip
    int limit = 50; // 1..kMaxHistoryLimit
    bool withMoves = false; // fill MatchRecord::moves (otherwise left empty)

    friend bool operator==(const HistoryQuery &, const HistoryQuery &) = default;
};
inline constexpr int kMaxHistoryLimit = 200;

struct HistoryPage {
    HistoryQuery query; // what this answers
    QList<MatchRecord> rows;
    bool more = false; // rows past offset + limit exist
    QString error; // not empty: the history could not be read (off, or an SQLite error)

    friend bool operator==(const HistoryPage &, const HistoryPage &) = default;
};

// JSON forms. A record's moves are a JSON array of the game objects; users are JSON objects.
QJsonObject toJson(const MatchRecord &record);
QJsonObject toJson(const HistoryQuery &query);
QJsonObject toJson(const HistoryPage &page);
bool fromJson(const QJsonObject &json, MatchRecord &record);
// False on a malformed query (limit out of range, negative offset, a field of the wrong type).
bool fromJson(const QJsonObject &json, HistoryQuery &query);
bool fromJson(const QJsonObject &json, HistoryPage &page);

} // namespace pairmatch
