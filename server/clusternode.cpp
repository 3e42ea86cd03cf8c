#include "clusternode.h"

#include "logging.h"
#include "servercore.h"
#include "session.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>

#include <hiredis/hiredis.h>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

QByteArray number(qint64 n)
{
    return QByteArray::number(n);
}

QByteArray tokenHash(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

QByteArray replyText(const redisReply *r)
{
    if (!r
        || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS
            && r->type != REDIS_REPLY_ERROR))
        return {};
    return QByteArray(r->str, qsizetype(r->len));
}

// The close cause an Effect was made from (the wire names causes, not codes and reasons).
CloseCause causeOf(const Effect &e)
{
    for (int c = 0; c <= int(CloseCause::Replaced); ++c) {
        const CloseCauseInfo info = closeCause(CloseCause(c));
        if (info.code == e.closeCode && info.reason == e.reason)
            return CloseCause(c);
    }
    return CloseCause::Shutdown;
}

QByteArray pairStateText(const Pair &pair)
{
    return QByteArray(pairStateName(pair.state()).data(), pairStateName(pair.state()).size());
}

quint64 randomInstance()
{
    quint64 n = 0;
    while (n == 0)
        n = QRandomGenerator::system()->generate64();
    return n;
}

} // namespace

ClusterNode::ClusterNode(ServerCore &core, const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_core(core)
    , m_config(config)
    , m_self(config.nodeId.isEmpty() ? randomNodeId() : config.nodeId)
    , m_links(m_self, config.clusterInstance ? config.clusterInstance : randomInstance())
    , m_link(*parseRedisUrl(config.redisUrl), "pairmatch:ch:" + m_self, m_clock,
          std::max<Millis>(3000, config.nodeTtlMs))
    , m_codec(CodecLimits {config.maxUserBytes, config.maxDataBytes})
    , m_timer(m_clock, [this] { onTimer(); })
{
    connect(&m_link, &RedisLink::up, this, &ClusterNode::onLinkUp);
    connect(&m_link, &RedisLink::down, this, &ClusterNode::onLinkDown);
    connect(&m_link, &RedisLink::message, this, &ClusterNode::onMessage);
}

ClusterNode::~ClusterNode() = default;

bool ClusterNode::claimNodeId(const ServerConfig &config, quint64 instance, QString *error)
{
    const std::optional<RedisAddress> address = parseRedisUrl(config.redisUrl);
    if (!address)
        return true;
    const QByteArray id = config.nodeId;
    redisContext *c
        = redisConnectWithTimeout(address->host.constData(), address->port, timeval {2, 0});
    if (!c || c->err) {
        qCWarning(lcNet).noquote()
            << u"cluster: Redis at %1:%2 not reachable yet (%3); "
               "serving alone until it is"_s.arg(QString::fromLatin1(address->host))
                   .arg(address->port)
                   .arg(c ? QString::fromLocal8Bit(c->errstr) : u"no memory"_s);
        if (c)
            redisFree(c);
        return true;
    }
    redisSetTimeout(c, timeval {2, 0});
    bool claimed = true;
    if (address->db != 0) {
        if (auto *r = static_cast<redisReply *>(redisCommand(c, "SELECT %d", address->db)))
            freeReplyObject(r);
    }
    const QByteArray &source = clusterScriptSource(ClusterScript::Register);
    const QByteArray inst = QByteArray::number(instance, 16);
    const QByteArray ttl = QByteArray::number(config.nodeTtlMs);
    const char *argv[]
        = {"EVAL", source.constData(), "0", id.constData(), inst.constData(), ttl.constData()};
    const size_t lengths[]
        = {4, size_t(source.size()), 1, size_t(id.size()), size_t(inst.size()), size_t(ttl.size())};
    auto *r = static_cast<redisReply *>(redisCommandArgv(c, 6, argv, lengths));
    if (r && r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
        claimed = false;
        if (error) {
            *error = u"node id %1 is held by a live node (pairmatch:node:%1 exists); give "
                     "another --node-id"_s.arg(QString::fromLatin1(id));
        }
    } else if (!r || r->type == REDIS_REPLY_ERROR) {
        qCWarning(lcNet).noquote()
            << u"cluster: could not claim the node id now (%1); the link will retry"_s.arg(
                   r ? QString::fromUtf8(r->str) : QString::fromLocal8Bit(c->errstr));
    }
    if (r)
        freeReplyObject(r);
    redisFree(c);
    return claimed;
}

void ClusterNode::start()
{
    qCInfo(lcNet).noquote() << u"cluster: node %1 on %2, heartbeat TTL %3 ms"_s
                                   .arg(QString::fromLatin1(m_self), m_config.redisUrl)
                                   .arg(m_config.nodeTtlMs);
    m_link.start();
    rearm();
}

// ---------------------------------------------------------------------------------------------
// From the core

bool ClusterNode::takeText(Session &s, QByteArrayView text)
{
    const auto held = m_held.find(s.id());
    if (held != m_held.end()) {
        held->second.push_back(text.toByteArray());
        return true;
    }
    if (s.endpoint() != Endpoint::Round)
        return false;
    Binding *b = m_routes.binding(s.id());
    if (!b)
        return false;
    if (b->home.isEmpty()) {
        answerOrphan(s, text);
        return true;
    }
    batch(b->home).text(s.id(), text);
    return true;
}

void ClusterNode::answerOrphan(Session &s, QByteArrayView text)
{
    // Its home went away after the pair started: the pair is over, as after `none`.
    Output &out = m_core.m_out;
    ClientMessage message;
    if (const auto error = m_codec.decode(text, Endpoint::Round, message)) {
        out.sendError(s.id(), *error);
        return;
    }
    switch (message.command) {
    case Command::Prepared:
        out.sendError(s.id(), ErrorCode::AlreadySeated);
        return;
    case Command::Game:
        out.sendError(s.id(), ErrorCode::Ended);
        return;
    case Command::End:
        out.send(s.id(), MessageCodec::endedFrame());
        return;
    default:
        out.sendError(s.id(), ErrorCode::UnknownCommand);
        return;
    }
}

void ClusterNode::entry(Session &s, const ClientMessage &message)
{
    Output &out = m_core.m_out;
    if (!m_core.m_matchmaker.admits(s.id(), message.userId, out))
        return;
    if (!isUp()) {
        out.sendError(s.id(), ErrorCode::Unavailable);
        return;
    }
    const QueuedPlayer player {s.id(), s.route().type, message.userId,
        MessageCodec::compactUser(message), m_core.m_clock.now()};
    pushEntry(player, false);
}

void ClusterNode::pushEntry(const QueuedPlayer &player, bool quiet)
{
    PairTable::Keys keys = PairTable::Keys::random();
    const qint64 wallNow = QDateTime::currentMSecsSinceEpoch();
    const std::vector<QByteArray> args {m_self, number(player.type), number(qint64(player.conn)),
        player.userId, player.user, keys.pairId, number(keys.seed), number(wallNow),
        number(wallNow + m_core.m_pairs.config().prepareTimeout), tokenHash(keys.tokens[0]),
        tokenHash(keys.tokens[1])};
    if (!quiet)
        hold(player.conn);
    const bool sent = m_link.script(ClusterScript::Entry, args,
        [this, player, keys = std::move(keys), quiet](const redisReply *reply) {
            ServerCore::Busy busy(m_core);
            onEntryReply(player, keys, quiet, reply);
            if (!quiet)
                release(player.conn);
        });
    if (!sent && !quiet) {
        m_core.m_out.sendError(player.conn, ErrorCode::Unavailable);
        release(player.conn);
    }
}

void ClusterNode::onEntryReply(
    const QueuedPlayer &player, const PairTable::Keys &keys, bool quiet, const redisReply *reply)
{
    Output &out = m_core.m_out;
    Session *s = m_core.m_connections.find(player.conn);
    const bool open = s && !s->gone;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 1) {
        if (reply && reply->type == REDIS_REPLY_ERROR) {
            qCWarning(lcMatch).noquote()
                << u"cluster: entry script failed: "_s + QString::fromUtf8(replyText(reply));
        }
        if (open && !quiet)
            out.sendError(player.conn, ErrorCode::Unavailable);
        return;
    }
    const QByteArray verdict = replyText(reply->element[0]);
    if (verdict == "dup") {
        if (quiet) // put back after a reconnect, and someone else took the userId meanwhile
            m_core.m_matchmaker.remove(player.conn, out);
        if (open)
            out.sendError(player.conn, ErrorCode::DuplicateUser);
        return;
    }
    if (verdict == "queued") {
        if (quiet)
            return; // it waits here already
        if (open) {
            m_core.m_matchmaker.hold(player, out);
        } else if (m_link.isUp()) {
            // It closed while its entry was on the way: take it out again.
            m_link.script(ClusterScript::Leave,
                {m_self, number(player.type), number(qint64(player.conn)), player.userId});
        }
        return;
    }
    if (verdict != "matched" || reply->elements < 5)
        return;
    const QByteArray waiterNode = replyText(reply->element[1]);
    const ConnId waiterConn = replyText(reply->element[2]).toULongLong();
    QueuedPlayer waiter {
        0, player.type, replyText(reply->element[3]), replyText(reply->element[4]), 0};
    if (quiet)
        m_core.m_matchmaker.take(player.conn, 0, out);
    if (waiterNode == m_self) {
        if (const auto local = m_core.m_matchmaker.take(waiterConn, player.conn, out))
            waiter = *local;
        else
            waiter.conn = waiterConn; // it has just closed: its `prepare` goes nowhere
    } else {
        waiter.conn = m_routes.addProxy(waiterNode, waiterConn, QByteArray());
    }
    const Millis now = m_core.m_clock.now();
    const Match match {player.type, player, waiter};
    const Pair &pair = m_core.m_pairs.issue(match, now, out, keys);
    m_core.m_view.matchMade(match, pair);
}

