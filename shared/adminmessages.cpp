#include "adminmessages.h"

#include <QJsonArray>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array<QLatin1StringView, kLogEventKindCount> kEventKinds {
    "match"_L1,
    "started"_L1,
    "ended"_L1,
    "none"_L1,
    "invalid"_L1,
    "kick"_L1,
    "expire"_L1,
    "takeover"_L1,
    "error"_L1,
    "drain"_L1,
    "undrain"_L1,
};

constexpr std::array<QLatin1StringView, 12> kUpdateKinds {
    "sessionOpened"_L1,
    "sessionChanged"_L1,
    "sessionClosed"_L1,
    "queueJoined"_L1,
    "queueLeft"_L1,
    "pairChanged"_L1,
    "pairRemoved"_L1,
    "disconnect"_L1,
    "event"_L1,
    "stats"_L1,
    "draining"_L1,
    "cluster"_L1,
};

QString endpointName(Endpoint e)
{
    return e == Endpoint::Matching ? u"matching"_s : u"round"_s;
}

Endpoint endpointFrom(const QJsonValue &v)
{
    return v.toString() == "round"_L1 ? Endpoint::Round : Endpoint::Matching;
}

// 64-bit integers travel as JSON numbers; ids and counters stay far below 2^53.
qint64 integer(const QJsonObject &o, QLatin1StringView key, qint64 fallback = 0)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? qint64(v.toDouble()) : fallback;
}

QJsonObject sessionJson(const SessionInfo &s)
{
    return {{u"id"_s, qint64(s.id)}, {u"endpoint"_s, endpointName(s.endpoint)}, {u"path"_s, s.path},
        {u"userId"_s, s.userId}, {u"remote"_s, s.remote}, {u"connectedAt"_s, s.connectedAtMs},
        {u"in"_s, qint64(s.messagesIn)}, {u"out"_s, qint64(s.messagesOut)}, {u"rttMs"_s, s.rttMs}};
}

SessionInfo sessionFrom(const QJsonObject &o)
{
    SessionInfo s;
    s.id = quint64(integer(o, "id"_L1));
    s.endpoint = endpointFrom(o.value("endpoint"_L1));
    s.path = o.value("path"_L1).toString();
    s.userId = o.value("userId"_L1).toString();
    s.remote = o.value("remote"_L1).toString();
    s.connectedAtMs = integer(o, "connectedAt"_L1);
    s.messagesIn = quint64(integer(o, "in"_L1));
    s.messagesOut = quint64(integer(o, "out"_L1));
    s.rttMs = integer(o, "rttMs"_L1, -1);
    return s;
}

QJsonObject queueJson(const QueueEntryInfo &q)
{
    return {{u"sessionId"_s, qint64(q.sessionId)}, {u"type"_s, q.type}, {u"userId"_s, q.userId},
        {u"since"_s, q.sinceMs}};
}

QueueEntryInfo queueFrom(const QJsonObject &o)
{
    QueueEntryInfo q;
    q.sessionId = quint64(integer(o, "sessionId"_L1));
    q.type = qint32(integer(o, "type"_L1));
    q.userId = o.value("userId"_L1).toString();
    q.sinceMs = integer(o, "since"_L1);
    return q;
}

QJsonObject pairJson(const PairInfo &p)
{
    QJsonObject o {{u"pairId"_s, p.pairId}, {u"type"_s, p.type},
        {u"users"_s, QJsonArray {p.userIds[0], p.userIds[1]}},
        {u"seats"_s, QJsonArray {qint64(p.seatSessions[0]), qint64(p.seatSessions[1])}},
        {u"state"_s, QString(pairStateName(p.state))}, {u"moves"_s, qint64(p.moves)},
        {u"issuedAt"_s, p.issuedAtMs}, {u"prepareDeadline"_s, p.prepareDeadlineMs}};
    if (p.outcome >= 0)
        o.insert(u"outcome"_s, QString(pairOutcomeName(PairOutcome(p.outcome))));
    return o;
}

PairInfo pairFrom(const QJsonObject &o)
{
    PairInfo p;
    p.pairId = o.value("pairId"_L1).toString();
    p.type = qint32(integer(o, "type"_L1));
    const QJsonArray users = o.value("users"_L1).toArray();
    const QJsonArray seats = o.value("seats"_L1).toArray();
    for (int i = 0; i < 2; ++i) {
        p.userIds[std::size_t(i)] = users.at(i).toString();
        // exact as written (a seat held for another node has the top bit set: no double)
        p.seatSessions[std::size_t(i)] = quint64(seats.at(i).toInteger());
    }
    const QString state = o.value("state"_L1).toString();
    for (int s = 0; s <= int(PairState::Over); ++s) {
        if (state == pairStateName(PairState(s)))
            p.state = PairState(s);
    }
    const QString outcome = o.value("outcome"_L1).toString();
    for (int k = 0; k <= int(PairOutcome::Invalid); ++k) {
        if (outcome == pairOutcomeName(PairOutcome(k)))
            p.outcome = k;
    }
    p.moves = quint64(integer(o, "moves"_L1));
    p.issuedAtMs = integer(o, "issuedAt"_L1);
    p.prepareDeadlineMs = integer(o, "prepareDeadline"_L1, -1);
    return p;
}

