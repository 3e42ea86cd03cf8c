#include "servercore.h"

#include "clusternode.h"
#include "epolldispatcher.h"
#include "logging.h"
#include "matchrecordsink.h"
#include "session.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>

namespace pairmatch {

using namespace Qt::StringLiterals;

ServerCore::ServerCore(const ServerConfig &config, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_clock(clock)
    , m_codec(CodecLimits {config.maxUserBytes, config.maxDataBytes})
    , m_admission(RateConfig {config.rateLimit, config.rateBurst})
    , m_pairs(PairConfig {config.prepareTimeoutMs, config.lingerMs, config.reconnectGraceMs,
          qsizetype(config.moveLogBytes), false})
    , m_pings(PingConfig {config.pingIntervalMs, config.pingTimeoutMs})
    , m_view(clock, m_connections, m_matchmaker, m_pairs)
    , m_timer(clock, [this] { onTimer(); })
{
    // Every dispatcher emits awake() when a pass of the loop begins (QEventDispatcherUNIX),
    // or aboutToBlock() before it waits (glib's emits awake() only after): with both, queued
    // frames leave once per pass whatever the dispatcher, with no wake-up of their own.
    if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance()) {
        if (auto *epoll = qobject_cast<EpollDispatcher *>(dispatcher)) {
            // Our own dispatcher calls the core at the same two points directly (a signal
            // emission costs ~180 instructions, twice a pass: 6% of a move at light load).
            epoll->setPassHook(this, [this] { flushOutput(); });
            // And sooner when a pass is short: after each socket's event, so a move does not
            // wait for the other sockets of its pass (the tail of the latency). A long pass is
            // a loaded server: there one flush per pass sends fewer, larger writes (two
            // frames for the same socket in one sendmsg), which is what throughput needs.
            // Measured on loadgen's latency and relay-wide scenarios (docs/performance.md).
            epoll->setAfterSocketEvent(this, [this](int eventsInPass) {
                if (eventsInPass <= kEagerFlushMaxEvents)
                    flushOutput();
            });
        } else {
            connect(dispatcher, &QAbstractEventDispatcher::awake, this, &ServerCore::flushOutput);
            connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this,
                &ServerCore::flushOutput);
        }
    }
    if (!config.redisUrl.isEmpty()) {
        m_cluster = std::make_unique<ClusterNode>(*this, m_config);
        m_view.setCluster(m_cluster.get());
        m_cluster->start();
    }
    m_timer.arm(m_view.nextTick());
}

ServerCore::~ServerCore()
{
    if (auto *epoll = qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance()))
        epoll->clearHooks(this);
    m_view.setCluster(nullptr);
    m_cluster.reset();
}

void ServerCore::adopt(Transport *transport, const Route &route)
{
    Busy busy(*this);
    const Millis now = m_clock.now();
    const ConnId id = m_connections.nextId();
    auto owned = std::make_unique<Session>(id, transport, route, now, m_admission.fullBucket(now));
    Session *s = owned.get();
    m_connections.insert(std::move(owned));
    transport->attach(this, s);
    if (m_shuttingDown) { // opened as the server stopped: closed as all the others were
        const CloseCauseInfo bye = closeCause(CloseCause::Shutdown);
        closeSession(*s, bye.code, bye.reason);
        return;
    }
    m_pings.add(id, now);
    m_view.sessionOpened(*s);
}

void ServerCore::shutdown()
{
    Busy busy(*this);
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    const Millis now = m_clock.now();
    const CloseCauseInfo bye = closeCause(CloseCause::Shutdown);
    // Close them all before any is forgotten, so nobody is sent `none` on the way out.
    m_connections.forEach([&](Session &s) {
        if (!s.isClosing()) {
            m_view.forcedDisconnect(s, bye.code, bye.reason);
            s.close(bye.code, bye.reason);
            m_closeGrace.push(now + m_config.closeGraceMs, s.id());
            checkFinished(s);
        }
    });
    // A fresh reading: a close above may have been reported at once and forgotten with one,
    // and deadlines pushed must not go back in time.
    const Millis later = m_clock.now();
    m_connections.forEach([&](Session &s) {
        if (!s.gone)
            forget(s, later);
    });
    if (m_cluster)
        m_cluster->shutdown();
    if (m_connections.size() == 0)
        Q_EMIT allConnectionsClosed();
}

bool ServerCore::kick(ConnId sessionId, QString *message)
{
    Busy busy(*this);
    Session *s = m_connections.find(sessionId);
    if (!s || s->isClosing()) {
        if (message)
            *message = u"no open session %1"_s.arg(sessionId);
        return false;
    }
    m_view.kicked(*s);
    m_out.close(s->id(), CloseCause::Kicked);
    if (message)
        *message = u"session %1 kicked"_s.arg(sessionId);
    return true;
}