void ClusterNode::cancel(Session &s)
{
    Output &out = m_core.m_out;
    const QueuedPlayer *waiting = m_core.m_matchmaker.waiting(s.id());
    if (!waiting || !isUp()) {
        // Not queued, or no link: the entry is put back on reconnect only if still queued here.
        m_core.m_matchmaker.cancel(s.id(), out);
        return;
    }
    const ConnId conn = s.id();
    hold(conn);
    m_link.script(ClusterScript::Leave,
        {m_self, number(waiting->type), number(qint64(conn)), waiting->userId},
        [this, conn](const redisReply *reply) {
            ServerCore::Busy busy(m_core);
            Output &o = m_core.m_out;
            if (!reply || reply->type != REDIS_REPLY_INTEGER || reply->integer == 1) {
                m_core.m_matchmaker.cancel(conn, o);
            } else {
                // Matched on another node an instant before: its `prepare` is on the way.
                m_core.m_matchmaker.remove(conn, o);
                o.sendError(conn, ErrorCode::NotQueued);
            }
            release(conn);
        });
}

void ClusterNode::preparedElsewhere(Session &s, QByteArrayView utf8)
{
    Output &out = m_core.m_out;
    if (!isUp()) {
        out.sendError(s.id(), ErrorCode::Unavailable);
        return;
    }
    const ConnId conn = s.id();
    const QByteArray pairId = s.route().pairId;
    hold(conn);
    const bool sent = m_link.command({"HGET", "pairmatch:pair:" + pairId, "home"},
        [this, conn, pairId, text = utf8.toByteArray()](const redisReply *reply) {
            ServerCore::Busy busy(m_core);
            Output &o = m_core.m_out;
            Session *session = m_core.m_connections.find(conn);
            if (session && !session->gone) {
                const QByteArray home = replyText(reply);
                if (!reply) {
                    o.sendError(conn, ErrorCode::Unavailable);
                } else if (home.isEmpty() || home == m_self) {
                    o.sendError(conn, ErrorCode::UnknownPair);
                } else {
                    m_routes.bind(conn, home);
                    ClusterBatchWriter &b = batch(home);
                    b.bind(conn, pairId);
                    b.text(conn, text);
                }
            }
            release(conn);
        });
    if (!sent) {
        out.sendError(conn, ErrorCode::Unavailable);
        release(conn);
    }
}

