// Logging categories, the log handler and structured log lines. Info is on by default: one
// line per connection opened/closed, per match made, per pair over, per handshake refused
// and per operator action; nothing per move.
//
// Two formats, one handler of our own (no QDateTime per line):
//   text: "2026-11-28T01:16:07.049 info pairmatch.net: message" (local time)
//   json: one object per line, {"time":"2026-11-28T00:16:07.049Z","level":"info",
//         "category":"pairmatch.net","message":"...", then the fields that are set:
//         "conn","userId","pairId","remote","code"} (UTC), for log shippers.
// The fields come from the call site (logWith / PM_LOG_INFO), never from the message text.
#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>
#include <QStringView>

#include <optional>

namespace pairmatch {

Q_DECLARE_LOGGING_CATEGORY(lcNet) // pairmatch.net: listening, connections, handshakes
Q_DECLARE_LOGGING_CATEGORY(lcMatch) // pairmatch.match: queues and matches
Q_DECLARE_LOGGING_CATEGORY(lcRound) // pairmatch.round: pairs, seats, outcomes
Q_DECLARE_LOGGING_CATEGORY(lcAdmin) // pairmatch.admin: operator actions, admin clients
Q_DECLARE_LOGGING_CATEGORY(lcHistory) // pairmatch.history: the match history file, its failures

enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warning, Error };

// "text" / "json"; "debug" / "info" / "warning" / "error". nullopt for anything else.
std::optional<LogFormat> parseLogFormat(QStringView name);
std::optional<LogLevel> parseLogLevel(QStringView name);

// What a structured line says besides its message; unset fields are left out.
struct LogFields {
    quint64 conn = 0; // a player connection's id; 0: none
    QByteArray userId;
    QByteArray pairId;
    QString remote; // ADDRESS:PORT of the peer
    int code = 0; // a close code, or the HTTP status of a refused handshake; 0: none
};

// Installs our handler for this format, unless QT_MESSAGE_PATTERN is set (then Qt formats
// the lines as asked, in text).
void installLogHandler(LogFormat format = LogFormat::Text);

// Which levels are written: this one and above (Error: critical and fatal only). Debug turns
// on the pairmatch.* categories' debug lines (Qt's own stay off). QT_LOGGING_RULES, when
// set, still has the last word.
void setLogLevel(LogLevel level);

// One line with fields, through Qt's logging (categories, rules and handler apply as to any
// qCInfo). Use PM_LOG_INFO, which builds the message only when the category is on.
void logWith(const QLoggingCategory &category, QtMsgType type, const LogFields &fields,
    const QString &message);

// The JSON line for one message, newline included (exposed for tests).
QByteArray jsonLogLine(qint64 unixMs, QtMsgType type, const char *category, const QString &message,
    const LogFields *fields);

} // namespace pairmatch

// PM_LOG_INFO(lcNet, fields, message): an info line with fields; neither argument is
// evaluated when the category's info level is off.
#define PM_LOG_INFO(category, fields, message)                                                     \
    do {                                                                                           \
        if (category().isInfoEnabled())                                                            \
            ::pairmatch::logWith(category(), QtInfoMsg, fields, message);                          \
    } while (false)
