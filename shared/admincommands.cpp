#include "admincommands.h"

#include <QJsonDocument>

#include <array>
#include <cmath>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array<QLatin1StringView, kAdminCommandKindCount> kCommandNames {
    "kick"_L1,
    "expire"_L1,
    "drain"_L1,
    "undrain"_L1,
    "snapshot"_L1,
};

constexpr std::array<QLatin1StringView, kAdminErrorCodeCount> kErrorCodeNames {
    "bad_json"_L1,
    "bad_request"_L1,
    "unknown_command"_L1,
};

// JSON numbers are doubles: session ids are exact up to 2^53.
constexpr double kMaxSessionId = 9007199254740992.0;

template <std::size_t N>
std::optional<std::size_t> indexOf(const std::array<QLatin1StringView, N> &names, QStringView name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == names[i])
            return i;
    }
    return std::nullopt;
}

bool refuse(AdminError *error, AdminError::Code code, const QString &message)
{
    if (error)
        *error = AdminError {code, message};
    return false;
}

} // namespace

QLatin1StringView adminCommandName(AdminCommand::Kind kind)
{
    return kCommandNames[std::size_t(kind)];
}

std::optional<AdminCommand::Kind> adminCommandKindFromName(QStringView name)
{
    if (const std::optional<std::size_t> i = indexOf(kCommandNames, name))
        return AdminCommand::Kind(*i);
    return std::nullopt;
}

QLatin1StringView adminErrorCodeName(AdminError::Code code)
{
    return kErrorCodeNames[std::size_t(code)];
}

QJsonObject toJson(const AdminCommand &c)
{
    QJsonObject o {{u"command"_s, QString(adminCommandName(c.kind))}};
    if (c.kind == AdminCommand::Kind::Kick)
        o.insert(u"sessionId"_s, qint64(c.sessionId));
    else if (c.kind == AdminCommand::Kind::Expire)
        o.insert(u"pairId"_s, c.pairId);
    return o;
}

QJsonObject toJson(const AdminResult &r)
{
    return {{u"command"_s, u"result"_s}, {u"action"_s, QString(adminCommandName(r.action))},
        {u"ok"_s, r.ok}, {u"message"_s, r.message}};
}

QJsonObject toJson(const AdminError &e)
{
    return {{u"command"_s, u"error"_s}, {u"code"_s, QString(adminErrorCodeName(e.code))},
        {u"message"_s, e.message}};
}

bool fromJson(const QJsonObject &o, AdminCommand &c, AdminError *error)
{
    const QString name = o.value("command"_L1).toString();
    if (name.isEmpty()) {
        return refuse(
            error, AdminError::Code::BadJson, u"Send a JSON object with a string \"command\"."_s);
    }
    const std::optional<AdminCommand::Kind> kind = adminCommandKindFromName(name);
    if (!kind) {
        return refuse(error, AdminError::Code::UnknownCommand,
            u"Commands: kick, expire, drain, undrain, snapshot."_s);
    }
    AdminCommand decoded {*kind, 0, {}};
    if (*kind == AdminCommand::Kind::Kick) {
        const double id = o.value("sessionId"_L1).toDouble(-1);
        if (!(id >= 1 && id <= kMaxSessionId && id == std::floor(id))) {
            return refuse(error, AdminError::Code::BadRequest,
                u"kick needs \"sessionId\": a session id (a positive integer)."_s);
        }
        decoded.sessionId = quint64(id);
    } else if (*kind == AdminCommand::Kind::Expire) {
        decoded.pairId = o.value("pairId"_L1).toString();
        if (decoded.pairId.isEmpty()) {
            return refuse(
                error, AdminError::Code::BadRequest, u"expire needs a string \"pairId\"."_s);
        }
    }
    c = decoded;
    return true;
}

bool fromJson(const QJsonObject &o, AdminResult &r)
{
    if (o.value("command"_L1).toString() != "result"_L1 || !o.value("ok"_L1).isBool())
        return false;
    const std::optional<AdminCommand::Kind> action
        = adminCommandKindFromName(o.value("action"_L1).toString());
    if (!action || *action == AdminCommand::Kind::Snapshot)
        return false;
    r = AdminResult {*action, o.value("ok"_L1).toBool(), o.value("message"_L1).toString()};
    return true;
}

bool fromJson(const QJsonObject &o, AdminError &e)
{
    if (o.value("command"_L1).toString() != "error"_L1)
        return false;
    const std::optional<std::size_t> code = indexOf(kErrorCodeNames, o.value("code"_L1).toString());
    if (!code)
        return false;
    e = AdminError {AdminError::Code(*code), o.value("message"_L1).toString()};
    return true;
}

bool parseAdminCommand(const QByteArray &json, AdminCommand &command, AdminError &error)
{
    // Not JSON (a null document) or an array: an object without a "command".
    return fromJson(QJsonDocument::fromJson(json).object(), command, &error);
}

} // namespace pairmatch