void ClusterNode::release(ConnId conn)
{
    const auto it = m_held.find(conn);
    if (it == m_held.end())
        return;
    std::vector<QByteArray> texts = std::move(it->second);
    m_held.erase(it);
    for (std::size_t i = 0; i < texts.size(); ++i) {
        Session *s = m_core.m_connections.find(conn);
        if (!s || s->gone)
            return;
        const auto again = m_held.find(conn);
        if (again != m_held.end()) {
            // the text before went to Redis again: the rest waits behind it
            again->second.insert(again->second.end(), texts.begin() + qsizetype(i), texts.end());
            return;
        }
        m_core.dispatch(*s, texts[i]);
    }
}

void ClusterNode::forget(Session &s)
{
    const ConnId conn = s.id();
    m_held.erase(conn);
    if (s.endpoint() == Endpoint::Matching) {
        if (const QueuedPlayer *w = m_core.m_matchmaker.waiting(conn); w && m_link.isUp()) {
            m_link.script(
                ClusterScript::Leave, {m_self, number(w->type), number(qint64(conn)), w->userId});
        }
        return;
    }
    if (Binding *b = m_routes.binding(conn)) {
        if (!b->home.isEmpty())
            batch(b->home).gone(conn);
        m_routes.unbind(conn);
    }
}

