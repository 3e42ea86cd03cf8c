#include "servermessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// {"command":"game","userId":"<id>","data":{"n":<digits>}} exactly: the only message on the
// hot path. Returns false for anything else (the slow path decides).
bool parseCompactMove(QByteArrayView text, ServerMessage &out)
{
    constexpr QByteArrayView head = R"({"command":"game","userId":")";
    constexpr QByteArrayView mid = R"(","data":{"n":)";
    if (!text.startsWith(head))
        return false;
    const qsizetype idBegin = head.size();
    const qsizetype idEnd = text.indexOf('"', idBegin);
    if (idEnd <= idBegin)
        return false;
    const QByteArrayView id = text.sliced(idBegin, idEnd - idBegin);
    if (id.contains('\\'))
        return false;
    QByteArrayView rest = text.sliced(idEnd);
    if (!rest.startsWith(mid))
        return false;
    rest = rest.sliced(mid.size());
    qint64 n = 0;
    qsizetype digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
        if (digits == 18)
            return false;
        n = n * 10 + (rest[digits] - '0');
        ++digits;
    }
    if (digits == 0 || rest.sliced(digits) != "}}")
        return false;
    out.kind = ServerMessage::Kind::Game;
    out.userId = id;
    out.n = n;
    return true;
}

void readUsers(const QJsonValue &value, ServerMessage &out)
{
    const QJsonArray users = value.toArray();
    out.userCount = int(users.size());
    for (int i = 0; i < 2 && i < users.size(); ++i)
        out.users[i] = users.at(i).toObject().value("userId"_L1).toString().toUtf8();
}

// A string field into storage[slot]; false when absent or not a string.
bool takeString(const QJsonObject &object, QLatin1StringView key, int slot, ServerMessage &out,
    QByteArrayView &view)
{
    const QJsonValue v = object.value(key);
    if (!v.isString())
        return false;
    out.storage[slot] = v.toString().toUtf8();
    view = out.storage[slot];
    return true;
}

} // namespace

void parseServerMessage(QByteArrayView text, ServerMessage &out)
{
    if (parseCompactMove(text, out))
        return;
    using Kind = ServerMessage::Kind;
    out.kind = Kind::Malformed;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        out.problem = "not a JSON object";
        return;
    }
    const QJsonObject object = doc.object();
    const QJsonValue command = object.value("command"_L1);
    if (!command.isString()) {
        out.problem = "no string \"command\"";
        return;
    }
    const QString name = command.toString();
    if (name == "game"_L1) {
        if (!takeString(object, "userId"_L1, 0, out, out.userId)) {
            out.problem = "game without a string userId";
            return;
        }
        const QJsonValue n = object.value("data"_L1).toObject().value("n"_L1);
        const double d = n.toDouble(-1);
        out.n = n.isDouble() && d >= 0 && d < 9e15 && std::floor(d) == d ? qint64(d) : -1;
        out.kind = Kind::Game;
    } else if (name == "prepare"_L1) {
        if (!takeString(object, "pairId"_L1, 1, out, out.pairId)
            || !takeString(object, "token"_L1, 2, out, out.token) || out.pairId.isEmpty()
            || out.token.isEmpty()) {
            out.problem = "prepare without a pairId or token";
            return;
        }
        readUsers(object.value("users"_L1), out);
        out.kind = Kind::Prepare;
    } else if (name == "start"_L1) {
        readUsers(object.value("users"_L1), out);
        out.kind = Kind::Start;
    } else if (name == "error"_L1) {
        takeString(object, "code"_L1, 3, out, out.code);
        out.kind = Kind::Error;
    } else if (name == "entried"_L1) {
        out.kind = Kind::Entried;
    } else if (name == "cancelled"_L1) {
        out.kind = Kind::Cancelled;
    } else if (name == "wait"_L1) {
        out.kind = Kind::Wait;
    } else if (name == "ended"_L1) {
        out.kind = Kind::Ended;
    } else if (name == "none"_L1) {
        out.kind = Kind::None;
    } else if (name == "invalid"_L1) {
        out.kind = Kind::Invalid;
    } else {
        out.kind = Kind::Unknown;
    }
}

} // namespace pairmatch
