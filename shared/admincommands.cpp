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
    "history"_L1,
};

constexpr std::array<QLatin1StringView, kAdminErrorCodeCount> kErrorCodeNames {
    "bad_json"_L1,
    "bad_request"_L1,
    "unknown_command"_L1,
};

// JSON numbers are doubles: session ids are exact up to 2^53.
constexpr double kMaxExactInteger = 9007199254740992.0;
constexpr double kMaxSessionId = kMaxExactInteger;

bool isCount(double d)
{
    return d >= 0 && d <= kMaxExactInteger && d == std::floor(d);
}

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

// The fields of a `history` command, each with what it must be (matchhistory.h).
struct HistoryField {
    QLatin1StringView name;
    QLatin1StringView rule;
};
constexpr std::array<HistoryField, 5> kHistoryFields {{
    {"userId"_L1, "a string"_L1},
    {"pairId"_L1, "a string"_L1},
    {"offset"_L1, "an integer from 0 to 2147483647"_L1},
    {"limit"_L1, "an integer from 1 to 200"_L1},
    {"withMoves"_L1, "true or false"_L1},
}};
static_assert(kMaxHistoryLimit == 200, "kHistoryFields names the limit");

// A `history` command's query, or the bad_request that names its first malformed field. Each
// field is read alone by the history's own codec, so the rules are the codec's.
bool readHistoryQuery(const QJsonObject &o, HistoryQuery &query, AdminError *error)
{
    for (const HistoryField &field : kHistoryFields) {
        const QJsonValue value = o.value(field.name);
        HistoryQuery one;
        if (!value.isUndefined() && !fromJson(QJsonObject {{field.name, value}}, one)) {
            return refuse(error, AdminError::Code::BadRequest,
                u"history: \"%1\" must be %2."_s.arg(field.name, field.rule));
        }
    }
    if (!fromJson(o, query)) {
        return refuse(error, AdminError::Code::BadRequest,
            u"history: a malformed query (fields: userId, pairId, offset, limit, withMoves)."_s);
    }
    return true;
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
    else if (c.kind == AdminCommand::Kind::History) {
        const QJsonObject query = toJson(c.query);
        for (auto it = query.begin(); it != query.end(); ++it)
            o.insert(it.key(), it.value());
    }
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
            u"Commands: kick, expire, drain, undrain, snapshot, history."_s);
    }
    AdminCommand decoded {*kind, 0, {}, {}};
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
    } else if (*kind == AdminCommand::Kind::History) {
        if (!readHistoryQuery(o, decoded.query, error))
            return false;
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
    if (!action || *action == AdminCommand::Kind::Snapshot
        || *action == AdminCommand::Kind::History)
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

QJsonObject toJson(const HistoryAnswer &a)
{
    QJsonObject o = toJson(a.page);
    o.insert(u"command"_s, u"history"_s);
    if (a.counters) {
        o.insert(u"counters"_s,
            QJsonObject {{u"written"_s, double(a.counters->written)},
                {u"failed"_s, double(a.counters->failed)},
                {u"lastError"_s, a.counters->lastError}});
    }
    return o;
}

bool fromJson(const QJsonObject &o, HistoryAnswer &a)
{
    HistoryAnswer out;
    if (o.value("command"_L1).toString() != "history"_L1 || !fromJson(o, out.page))
        return false;
    const QJsonValue counters = o.value("counters"_L1);
    if (counters.isObject()) {
        const QJsonObject c = counters.toObject();
        const double written = c.value("written"_L1).toDouble(-1);
        const double failed = c.value("failed"_L1).toDouble(-1);
        if (!isCount(written) || !isCount(failed) || !c.value("lastError"_L1).isString())
            return false;
        out.counters = HistoryCounters {
            quint64(written), quint64(failed), c.value("lastError"_L1).toString()};
    } else if (!counters.isUndefined()) {
        return false;
    }
    a = std::move(out);
    return true;
}

bool parseAdminCommand(const QByteArray &json, AdminCommand &command, AdminError &error)
{
    // Not JSON (a null document) or an array: an object without a "command".
    return fromJson(QJsonDocument::fromJson(json).object(), command, &error);
}

} // namespace pairmatch