void ClusterNode::effect(const Effect &e)
{
    const ProxyConn *p = m_routes.proxyConn(e.conn);
    if (!p)
        return;
    const ConnId proxy = e.conn;
    const QByteArray node = p->node;
    const ConnId remote = p->remote;
    if (e.kind == Effect::Kind::Send) {
        if (p->pairId.isEmpty()) { // a waiter's `prepare`: the only thing it is sent from here
            batch(node).matched(remote, e.frame);
            m_routes.dropProxy(proxy);
        } else {
            batch(node).frame(remote, e.frame);
        }
        return;
    }
    batch(node).close(remote, causeOf(e));
    m_routes.dropProxy(proxy);
    m_core.m_pairs.leave(proxy, m_core.m_clock.now(), m_core.m_out);
}

void ClusterNode::pairEvents(const std::vector<PairEvent> &events)
{
    for (const PairEvent &e : events) {
        switch (e.kind) {
        case PairEvent::Kind::Issued:
            break;
        case PairEvent::Kind::Removed:
            m_dirtyPairs.erase(e.pairId);
            m_deletedPairs.push_back(e.pairId);
            break;
        case PairEvent::Kind::Unseated:
            if (const ProxyConn *p = m_routes.proxyConn(e.conn))
                batch(p->node).seat(p->remote, SeatState::Bound);
            break;
        default: {
            // The record follows the pair's state and seats where they matter to others: at
            // start, on a takeover and when it is over (not at every seat taken before start:
            // a Redis call less per pair).
            if (e.kind != PairEvent::Kind::Seated)
                m_dirtyPairs.insert(e.pairId);
            const Pair *pair = m_core.m_pairs.find(e.pairId);
            if (!pair)
                break;
            const SeatState state = pair->over() ? SeatState::Over
                : pair->started                  ? SeatState::Started
                                                 : SeatState::Waiting;
            for (ConnId seat : pair->seats) {
                if (const ProxyConn *p
                    = ClusterRoutes::isProxy(seat) ? m_routes.proxyConn(seat) : nullptr)
                    batch(p->node).seat(p->remote, state);
            }
            break;
        }
        }
    }
}

ClusterBatchWriter &ClusterNode::batch(const QByteArray &to)
{
    auto it = m_batches.find(to);
    if (it == m_batches.end())
        it = m_batches.emplace(to, std::make_unique<ClusterBatchWriter>(m_links.nextHeader(to)))
                 .first;
    return *it->second;
}

