// The admin API's commands and their answers (docs/admin-api.md, "Client → server" and
// "result and error") as typed structs with their JSON forms. Both ends use them: the
// admin server decodes commands and encodes the answers, the dashboard's AdminClient the
// other way round, and the in-process dashboard hands the same structs over directly. What
// the server pushes on its own (snapshot, updates) is in adminmessages.h.
#pragma once

#include "adminmessages.h"
#include "matchhistory.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace pairmatch {

struct AdminCommand {
    enum class Kind : quint8 {
        Kick, // sessionId: close it with 4000 "kicked by operator"
        Expire, // pairId: fire its prepare timeout now
        Drain, // refuse `entry` with `draining`
        Undrain, // ... no longer
        Snapshot, // answered with a fresh snapshot
        History, // query: answered with a HistoryAnswer, once the match history has it
    };
    Kind kind = Kind::Snapshot;
    quint64 sessionId = 0; // Kick: a session id, 1 to 2^53
    QString pairId; // Expire: not empty
    HistoryQuery query; // History: what to look for (matchhistory.h)

    static AdminCommand kick(quint64 sessionId) { return {Kind::Kick, sessionId, {}, {}}; }
    static AdminCommand expire(const QString &pairId) { return {Kind::Expire, 0, pairId, {}}; }
    static AdminCommand drain(bool draining)
    {
        return {draining ? Kind::Drain : Kind::Undrain, 0, {}, {}};
    }
    static AdminCommand snapshot() { return {}; }
    static AdminCommand history(const HistoryQuery &query) { return {Kind::History, 0, {}, query}; }

    friend bool operator==(const AdminCommand &, const AdminCommand &) = default;
};
inline constexpr int kAdminCommandKindCount = int(AdminCommand::Kind::History) + 1;
QLatin1StringView adminCommandName(AdminCommand::Kind kind); // "kick", "expire", ...
std::optional<AdminCommand::Kind> adminCommandKindFromName(QStringView name);

// The answer to an action (every command but `snapshot` and `history`): ok when it did something,
// and in the message what, or why not.
struct AdminResult {
    AdminCommand::Kind action = AdminCommand::Kind::Kick;
    bool ok = false;
    QString message;

    friend bool operator==(const AdminResult &, const AdminResult &) = default;
};

// The answer to a message that is no command the server can carry out.
struct AdminError {
    enum class Code : quint8 {
        BadJson, // not a JSON object with a string "command"
        BadRequest, // a command without the field it needs, or a malformed one
        UnknownCommand, // a "command" the admin API does not have
    };
    Code code = Code::BadJson;
    QString message;

    friend bool operator==(const AdminError &, const AdminError &) = default;
};
inline constexpr int kAdminErrorCodeCount = int(AdminError::Code::UnknownCommand) + 1;
QLatin1StringView adminErrorCodeName(AdminError::Code code); // "bad_json", ...

// How the match history is doing (server/historystore.h): rows written, rows that could not
// be written, and why the last one could not.
struct HistoryCounters {
    quint64 written = 0;
    quint64 failed = 0;
    QString lastError;

    friend bool operator==(const HistoryCounters &, const HistoryCounters &) = default;
};

// The error of the page that answers `history` on a server without a match history
// (--history off).
inline constexpr QLatin1StringView kHistoryOffError {"history is off"};

// The answer to `history`: the page, and the history's counters (none when it is off).
struct HistoryAnswer {
    HistoryPage page;
    std::optional<HistoryCounters> counters;

    friend bool operator==(const HistoryAnswer &, const HistoryAnswer &) = default;
};

// JSON forms. fromJson returns false on a malformed object (or one of another "command").
QJsonObject toJson(const AdminCommand &command);
QJsonObject toJson(const AdminResult &result);
QJsonObject toJson(const AdminError &error);
// {"command":"history", ...toJson(HistoryPage), "counters":{"written","failed","lastError"}}
QJsonObject toJson(const HistoryAnswer &answer);
// For a command, `error` then holds the server's answer to it.
bool fromJson(const QJsonObject &json, AdminCommand &command, AdminError *error = nullptr);
bool fromJson(const QJsonObject &json, AdminResult &result);
bool fromJson(const QJsonObject &json, AdminError &error);
bool fromJson(const QJsonObject &json, HistoryAnswer &answer);

// A text frame sent to the admin server (UTF-8): a command, or false and the error that
// answers it (text that is not a JSON object is bad_json).
bool parseAdminCommand(const QByteArray &json, AdminCommand &command, AdminError &error);

} // namespace pairmatch