QJsonObject disconnectJson(const ForcedDisconnect &d)
{
    return {{u"at"_s, d.atMs}, {u"sessionId"_s, qint64(d.sessionId)}, {u"userId"_s, d.userId},
        {u"pairId"_s, d.pairId}, {u"endpoint"_s, endpointName(d.endpoint)}, {u"remote"_s, d.remote},
        {u"code"_s, d.code}, {u"reason"_s, d.reason}};
}

ForcedDisconnect disconnectFrom(const QJsonObject &o)
{
    ForcedDisconnect d;
    d.atMs = integer(o, "at"_L1);
    d.sessionId = quint64(integer(o, "sessionId"_L1));
    d.userId = o.value("userId"_L1).toString();
    d.pairId = o.value("pairId"_L1).toString();
    d.endpoint = endpointFrom(o.value("endpoint"_L1));
    d.remote = o.value("remote"_L1).toString();
    d.code = int(integer(o, "code"_L1));
    d.reason = o.value("reason"_L1).toString();
    return d;
}

QJsonObject eventJson(const LogEvent &e)
{
    QJsonObject o {{u"at"_s, e.atMs}, {u"kind"_s, QString(logEventKindName(e.kind))}};
    if (e.sessionId)
        o.insert(u"sessionId"_s, qint64(e.sessionId));
    if (!e.userId.isEmpty())
        o.insert(u"userId"_s, e.userId);
    if (!e.otherUserId.isEmpty())
        o.insert(u"otherUserId"_s, e.otherUserId);
    if (!e.pairId.isEmpty())
        o.insert(u"pairId"_s, e.pairId);
    if (!e.detail.isEmpty())
        o.insert(u"detail"_s, e.detail);
    return o;
}

bool eventFrom(const QJsonObject &o, LogEvent &e)
{
    const std::optional<LogEvent::Kind> kind = logEventKindFromName(o.value("kind"_L1).toString());
    if (!kind)
        return false;
    e.kind = *kind;
    e.atMs = integer(o, "at"_L1);
    e.sessionId = quint64(integer(o, "sessionId"_L1));
    e.userId = o.value("userId"_L1).toString();
    e.otherUserId = o.value("otherUserId"_L1).toString();
    e.pairId = o.value("pairId"_L1).toString();
    e.detail = o.value("detail"_L1).toString();
    return true;
}

QJsonObject statsJson(const StatsSample &s)
{
    return {{u"at"_s, s.atMs}, {u"connections"_s, s.connections}, {u"waiting"_s, s.waiting},
        {u"livePairs"_s, s.livePairs}, {u"matchesPerMinute"_s, s.matchesPerMinute},
        {u"movesPerSecond"_s, s.movesPerSecond}, {u"historyWritten"_s, s.historyWritten},
        {u"historyFailed"_s, s.historyFailed}};
}

StatsSample statsFrom(const QJsonObject &o)
{
    StatsSample s;
    s.atMs = integer(o, "at"_L1);
    s.connections = integer(o, "connections"_L1);
    s.waiting = integer(o, "waiting"_L1);
    s.livePairs = integer(o, "livePairs"_L1);
    s.matchesPerMinute = o.value("matchesPerMinute"_L1).toDouble();
    s.movesPerSecond = o.value("movesPerSecond"_L1).toDouble();
    s.historyWritten = integer(o, "historyWritten"_L1);
    s.historyFailed = integer(o, "historyFailed"_L1);
    return s;
}

QJsonObject clusterJson(const ClusterState &c)
{
    QJsonArray queues;
    for (const ClusterQueueLength &q : c.queues)
        queues.append(QJsonObject {{u"type"_s, q.type}, {u"length"_s, q.length}});
    QJsonArray pairs;
    for (const ClusterPairRow &p : c.pairs) {
        pairs.append(QJsonObject {{u"pairId"_s, p.pairId}, {u"home"_s, p.home}, {u"type"_s, p.type},
            {u"state"_s, p.state}, {u"users"_s, QJsonArray {p.userIds[0], p.userIds[1]}},
            {u"seatNodes"_s, QJsonArray {p.seatNodes[0], p.seatNodes[1]}}, {u"local"_s, p.local}});
    }
    return {{u"nodeId"_s, c.nodeId}, {u"linkUp"_s, c.linkUp}, {u"downSince"_s, c.downSinceMs},
        {u"lastError"_s, c.lastError}, {u"queues"_s, queues}, {u"pairs"_s, pairs}};
}