bool ServerCore::expire(const QByteArray &pairId, QString *message)
{
    Busy busy(*this);
    const Pair *pair = m_pairs.find(pairId);
    const std::array<QByteArray, 2> users = pair ? pair->userIds : std::array<QByteArray, 2> {};
    if (!m_pairs.expire(pairId, m_clock.now(), m_out)) {
        if (message) {
            *message = pair ? u"pair %1 has started or is over: its prepare timeout no longer "
                              "applies"_s.arg(QString::fromLatin1(pairId))
                            : u"no pair %1"_s.arg(QString::fromLatin1(pairId));
        }
        return false;
    }
    m_view.expired(pairId, users);
    if (message)
        *message = u"pair %1 expired"_s.arg(QString::fromLatin1(pairId));
    return true;
}

void ServerCore::setDraining(bool draining)
{
    Busy busy(*this);
    if (draining == m_matchmaker.isDraining())
        return;
    m_matchmaker.setDraining(draining);
    m_view.drainingChanged(draining);
}

void ServerCore::transportText(Session &s, QByteArrayView utf8)
{
    if (s.isClosing())
        return;
    Busy busy(*this);
    m_view.messageReceived(); // for /metrics: the clock is read once per batch (movetimer.h)
    ++s.messagesIn;
    if (!m_admission.text(s.id(), s.bucket, m_clock, m_out))
        return;
    dispatch(s, utf8);
}

void ServerCore::dispatch(Session &s, QByteArrayView utf8)
{
    if (m_cluster && m_cluster->takeText(s, utf8))
        return;
    if (const auto error = m_codec.decode(utf8, s.endpoint(), m_message)) {
        m_out.sendError(s.id(), *error);
        return;
    }
    switch (m_message.command) {
    case Command::Game:
        m_pairs.game(s.id(), m_message, m_out);
        return;
    case Command::Entry: {
        const Millis t = m_clock.now();
        s.userId = m_message.userId;
        if (m_cluster) {
            m_cluster->entry(s, m_message);
            return;
        }
        if (std::optional<Match> match
            = m_matchmaker.entry(s.id(), s.route().type, m_message, t, m_out)) {
            m_view.matchMade(*match, m_pairs.issue(*match, t, m_out));
        }
        return;
    }
    case Command::Cancel:
        if (m_cluster)
            m_cluster->cancel(s);
        else
            m_matchmaker.cancel(s.id(), m_out);
        return;
    case Command::Prepared:
        s.userId = m_message.userId;
        if (m_cluster && !m_pairs.find(s.route().pairId) && !m_pairs.pairOf(s.id())) {
            m_cluster->preparedElsewhere(s, utf8);
            return;
        }
        m_pairs.prepared(s.id(), s.route().pairId, m_message, m_clock.now(), m_out);
        return;
    case Command::End:
        m_pairs.end(s.id(), m_clock.now(), m_out);
        return;
    }
}

void ServerCore::transportBinary(Session &s)
{
    if (s.isClosing())
        return;
    Busy busy(*this);
    ++s.messagesIn;
    m_admission.binary(s.id(), s.bucket, m_clock, m_out);
}

void ServerCore::transportPong(Session &s, qint64 rttMs)
{
    s.lastRttMs = rttMs;
    m_pings.pong(s.id());
}

void ServerCore::transportClosing(Session &s, const TransportClose &close)
{
    Busy busy(*this);
    if (s.isClosing())
        return;
    const Millis now = m_clock.now();
    s.flush(); // what was said before goes before the transport's close frame
    s.noteClosing(close.code, close.byServer);
    if (close.byServer) // a frame too large, bad UTF-8, a protocol error
        m_view.forcedDisconnect(s, close.code, close.reason);
    if (!s.gone)
        forget(s, now);
    m_closeGrace.push(now + m_config.closeGraceMs, s.id());
}

void ServerCore::transportClosed(Session &s)
{
    Busy busy(*this);
    if (!s.gone)
        forget(s, m_clock.now());
    m_finished.push_back(s.id());
}

void ServerCore::checkFinished(Session &s)
{
    if (s.isFinished())
        transportClosed(s);
}

void ServerCore::onTimer()
{
    Busy busy(*this);
    const Millis now = m_clock.now();
    m_pairs.advance(now, m_out);

    m_toPing.clear();
    m_dead.clear();
    m_pings.advance(now, m_toPing, m_dead);
    for (ConnId id : m_toPing) {
        if (Session *s = m_connections.find(id)) {
            s->ping();
            checkFinished(*s);
        }
    }
    for (ConnId id : m_dead)
        m_out.close(id, CloseCause::PingTimeout);
    if (!m_dead.empty())
        m_view.deadPeersClosed(qsizetype(m_dead.size()));

    m_closeGrace.popDue(now, [this](ConnId id) {
        if (Session *s = m_connections.find(id)) {
            qCInfo(lcNet).noquote() << u"conn %1 did not finish closing; cut"_s.arg(id);
            s->abort();
            checkFinished(*s);
        }
    });

    if (now >= m_view.nextTick())
        m_view.tick(now);
}