void ClusterNode::flush()
{
    if (m_batches.empty() && m_dirtyPairs.empty() && m_deletedPairs.empty())
        return;
    if (!m_link.isUp()) {
        m_batches.clear();
        m_dirtyPairs.clear();
        m_deletedPairs.clear();
        return;
    }
    // Taken out first: a send that fails takes the link down, which clears them.
    const auto dirty = std::move(m_dirtyPairs);
    const auto deleted = std::move(m_deletedPairs);
    const auto batches = std::move(m_batches);
    m_dirtyPairs.clear();
    m_deletedPairs.clear();
    m_batches.clear();
    for (const QByteArray &id : dirty) {
        if (const Pair *pair = m_core.m_pairs.find(id)) {
            std::vector<QByteArray> args {id, "state", pairStateText(*pair)};
            for (std::size_t i = 0; i < 2; ++i) {
                const ConnId seat = pair->seats[i];
                QByteArray node;
                if (seat && ClusterRoutes::isProxy(seat)) {
                    if (const ProxyConn *p = m_routes.proxyConn(seat))
                        node = p->node;
                } else if (seat) {
                    node = m_self;
                }
                args.push_back(i == 0 ? "seat0" : "seat1");
                args.push_back(node);
            }
            m_link.script(ClusterScript::PairSet, args);
        }
    }
    for (const QByteArray &id : deleted)
        m_link.script(ClusterScript::PairDelete, {m_self, id});
    for (const auto &[to, writer] : batches) {
        if (!writer->isEmpty())
            m_link.command({"PUBLISH", channel(to), writer->bytes()});
    }
}

// ---------------------------------------------------------------------------------------------
// From Redis

void ClusterNode::onMessage(const QByteArray &payload)
{
    ServerCore::Busy busy(m_core);
    ClusterBatchReader reader(payload);
    if (!reader.headerOk()) {
        qCWarning(lcNet) << "cluster: a malformed batch on this node's channel; dropped";
        return;
    }
    const ClusterBatchHeader &h = reader.header();
    if (h.sender == m_self)
        return;
    const ClusterLinks::Verdict v = m_links.received(h);
    if (v.dropShared)
        dropPeer(h.sender, true);
    if (v.askReset) {
        qCInfo(lcNet).noquote() << u"cluster: a hole in the batches from node %1; its pairs "
                                   "with this node end"_s.arg(QString::fromLatin1(h.sender));
        batch(h.sender).reset(*v.askReset);
    }
    if (!v.apply)
        return;
    ClusterRecord r;
    while (reader.next(r))
        apply(h.sender, r);
    if (reader.error()) {
        qCWarning(lcNet).noquote()
            << u"cluster: a malformed record from node %1"_s.arg(QString::fromLatin1(h.sender));
    }
}

void ClusterNode::apply(const QByteArray &from, const ClusterRecord &r)
{
    Output &out = m_core.m_out;
    switch (r.kind) {
    case ClusterRecord::Kind::Frame:
        if (m_routes.binding(r.conn))
            out.send(r.conn, r.bytes);
        return;
    case ClusterRecord::Kind::Close:
        if (m_routes.binding(r.conn)) {
            m_routes.unbind(r.conn); // closed by the home: nothing to tell it back
            out.close(r.conn, CloseCause(r.small));
        }
        return;
    case ClusterRecord::Kind::Seat:
        if (Binding *b = m_routes.binding(r.conn); b && b->home == from)
            b->state = SeatState(r.small);
        return;
    case ClusterRecord::Kind::Matched: {
        Session *s = m_core.m_connections.find(r.conn);
        if (!s || s->gone || s->endpoint() != Endpoint::Matching)
            return;
        m_core.m_matchmaker.take(r.conn, 0, out);
        out.send(r.conn, r.bytes);
        return;
    }
    case ClusterRecord::Kind::Bind:
        m_routes.addProxy(from, r.conn, r.bytes);
        return;
    case ClusterRecord::Kind::Text: {
        const ConnId proxy = m_routes.proxy(from, r.conn);
        if (const ProxyConn *p = proxy ? m_routes.proxyConn(proxy) : nullptr)
            dispatchProxy(proxy, p->pairId, r.bytes);
        return;
    }
    case ClusterRecord::Kind::Gone:
        if (const ConnId proxy = m_routes.proxy(from, r.conn)) {
            m_routes.dropProxy(proxy);
            m_core.m_pairs.leave(proxy, m_core.m_clock.now(), out);
        }
        return;
    case ClusterRecord::Kind::Reset:
        if (m_links.resetTo(from, r.epoch))
            dropPeer(from, true);
        return;
    }
}