ClusterState clusterFrom(const QJsonObject &o)
{
    ClusterState c;
    c.nodeId = o.value("nodeId"_L1).toString();
    c.linkUp = o.value("linkUp"_L1).toBool();
    c.downSinceMs = integer(o, "downSince"_L1, -1);
    c.lastError = o.value("lastError"_L1).toString();
    for (const QJsonValue v : o.value("queues"_L1).toArray()) {
        const QJsonObject q = v.toObject();
        c.queues.append({qint32(integer(q, "type"_L1)), integer(q, "length"_L1)});
    }
    for (const QJsonValue v : o.value("pairs"_L1).toArray()) {
        const QJsonObject p = v.toObject();
        ClusterPairRow row;
        row.pairId = p.value("pairId"_L1).toString();
        row.home = p.value("home"_L1).toString();
        row.type = qint32(integer(p, "type"_L1));
        row.state = p.value("state"_L1).toString();
        const QJsonArray users = p.value("users"_L1).toArray();
        const QJsonArray seats = p.value("seatNodes"_L1).toArray();
        for (qsizetype i = 0; i < 2; ++i) {
            row.userIds[std::size_t(i)] = users.at(i).toString();
            row.seatNodes[std::size_t(i)] = seats.at(i).toString();
        }
        row.local = p.value("local"_L1).toBool();
        c.pairs.append(row);
    }
    return c;
}

template <typename T, typename F> QJsonArray arrayOf(const QList<T> &items, F &&toJsonItem)
{
    QJsonArray a;
    for (const T &item : items)
        a.append(toJsonItem(item));
    return a;
}

} // namespace

QLatin1StringView logEventKindName(LogEvent::Kind kind)
{
    return kEventKinds[std::size_t(kind)];
}

std::optional<LogEvent::Kind> logEventKindFromName(QStringView name)
{
    for (std::size_t i = 0; i < kEventKinds.size(); ++i) {
        if (name == kEventKinds[i])
            return LogEvent::Kind(i);
    }
    return std::nullopt;
}

QJsonObject toJson(const Snapshot &s)
{
    return {{u"command"_s, u"snapshot"_s}, {u"seq"_s, qint64(s.seq)},
        {u"serverTime"_s, s.serverTimeMs}, {u"draining"_s, s.draining},
        {u"sessions"_s, arrayOf(s.sessions, sessionJson)},
        {u"queue"_s, arrayOf(s.queue, queueJson)}, {u"pairs"_s, arrayOf(s.pairs, pairJson)},
        {u"disconnects"_s, arrayOf(s.disconnects, disconnectJson)},
        {u"events"_s, arrayOf(s.events, eventJson)}, {u"history"_s, arrayOf(s.history, statsJson)},
        {u"cluster"_s, clusterJson(s.cluster)}};
}

bool fromJson(const QJsonObject &o, Snapshot &s)
{
    if (o.value("command"_L1).toString() != "snapshot"_L1 || !o.value("seq"_L1).isDouble())
        return false;
    s = Snapshot {};
    s.seq = quint64(integer(o, "seq"_L1));
    s.serverTimeMs = integer(o, "serverTime"_L1);
    s.draining = o.value("draining"_L1).toBool();
    for (const QJsonValue v : o.value("sessions"_L1).toArray())
        s.sessions.append(sessionFrom(v.toObject()));
    for (const QJsonValue v : o.value("queue"_L1).toArray())
        s.queue.append(queueFrom(v.toObject()));
    for (const QJsonValue v : o.value("pairs"_L1).toArray())
        s.pairs.append(pairFrom(v.toObject()));
    for (const QJsonValue v : o.value("disconnects"_L1).toArray())
        s.disconnects.append(disconnectFrom(v.toObject()));
    for (const QJsonValue v : o.value("events"_L1).toArray()) {
        LogEvent e;
        if (eventFrom(v.toObject(), e))
            s.events.append(e);
    }
    for (const QJsonValue v : o.value("history"_L1).toArray())
        s.history.append(statsFrom(v.toObject()));
    s.cluster = clusterFrom(o.value("cluster"_L1).toObject());
    return true;
}

