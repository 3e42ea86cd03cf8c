#include "matchhistory.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr QLatin1StringView kOutcomeNames[kMatchOutcomeCount]
    = {"ended"_L1, "none"_L1, "invalid"_L1, "expired"_L1, "kicked"_L1};

// Integers up to 2^53 travel as JSON numbers exactly.
constexpr qint64 kMaxExact = qint64(1) << 53;

bool readInt(const QJsonObject &o, QLatin1StringView key, qint64 min, qint64 max, qint64 &out)
{
    const QJsonValue v = o.value(key);
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    if (d < double(min) || d > double(max) || d != double(qint64(d)))
        return false;
    out = qint64(d);
    return true;
}

bool readBytes(const QJsonObject &o, QLatin1StringView key, QByteArray &out)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        out.clear();
        return true;
    }
    if (!v.isString())
        return false;
    out = v.toString().toUtf8();
    return true;
}

} // namespace

QLatin1StringView matchOutcomeName(MatchOutcome outcome)
{
    return kOutcomeNames[int(outcome)];
}

std::optional<MatchOutcome> matchOutcomeFromName(QStringView name)
{
    for (int i = 0; i < kMatchOutcomeCount; ++i) {
        if (name == kOutcomeNames[i])
            return MatchOutcome(i);
    }
    return std::nullopt;
}

QJsonObject toJson(const MatchRecord &r)
{
    QJsonArray users;
    for (const QByteArray &user : r.users)
        users.append(QJsonDocument::fromJson(user).object());
    QJsonArray moves;
    for (const QByteArray &move : r.moves)
        moves.append(QJsonDocument::fromJson(move).object());
    return {
        {"pairId"_L1, QString::fromUtf8(r.pairId)},
        {"type"_L1, r.type},
        {"userIds"_L1,
            QJsonArray {QString::fromUtf8(r.userIds[0]), QString::fromUtf8(r.userIds[1])}},
        {"users"_L1, users},
        {"seed"_L1, r.seed},
        {"issuedAt"_L1, double(r.issuedAtMs)},
        {"startedAt"_L1, double(r.startedAtMs)},
        {"overAt"_L1, double(r.overAtMs)},
        {"outcome"_L1, matchOutcomeName(r.outcome)},
        {"by"_L1,
            r.by < 0 ? QJsonValue() : QJsonValue(QString::fromUtf8(r.userIds[std::size_t(r.by)]))},
        {"moveCount"_L1, double(r.moveCount)},
        {"firstSeq"_L1, double(r.firstSeq)},
        {"seenSeq"_L1, QJsonArray {double(r.seenSeq[0]), double(r.seenSeq[1])}},
        {"moves"_L1, moves},
    };
}