void ClusterNode::dispatchProxy(ConnId proxy, const QByteArray &pairId, QByteArrayView text)
{
    Output &out = m_core.m_out;
    ClientMessage message;
    if (const auto error = m_codec.decode(text, Endpoint::Round, message)) {
        out.sendError(proxy, *error);
        return;
    }
    switch (message.command) {
    case Command::Prepared:
        m_core.m_pairs.prepared(proxy, pairId, message, m_core.m_clock.now(), out);
        return;
    case Command::Game:
        m_core.m_pairs.game(proxy, message, out);
        return;
    case Command::End:
        m_core.m_pairs.end(proxy, m_core.m_clock.now(), out);
        return;
    default:
        out.sendError(proxy, ErrorCode::UnknownCommand);
        return;
    }
}

void ClusterNode::dropPeer(const QByteArray &node, bool alive)
{
    const Millis now = m_core.m_clock.now();
    std::vector<ConnId> unbound;
    for (ConnId proxy : m_routes.dropPeer(node, m_core.m_out, &unbound))
        m_core.m_pairs.leave(proxy, now, m_core.m_out);
    if (alive) {
        // What it made of them from batches it sent before it heard of this must go too.
        for (ConnId conn : unbound)
            batch(node).gone(conn);
    }
}

void ClusterNode::dropAllPeers()
{
    const Millis now = m_core.m_clock.now();
    for (ConnId proxy : m_routes.dropAll(m_core.m_out))
        m_core.m_pairs.leave(proxy, now, m_core.m_out);
}

void ClusterNode::onLinkUp()
{
    ServerCore::Busy busy(m_core);
    qCInfo(lcNet).noquote() << u"cluster: Redis link up (%1)"_s.arg(m_config.redisUrl);
    resync();
    Q_EMIT stateChanged();
}

void ClusterNode::onLinkDown(const QString &reason)
{
    ServerCore::Busy busy(m_core);
    qCWarning(lcNet).noquote() << u"cluster: Redis link down: %1; entries get `unavailable`, "
                                  "pairs across nodes end, reconnecting"_s.arg(reason);
    m_registered = false;
    m_batches.clear();
    m_dirtyPairs.clear();
    m_deletedPairs.clear();
    dropAllPeers();
    if (m_stopping && !m_stopped) {
        m_stopped = true;
        m_link.stop();
        Q_EMIT stopped();
    }
    Q_EMIT stateChanged();
}

// After (re)connecting: claim the id again, put back this node's waiters and pairs (whatever
// Redis held of them may be gone, or stale), and ask every peer to renumber: batches may have
// been lost both ways.
void ClusterNode::resync()
{
    m_registered = false;
    const bool sent = m_link.script(ClusterScript::Register,
        {m_self, QByteArray::number(m_links.instance(), 16), number(m_config.nodeTtlMs)},
        [this](const redisReply *reply) {
            ServerCore::Busy busy(m_core);
            if (!reply)
                return;
            if (reply->type == REDIS_REPLY_INTEGER && reply->integer == 0) {
                const QString message = u"node id %1 is now held by another live node"_s.arg(
                    QString::fromLatin1(m_self));
                qCCritical(lcNet).noquote() << "cluster:" << message;
                Q_EMIT fatal(message);
                return;
            }
            if (reply->type != REDIS_REPLY_INTEGER)
                return;
            m_registered = true;
            qCInfo(lcNet).noquote()
                << u"cluster: node %1 joined"_s.arg(QString::fromLatin1(m_self));
            m_nextHeartbeat = m_clock.now() + m_config.nodeTtlMs / 3;
            dropAllPeers();
            for (const auto &[node, epoch] : m_links.resetAll())
                batch(node).reset(epoch);
            for (const QueuedPlayer &w : m_core.m_matchmaker.waiters())
                pushEntry(w, true);
            m_core.m_pairs.forEachPair([this](const Pair &pair) { putPair(pair); });
            Q_EMIT stateChanged();
        });
    if (!sent)
        return;
}