QJsonObject toJson(const AdminUpdate &u)
{
    QJsonObject o {{u"command"_s, u"update"_s}, {u"seq"_s, qint64(u.seq)},
        {u"kind"_s, QString(kUpdateKinds[std::size_t(u.kind)])}};
    switch (u.kind) {
    case AdminUpdate::Kind::SessionOpened:
    case AdminUpdate::Kind::SessionChanged:
        o.insert(u"session"_s, sessionJson(u.session));
        break;
    case AdminUpdate::Kind::SessionClosed:
    case AdminUpdate::Kind::QueueLeft:
        o.insert(u"sessionId"_s, qint64(u.sessionId));
        break;
    case AdminUpdate::Kind::QueueJoined:
        o.insert(u"entry"_s, queueJson(u.queueEntry));
        break;
    case AdminUpdate::Kind::PairChanged:
        o.insert(u"pair"_s, pairJson(u.pair));
        break;
    case AdminUpdate::Kind::PairRemoved:
        o.insert(u"pairId"_s, u.pairId);
        break;
    case AdminUpdate::Kind::Disconnect:
        o.insert(u"disconnect"_s, disconnectJson(u.disconnect));
        break;
    case AdminUpdate::Kind::Event:
        o.insert(u"event"_s, eventJson(u.event));
        break;
    case AdminUpdate::Kind::Stats:
        o.insert(u"stats"_s, statsJson(u.stats));
        break;
    case AdminUpdate::Kind::Draining:
        o.insert(u"draining"_s, u.draining);
        break;
    case AdminUpdate::Kind::Cluster:
        o.insert(u"cluster"_s, clusterJson(u.cluster));
        break;
    }
    return o;
}

bool fromJson(const QJsonObject &o, AdminUpdate &u)
{
    if (o.value("command"_L1).toString() != "update"_L1 || !o.value("seq"_L1).isDouble())
        return false;
    const QString kind = o.value("kind"_L1).toString();
    const auto it = std::find(kUpdateKinds.begin(), kUpdateKinds.end(), kind);
    if (it == kUpdateKinds.end())
        return false;
    u = AdminUpdate {};
    u.seq = quint64(integer(o, "seq"_L1));
    u.kind = AdminUpdate::Kind(it - kUpdateKinds.begin());
    switch (u.kind) {
    case AdminUpdate::Kind::SessionOpened:
    case AdminUpdate::Kind::SessionChanged:
        u.session = sessionFrom(o.value("session"_L1).toObject());
        return u.session.id != 0;
    case AdminUpdate::Kind::SessionClosed:
    case AdminUpdate::Kind::QueueLeft:
        u.sessionId = quint64(integer(o, "sessionId"_L1));
        return u.sessionId != 0;
    case AdminUpdate::Kind::QueueJoined:
        u.queueEntry = queueFrom(o.value("entry"_L1).toObject());
        return u.queueEntry.sessionId != 0;
    case AdminUpdate::Kind::PairChanged:
        u.pair = pairFrom(o.value("pair"_L1).toObject());
        return !u.pair.pairId.isEmpty();
    case AdminUpdate::Kind::PairRemoved:
        u.pairId = o.value("pairId"_L1).toString();
        return !u.pairId.isEmpty();
    case AdminUpdate::Kind::Disconnect:
        u.disconnect = disconnectFrom(o.value("disconnect"_L1).toObject());
        return true;
    case AdminUpdate::Kind::Event:
        return eventFrom(o.value("event"_L1).toObject(), u.event);
    case AdminUpdate::Kind::Stats:
        u.stats = statsFrom(o.value("stats"_L1).toObject());
        return true;
    case AdminUpdate::Kind::Draining:
        u.draining = o.value("draining"_L1).toBool();
        return true;
    case AdminUpdate::Kind::Cluster:
        u.cluster = clusterFrom(o.value("cluster"_L1).toObject());
        return true;
    }
    return false;
}

QByteArray updatesMessage(QByteArrayView joinedUpdates)
{
    constexpr QByteArrayView head = R"({"command":"updates","updates":[)";
    constexpr QByteArrayView tail = "]}";
    QByteArray message;
    message.reserve(head.size() + joinedUpdates.size() + tail.size());
    message.append(head).append(joinedUpdates).append(tail);
    return message;
}

bool fromJson(const QJsonObject &o, QList<AdminUpdate> &updates)
{
    if (o.value("command"_L1).toString() != "updates"_L1)
        return false;
    updates.clear();
    for (const QJsonValue v : o.value("updates"_L1).toArray()) {
        AdminUpdate update;
        if (fromJson(v.toObject(), update))
            updates.append(update);
    }
    return true;
}

} // namespace pairmatch