bool fromJson(const QJsonObject &o, MatchRecord &r)
{
    MatchRecord out;
    qint64 n = 0;
    if (!readBytes(o, "pairId"_L1, out.pairId) || out.pairId.isEmpty())
        return false;
    if (!readInt(o, "type"_L1, 0, 2147483647, n))
        return false;
    out.type = qint32(n);
    const QJsonArray userIds = o.value("userIds"_L1).toArray();
    const QJsonArray users = o.value("users"_L1).toArray();
    if (userIds.size() != 2 || users.size() != 2)
        return false;
    for (qsizetype i = 0; i < 2; ++i) {
        if (!userIds[i].isString() || !users[i].isObject())
            return false;
        out.userIds[std::size_t(i)] = userIds[i].toString().toUtf8();
        out.users[std::size_t(i)]
            = QJsonDocument(users[i].toObject()).toJson(QJsonDocument::Compact);
    }
    if (!readInt(o, "seed"_L1, 0, 2147483647, n))
        return false;
    out.seed = int(n);
    if (!readInt(o, "issuedAt"_L1, 0, kMaxExact, out.issuedAtMs)
        || !readInt(o, "startedAt"_L1, 0, kMaxExact, out.startedAtMs)
        || !readInt(o, "overAt"_L1, 0, kMaxExact, out.overAtMs))
        return false;
    const auto outcome = matchOutcomeFromName(o.value("outcome"_L1).toString());
    if (!outcome)
        return false;
    out.outcome = *outcome;
    const QJsonValue by = o.value("by"_L1);
    if (by.isString()) {
        const QByteArray id = by.toString().toUtf8();
        out.by = id == out.userIds[0] ? 0 : id == out.userIds[1] ? 1 : -2;
        if (out.by < -1)
            return false;
    } else if (!by.isNull() && !by.isUndefined()) {
        return false;
    }
    qint64 count = 0, first = 0;
    if (!readInt(o, "moveCount"_L1, 0, kMaxExact, count)
        || !readInt(o, "firstSeq"_L1, 1, kMaxExact, first))
        return false;
    out.moveCount = quint64(count);
    out.firstSeq = quint64(first);
    const QJsonArray seen = o.value("seenSeq"_L1).toArray();
    if (seen.size() != 2)
        return false;
    for (qsizetype i = 0; i < 2; ++i) {
        const double d = seen[i].toDouble(-1);
        if (d < 0 || d > double(kMaxExact) || d != double(qint64(d)))
            return false;
        out.seenSeq[std::size_t(i)] = quint64(d);
    }
    const QJsonValue moves = o.value("moves"_L1);
    if (!moves.isUndefined()) {
        if (!moves.isArray())
            return false;
        for (const QJsonValue &move : moves.toArray()) {
            if (!move.isObject())
                return false;
            out.moves.append(QJsonDocument(move.toObject()).toJson(QJsonDocument::Compact));
        }
    }
    r = std::move(out);
    return true;
}

QJsonObject toJson(const HistoryQuery &q)
{
    QJsonObject o {
        {"offset"_L1, q.offset},
        {"limit"_L1, q.limit},
        {"withMoves"_L1, q.withMoves},
    };
    if (!q.userId.isEmpty())
        o.insert("userId"_L1, QString::fromUtf8(q.userId));
    if (!q.pairId.isEmpty())
        o.insert("pairId"_L1, QString::fromUtf8(q.pairId));
    return o;
}

bool fromJson(const QJsonObject &o, HistoryQuery &q)
{
    HistoryQuery out;
    if (!readBytes(o, "userId"_L1, out.userId) || !readBytes(o, "pairId"_L1, out.pairId))
        return false;
    qint64 n = 0;
    if (o.contains("offset"_L1)) {
        if (!readInt(o, "offset"_L1, 0, 2147483647, n))
            return false;
        out.offset = int(n);
    }
    if (o.contains("limit"_L1)) {
        if (!readInt(o, "limit"_L1, 1, kMaxHistoryLimit, n))
            return false;
        out.limit = int(n);
    }
    const QJsonValue withMoves = o.value("withMoves"_L1);
    if (!withMoves.isUndefined()) {
        if (!withMoves.isBool())
            return false;
        out.withMoves = withMoves.toBool();
    }
    q = std::move(out);
    return true;
}

QJsonObject toJson(const HistoryPage &p)
{
    QJsonArray rows;
    for (const MatchRecord &r : p.rows) {
        QJsonObject row = toJson(r);
        if (!p.query.withMoves)
            row.remove("moves"_L1);
        rows.append(row);
    }
    QJsonObject o {
        {"query"_L1, toJson(p.query)},
        {"rows"_L1, rows},
        {"more"_L1, p.more},
    };
    if (!p.error.isEmpty())
        o.insert("error"_L1, p.error);
    return o;
}

bool fromJson(const QJsonObject &o, HistoryPage &p)
{
    HistoryPage out;
    if (!fromJson(o.value("query"_L1).toObject(), out.query))
        return false;
    const QJsonValue rows = o.value("rows"_L1);
    if (!rows.isArray() || !o.value("more"_L1).isBool())
        return false;
    for (const QJsonValue &row : rows.toArray()) {
        MatchRecord r;
        if (!row.isObject() || !fromJson(row.toObject(), r))
            return false;
        out.rows.append(std::move(r));
    }
    out.more = o.value("more"_L1).toBool();
    out.error = o.value("error"_L1).toString();
    p = std::move(out);
    return true;
}

} // namespace pairmatch
