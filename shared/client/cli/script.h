// A pairmatch-cli script (resources/qa/README.md): one step a line, each run by a named
// player or, for `sleep`, by nobody. Parsing and message matching are pure; scriptrunner.h
// runs the steps.
//
//     # server: --prepare-timeout-ms 300      flags the script needs its server to run with
//     alice enter 3                           entry (user {"userId":"alice"}), round on prepare
//     bob enter 3 {"userId":"bob","name":"Bob"}
//     alice expect prepare type=3 users.0.userId=bob
//     bob move {"card":12}
//     alice expect game userId=bob data.card=12 within 2000
//     alice expect-close 4001
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace pairmatch::cli {

// One field condition of `expect`: path=value (JSON, or a bare word as a string),
// path=* (present), !path (absent). A path is dotted: users.0.userId, data.card.
struct FieldMatch {
    enum class Op { Equals, Present, Absent };
    QString path;
    Op op = Op::Equals;
    QJsonValue value;
};

struct Step {
    enum class Kind {
        Enter, // enter TYPE [USER]: entry, and the round on prepare
        EnterOnly, // enter-only TYPE [USER]: entry; stays out of the round until `join`
        Join, // join: opens the round with the seat from prepare
        Takeover, // takeover OTHER: joins OTHER's seat (its pairId, token, user)
        Move, // move JSON
        End, // end
        Cancel, // cancel
        Close, // close: a clean close (1000)
        Kill, // kill: the TCP connection cut, no close frame
        Send, // send TEXT: one text frame as written
        Flood, // flood N TEXT: N frames at once
        SendSize, // send-size N: a `game` frame of exactly N bytes
        Reconnect, // reconnect N: reopen a dropped connection up to N times (default 0)
        Expect, // expect COMMAND [FIELDS] [within MS]: the next message
        WaitFor, // wait-for COMMAND [FIELDS] [within MS]: skip messages until one matches
        ExpectClose, // expect-close CODE [within MS]: the server closed with CODE (1006: cut)
        Silent, // silent MS: nothing arrives for MS
        Sleep, // sleep MS
    };

    int line = 0;
    QString source; // the line as written
    QString player; // empty for sleep
    Kind kind = Kind::Sleep;
    qint32 type = 0;
    QJsonObject user; // enter: empty means {"userId": player}
    QJsonValue data;
    QString text;
    QString other; // takeover
    QString command; // expect, wait-for
    QList<FieldMatch> fields;
    int count = 0; // flood, send-size, reconnect, expect-close code
    int ms = -1; // within / silent / sleep; -1: the default timeout
};

struct Script {
    QList<Step> steps;
    QStringList serverFlags; // from `# server:` lines
};

struct ScriptParse {
    Script script;
    QString error; // "line N: ..." when the text is not a script
};

ScriptParse parseScript(const QString &text);

// Empty when message is a `command` meeting every field condition, else what differs.
QString matchMessage(
    const QJsonObject &message, const QString &command, const QList<FieldMatch> &fields);

// The value at a dotted path (users.0.userId), undefined when there is none.
QJsonValue valueAt(const QJsonValue &root, const QString &path);

} // namespace pairmatch::cli