std::vector<QByteArray> ClusterNode::pairFields(const Pair &pair) const
{
    const qint64 wallNow = QDateTime::currentMSecsSinceEpoch();
    const Millis now = m_core.m_clock.now();
    std::vector<QByteArray> f {"home", m_self, "type", number(pair.type), "seed", number(pair.seed),
        "user0", pair.userIds[0], "user1", pair.userIds[1], "token0", tokenHash(pair.tokens[0]),
        "token1", tokenHash(pair.tokens[1]), "state", pairStateText(pair), "issued",
        number(wallNow - (now - pair.issuedAt)), "deadline",
        number(pair.prepareDeadline == kNoDeadline ? -1 : wallNow + (pair.prepareDeadline - now))};
    for (std::size_t i = 0; i < 2; ++i) {
        QByteArray node;
        if (const ConnId seat = pair.seats[i]; seat && !ClusterRoutes::isProxy(seat))
            node = m_self;
        f.push_back(i == 0 ? "seat0" : "seat1");
        f.push_back(node);
    }
    return f;
}

void ClusterNode::putPair(const Pair &pair)
{
    std::vector<QByteArray> args {m_self, pair.id};
    const std::vector<QByteArray> fields = pairFields(pair);
    args.insert(args.end(), fields.begin(), fields.end());
    m_link.script(ClusterScript::PairPut, args);
}

void ClusterNode::rearm()
{
    m_timer.arm(nextDeadline());
}

void ClusterNode::onTimer()
{
    ServerCore::Busy busy(m_core);
    const Millis now = m_clock.now();
    m_link.advance(now);
    if (m_registered && m_link.isUp() && now >= m_nextHeartbeat) {
        m_nextHeartbeat = now + std::max<Millis>(1, m_config.nodeTtlMs / 3);
        heartbeat();
        if (m_core.m_view.isObserved())
            refreshView();
    }
}

Millis ClusterNode::nextDeadline() const
{
    Millis next = m_link.nextDeadline();
    if (m_registered && m_link.isUp())
        next = std::min(next, m_nextHeartbeat);
    return next;
}

void ClusterNode::heartbeat()
{
    std::vector<QByteArray> args {
        m_self, QByteArray::number(m_links.instance(), 16), number(m_config.nodeTtlMs)};
    std::vector<QByteArray> peers = m_routes.peers();
    for (const QByteArray &p : m_links.peers()) {
        if (std::find(peers.begin(), peers.end(), p) == peers.end())
            peers.push_back(p);
    }
    args.insert(args.end(), peers.begin(), peers.end());
    m_link.script(ClusterScript::Heartbeat, args, [this](const redisReply *reply) {
        if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 1)
            return;
        ServerCore::Busy busy(m_core);
        const QByteArray status = replyText(reply->element[0]);
        if (status == "conflict") {
            const QString message
                = u"node id %1 is now held by another live node"_s.arg(QString::fromLatin1(m_self));
            qCCritical(lcNet).noquote() << "cluster:" << message;
            Q_EMIT fatal(message);
            return;
        }
        for (std::size_t i = 1; i < reply->elements; ++i) {
            const QByteArray dead = replyText(reply->element[i]);
            qCWarning(lcNet).noquote()
                << u"cluster: node %1 is dead (its heartbeat key "
                   "expired); its pairs with this node end"_s.arg(QString::fromLatin1(dead));
            dropPeer(dead, false);
            m_links.forget(dead);
        }
        if (status == "lost") {
            qCWarning(lcNet) << "cluster: this node's heartbeat key had expired (declared dead "
                                "by the others); joining again";
            resync();
        }
    });
}