void ServerCore::settle()
{
    ++m_depth; // what runs from here and calls back in only appends
    for (std::size_t i = 0; i < m_out.effects.size(); ++i) {
        const Effect &e = m_out.effects[i];
        Session *s = m_connections.find(e.conn);
        if (!s) {
            if (m_cluster && ClusterRoutes::isProxy(e.conn))
                m_cluster->effect(e); // may append; e is not used after
            continue;
        }
        if (e.kind == Effect::Kind::Send) {
            if (s->queue(e.frame))
                m_unflushed.push_back(s->id());
        } else {
            closeSession(*s, e.closeCode, e.reason); // may append; e is not used after
        }
    }
    if (m_cluster && !m_out.events.empty())
        m_cluster->pairEvents(m_out.events);
    if (!m_out.events.empty() || !m_out.queueEvents.empty() || !m_out.errors.empty())
        m_view.report(m_out);
    if (m_recordSink && !m_out.records.empty()) {
        // The machines' times are the monotonic clock's; the history's are the wall clock's.
        const qint64 toWall = QDateTime::currentMSecsSinceEpoch() - m_clock.now();
        for (MatchRecord &record : m_out.records) {
            record.issuedAtMs += toWall;
            if (record.startedAtMs)
                record.startedAtMs += toWall;
            record.overAtMs += toWall;
            m_recordSink->record(std::move(record));
        }
    }
    m_out.clear();

    for (std::size_t i = 0; i < m_finished.size(); ++i)
        finish(m_finished[i]);
    m_finished.clear();
    --m_depth;

    Millis next = std::min({m_pairs.nextDeadline(), m_pings.nextDeadline(),
        m_closeGrace.nextDeadline(), m_view.nextTick()});
    m_timer.arm(next);
    if (m_cluster)
        m_cluster->rearm();
}

// Runs at every pass of the event loop (see the constructor), so what one pass produced
// leaves together: the next pass begins right after the previous one's sockets and timers.
// Until nothing is left: cutting a slow reader settles (end of each round) and may queue
// frames for others (its opponent's `none`), which must not wait for the next wake-up.
void ServerCore::flushOutput()
{
    while (!m_unflushed.empty()) {
        Busy busy(*this);
        m_flushing.swap(m_unflushed);
        for (ConnId id : m_flushing) {
            Session *s = m_connections.find(id);
            if (!s || s->isClosing())
                continue;
            if (s->flush() > m_config.maxSendBufferBytes) {
                const CloseCauseInfo slow = closeCause(CloseCause::SlowReader);
                closeSession(*s, slow.code, slow.reason);
            } else {
                checkFinished(*s);
            }
        }
        m_flushing.clear();
    }
    if (m_cluster)
        m_cluster->flush();
    m_view.outputFlushed(); // for /metrics: times the moves of this batch (movetimer.h)
}

void ServerCore::setRecordSink(MatchRecordSink *sink)
{
    m_recordSink = sink;
    m_pairs.setRecordMatches(sink != nullptr);
}

void ServerCore::closeSession(Session &s, quint16 code, QLatin1StringView reason)
{
    if (s.isClosing())
        return;
    const Millis now = m_clock.now();
    m_view.forcedDisconnect(s, code, reason);
    s.close(code, reason);
    if (!s.gone)
        forget(s, now);
    m_closeGrace.push(now + m_config.closeGraceMs, s.id());
    checkFinished(s);
}

void ServerCore::forget(Session &s, Millis now)
{
    s.gone = true;
    m_pings.remove(s.id());
    if (m_cluster)
        m_cluster->forget(s);
    if (s.endpoint() == Endpoint::Matching)
        m_matchmaker.remove(s.id(), m_out);
    else
        m_pairs.leave(s.id(), now, m_out,
            m_shuttingDown                           ? LeaveCause::Shutdown
                : s.closeCode() == CloseCode::Kicked ? LeaveCause::Kicked
                                                     : LeaveCause::Closed);
}

void ServerCore::finish(ConnId id)
{
    Session *s = m_connections.find(id);
    if (!s)
        return;
    m_view.sessionClosed(*s);
    m_connections.erase(id);
    if (m_shuttingDown && m_connections.size() == 0)
        Q_EMIT allConnectionsClosed();
}

} // namespace pairmatch