void ClusterNode::refreshView()
{
    m_link.script(ClusterScript::View, {"500"}, [this](const redisReply *reply) {
        if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements < 2)
            return;
        QList<ClusterQueueLength> queues;
        const redisReply *q = reply->element[0];
        for (std::size_t i = 0; q->type == REDIS_REPLY_ARRAY && i + 1 < q->elements; i += 2)
            queues.append({qint32(replyText(q->element[i]).toInt()),
                replyText(q->element[i + 1]).toLongLong()});
        std::sort(queues.begin(), queues.end(),
            [](const ClusterQueueLength &a, const ClusterQueueLength &b) {
                return a.type < b.type;
            });
        QList<ClusterPairRow> rows;
        const redisReply *p = reply->element[1];
        for (std::size_t i = 0; p->type == REDIS_REPLY_ARRAY && i + 7 < p->elements; i += 8) {
            ClusterPairRow row;
            row.pairId = QString::fromLatin1(replyText(p->element[i]));
            row.home = QString::fromLatin1(replyText(p->element[i + 1]));
            row.type = qint32(replyText(p->element[i + 2]).toInt());
            row.state = QString::fromLatin1(replyText(p->element[i + 3]));
            row.userIds = {QString::fromLatin1(replyText(p->element[i + 4])),
                QString::fromLatin1(replyText(p->element[i + 5]))};
            row.seatNodes = {QString::fromLatin1(replyText(p->element[i + 6])),
                QString::fromLatin1(replyText(p->element[i + 7]))};
            row.local = row.home.toLatin1() == m_self;
            rows.append(row);
        }
        if (queues != m_queueLengths || rows != m_pairRows) {
            m_queueLengths = queues;
            m_pairRows = rows;
            Q_EMIT stateChanged();
        }
    });
}

void ClusterNode::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (!m_link.isUp()) {
        m_stopped = true;
        m_link.stop();
        Q_EMIT stopped();
        return;
    }
    // Every peer forgets what it shares with this node: its seats here get `none` (or
    // `invalid`), its pairs homed here lose their seats on this node.
    std::vector<QByteArray> peers = m_routes.peers();
    for (const QByteArray &p : m_links.peers()) {
        if (std::find(peers.begin(), peers.end(), p) == peers.end())
            peers.push_back(p);
    }
    const auto resets = m_links.resetAll();
    for (const QByteArray &p : peers) {
        quint32 epoch = 1;
        for (const auto &[node, e] : resets) {
            if (node == p)
                epoch = e;
        }
        batch(p).reset(epoch);
    }
    dropAllPeers();
    m_core.m_pairs.forEachPair([this](const Pair &pair) { m_deletedPairs.push_back(pair.id); });
    flush();
    m_link.script(ClusterScript::Unregister, {m_self, QByteArray::number(m_links.instance(), 16)},
        [this](const redisReply *) {
            if (m_stopped)
                return;
            m_stopped = true;
            qCInfo(lcNet).noquote()
                << u"cluster: node %1 left the cluster"_s.arg(QString::fromLatin1(m_self));
            QMetaObject::invokeMethod(
                this, [this] { m_link.stop(); }, Qt::QueuedConnection);
            Q_EMIT stopped();
        });
}

ClusterState ClusterNode::state() const
{
    ClusterState s;
    s.nodeId = QString::fromLatin1(m_self);
    s.linkUp = isUp();
    if (!s.linkUp) {
        const qint64 wallNow = QDateTime::currentMSecsSinceEpoch();
        s.downSinceMs = wallNow - (m_clock.now() - m_link.downSince());
        s.lastError = m_link.lastError();
    }
    s.queues = m_queueLengths;
    s.pairs = m_pairRows;
    return s;
}

} // namespace pairmatch
