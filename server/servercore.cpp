#include "servercore.h"

#include "epolldispatcher.h"
#include "logging.h"
#include "session.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

QString peerText(const Session &s)
{
    return s.peerAddress.toString() + u':' + QString::number(s.peerPort);
}

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

} // namespace

class ServerCore::Busy
{
public:
    explicit Busy(ServerCore &core)
        : m_core(core)
    {
        ++m_core.m_depth;
    }
    ~Busy()
    {
        if (--m_core.m_depth == 0)
            m_core.settle();
    }
    Q_DISABLE_COPY_MOVE(Busy)

private:
    ServerCore &m_core;
};

ServerCore::ServerCore(const ServerConfig &config, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_clock(clock)
    , m_codec(CodecLimits {config.maxUserBytes, config.maxDataBytes})
    , m_rate(RateConfig {config.rateLimit, config.rateBurst})
    , m_pairs(PairConfig {config.prepareTimeoutMs, config.lingerMs})
    , m_pings(PingConfig {config.pingIntervalMs, config.pingTimeoutMs})
    , m_timer(clock, [this] { onTimer(); })
    , m_monoAtStart(clock.now())
    , m_wallAtStart(QDateTime::currentMSecsSinceEpoch())
    , m_lastTick(m_monoAtStart)
{
    // Every dispatcher emits awake() when a pass of the loop begins (QEventDispatcherUNIX),
    // or aboutToBlock() before it waits (glib's emits awake() only after): with both, queued
    // frames leave once per pass whatever the dispatcher, with no wake-up of their own.
    if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance()) {
        if (auto *epoll = qobject_cast<EpollDispatcher *>(dispatcher)) {
            // Our own dispatcher calls the core at the same two points directly (a signal
            // emission costs ~180 instructions, twice a pass: 6% of a move at light load).
            epoll->setPassHook([this] { flushOutput(); });
            // And sooner when a pass is short: after each socket's event, so a move does not
            // wait for the other sockets of its pass (the tail of the latency). A long pass is
            // a loaded server: there one flush per pass sends fewer, larger writes (two
            // frames for the same socket in one sendmsg), which is what throughput needs.
            // Measured on loadgen's latency and relay-wide scenarios (docs/performance.md).
            epoll->setAfterSocketEvent([this](int eventsInPass) {
                if (eventsInPass <= kEagerFlushMaxEvents)
                    flushOutput();
            });
        } else {
            connect(dispatcher, &QAbstractEventDispatcher::awake, this, &ServerCore::flushOutput);
            connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this,
                &ServerCore::flushOutput);
        }
    }
    m_statsTimer.setInterval(1000);
    m_statsTimer.callOnTimeout(this, &ServerCore::onStatsTick);
    m_statsTimer.start();
}

ServerCore::~ServerCore()
{
    for (Session *s : m_slots)
        delete s;
}

void ServerCore::adopt(Transport *transport, const Route &route)
{
    Busy busy(*this);
    const Millis now = m_clock.now();
    quint32 slot;
    if (!m_freeSlots.empty()) {
        slot = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        slot = quint32(m_slots.size());
        m_slots.push_back(nullptr);
    }
    const ConnId id = (m_nextSerial++ << kSlotBits) | slot;
    auto *s = new Session(id, transport, route, now, m_rate.fullBucket(now));
    m_slots[slot] = s;
    ++m_sessionCount;
    transport->attach(this, s);
    if (m_shuttingDown) { // opened as the server stopped: closed as all the others were
        const CloseCauseInfo bye = closeCause(CloseCause::Shutdown);
        closeSession(*s, bye.code, bye.reason);
        return;
    }
    m_pings.add(id, now);

    qCInfo(lcNet).noquote() << u"conn %1 open %2 from %3"_s.arg(displayId(id))
                                   .arg(latin1(routePath(route)), peerText(*s));
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::SessionOpened;
        u.session = sessionInfo(*s);
        emitUpdate(u);
    }
}

void ServerCore::shutdown()
{
    Busy busy(*this);
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    const Millis now = m_clock.now();
    // Close them all before any is forgotten, so nobody is sent `none` on the way out.
    for (Session *s : m_slots) {
        if (s && !s->isClosing()) {
            const CloseCauseInfo bye = closeCause(CloseCause::Shutdown);
            recordDisconnect(*s, bye.code, QString(bye.reason));
            s->close(bye.code, bye.reason);
            m_closeGrace.push(now + m_config.closeGraceMs, s->id());
            checkFinished(*s);
        }
    }
    // A fresh reading: a close above may have been reported at once and forgotten with one,
    // and deadlines pushed must not go back in time.
    const Millis later = m_clock.now();
    for (Session *s : m_slots) {
        if (s && !s->gone)
            forget(*s, later);
    }
    if (m_sessionCount == 0)
        Q_EMIT allConnectionsClosed();
}

bool ServerCore::kick(quint64 sessionId, QString *message)
{
    Busy busy(*this);
    Session *s = findByDisplayId(sessionId);
    if (!s || s->isClosing()) {
        if (message)
            *message = u"no open session %1"_s.arg(sessionId);
        return false;
    }
    qCInfo(lcAdmin).noquote() << u"operator kicks conn %1 (%2)"_s.arg(sessionId).arg(
        latin1(s->userId));
    LogEvent e = logEvent(LogEvent::Kind::Kicked);
    e.sessionId = sessionId;
    e.userId = latin1(s->userId);
    if (s->endpoint() == Endpoint::Round)
        e.pairId = latin1(s->route().pairId);
    record(e);
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
    if (!m_pairs.expire(pairId, m_out)) {
        if (message) {
            *message = pair ? u"pair %1 has started or is over: its prepare timeout no longer "
                              "applies"_s.arg(latin1(pairId))
                            : u"no pair %1"_s.arg(latin1(pairId));
        }
        return false;
    }
    qCInfo(lcAdmin).noquote() << u"operator expires pair %1"_s.arg(latin1(pairId));
    LogEvent e = logEvent(LogEvent::Kind::Expired);
    e.pairId = latin1(pairId);
    e.userId = latin1(users[0]);
    e.otherUserId = latin1(users[1]);
    record(e);
    if (message)
        *message = u"pair %1 expired"_s.arg(latin1(pairId));
    return true;
}

void ServerCore::setDraining(bool draining)
{
    Busy busy(*this);
    if (draining == m_matchmaker.isDraining())
        return;
    m_matchmaker.setDraining(draining);
    qCInfo(lcAdmin).noquote() << (draining ? u"operator starts draining: entry is refused"_s
                                           : u"operator stops draining"_s);
    record(logEvent(draining ? LogEvent::Kind::Drain : LogEvent::Kind::Undrain));
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::Draining;
        u.draining = draining;
        emitUpdate(u);
    }
}

void ServerCore::transportText(Session &s, QByteArrayView utf8)
{
    if (s.isClosing())
        return;
    Busy busy(*this);
    if (!admit(s))
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
        noteUser(s, m_message.userId);
        if (std::optional<Match> match
            = m_matchmaker.entry(s.id(), s.route().type, m_message, t, m_out)) {
            const Pair &pair = m_pairs.issue(*match, t, m_out);
            ++m_matchesTotal;
            ++m_matchesPerSecond[m_matchSlot];
            qCInfo(lcMatch).noquote()
                << u"match type %1: %2 (conn %3) + %4 (conn %5) -> pair %6"_s.arg(match->type)
                       .arg(latin1(match->newcomer.userId))
                       .arg(displayId(match->newcomer.conn))
                       .arg(latin1(match->waiter.userId))
                       .arg(displayId(match->waiter.conn))
                       .arg(latin1(pair.id));
            LogEvent e = logEvent(LogEvent::Kind::MatchMade);
            e.sessionId = displayId(match->newcomer.conn);
            e.userId = latin1(match->newcomer.userId);
            e.otherUserId = latin1(match->waiter.userId);
            e.pairId = latin1(pair.id);
            e.detail = u"type %1"_s.arg(match->type);
            record(e);
        }
        return;
    }
    case Command::Cancel:
        m_matchmaker.cancel(s.id(), m_out);
        return;
    case Command::Prepared:
        noteUser(s, m_message.userId);
        m_pairs.prepared(s.id(), s.route().pairId, m_message, m_clock.now(), m_out);
        return;
    case Command::End:
        m_pairs.end(s.id(), m_clock.now(), m_out);
        return;
    }
}

// Counts a message in and takes its token: false, with rate_limited and a 1008 close on the
// way, when the connection is over its rate.
bool ServerCore::admit(Session &s)
{
    ++s.messagesIn;
    if (m_rate.take(s.bucket, m_rate.isEnabled() ? m_clock.now() : 0))
        return true;
    m_out.sendError(s.id(), ErrorCode::RateLimited);
    m_out.close(s.id(), CloseCause::RateLimited);
    return false;
}

// The userId a connection last gave (the dashboard's sessions view).
void ServerCore::noteUser(Session &s, const QByteArray &userId)
{
    if (s.userId != userId) {
        s.userId = userId;
        s.userChanged = true;
    }
}

void ServerCore::transportBinary(Session &s)
{
    if (s.isClosing())
        return;
    Busy busy(*this);
    if (!admit(s))
        return;
    m_out.sendError(s.id(), ErrorCode::BadFrame);
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
        recordDisconnect(s, close.code, close.reason);
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
        if (Session *s = find(id)) {
            s->ping();
            checkFinished(*s);
        }
    }
    for (ConnId id : m_dead)
        m_out.close(id, CloseCause::PingTimeout);

    m_closeGrace.popDue(now, [this](ConnId id) {
        if (Session *s = find(id)) {
            qCInfo(lcNet).noquote() << u"conn %1 did not finish closing; cut"_s.arg(displayId(id));
            s->abort();
            checkFinished(*s);
        }
    });
}

void ServerCore::settle()
{
    ++m_depth; // what runs from here and calls back in only appends
    for (std::size_t i = 0; i < m_out.effects.size(); ++i) {
        const Effect &e = m_out.effects[i];
        Session *s = find(e.conn);
        if (!s)
            continue;
        if (e.kind == Effect::Kind::Send) {
            if (s->queue(e.frame))
                m_unflushed.push_back(s->id());
        } else {
            closeSession(*s, e.closeCode, e.reason); // may append; e is not used after
        }
    }
    if (!m_out.events.empty() || !m_out.queueEvents.empty() || !m_out.errors.empty())
        report(m_out);
    m_out.clear();

    for (std::size_t i = 0; i < m_finished.size(); ++i)
        finish(m_finished[i]);
    m_finished.clear();
    --m_depth;

    m_timer.arm(
        std::min({m_pairs.nextDeadline(), m_pings.nextDeadline(), m_closeGrace.nextDeadline()}));
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
            Session *s = find(id);
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
}

void ServerCore::closeSession(Session &s, quint16 code, QLatin1StringView reason)
{
    if (s.isClosing())
        return;
    const Millis now = m_clock.now();
    recordDisconnect(s, code, QString(reason));
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
    if (s.endpoint() == Endpoint::Matching)
        m_matchmaker.remove(s.id(), m_out);
    else
        m_pairs.leave(s.id(), now, m_out);
}

void ServerCore::finish(ConnId id)
{
    Session *s = find(id);
    if (!s)
        return;
    const quint16 code = s->finalCloseCode();
    qCInfo(lcNet).noquote() << u"conn %1 closed %2 (%3) after %4 ms, %5 in / %6 out"_s
                                   .arg(displayId(id))
                                   .arg(code)
                                   .arg(s->closedByServer() ? "by server"_L1 : "by client"_L1)
                                   .arg(m_clock.now() - s->connectedAt)
                                   .arg(s->messagesIn)
                                   .arg(s->messagesOut);
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::SessionClosed;
        u.sessionId = displayId(id);
        emitUpdate(u);
    }
    const auto slot = quint32(id & ((quint64(1) << kSlotBits) - 1));
    m_slots[slot] = nullptr;
    m_freeSlots.push_back(slot);
    --m_sessionCount;
    delete s;
    if (m_shuttingDown && m_sessionCount == 0)
        Q_EMIT allConnectionsClosed();
}

Session *ServerCore::find(ConnId id) const
{
    const std::size_t slot = id & ((quint64(1) << kSlotBits) - 1);
    if (slot >= m_slots.size())
        return nullptr;
    Session *s = m_slots[slot];
    return s && s->id() == id ? s : nullptr;
}

Session *ServerCore::findByDisplayId(quint64 id) const
{
    for (Session *s : m_slots) {
        if (s && displayId(s->id()) == id)
            return s;
    }
    return nullptr;
}

// ---- operators' view ---------------------------------------------------------------------

void ServerCore::addObserver()
{
    ++m_observers;
}

void ServerCore::removeObserver()
{
    Q_ASSERT(m_observers > 0);
    --m_observers;
}

Snapshot ServerCore::snapshot() const
{
    Snapshot snap;
    snap.seq = m_seq;
    snap.serverTimeMs = wallTime(m_clock.now());
    snap.draining = m_matchmaker.isDraining();
    snap.sessions.reserve(m_sessionCount);
    for (const Session *s : m_slots) {
        if (s && !s->isClosing())
            snap.sessions.append(sessionInfo(*s));
    }
    m_matchmaker.forEachQueue([&](qint32, const std::list<QueuedPlayer> &queue) {
        for (const QueuedPlayer &p : queue) {
            snap.queue.append({displayId(p.conn), p.type, latin1(p.userId), wallTime(p.since)});
        }
    });
    std::sort(snap.queue.begin(), snap.queue.end(),
        [](const QueueEntryInfo &a, const QueueEntryInfo &b) { return a.sinceMs < b.sinceMs; });
    // (movesReported stays: other observers still need the moves since their last update)
    m_pairs.forEachPair([&](const Pair &pair) { snap.pairs.append(pairInfo(pair)); });
    snap.disconnects = QList<ForcedDisconnect>(m_disconnects.begin(), m_disconnects.end());
    snap.events = QList<LogEvent>(m_events.begin(), m_events.end());
    snap.history = QList<StatsSample>(m_history.begin(), m_history.end());
    return snap;
}

SessionInfo ServerCore::sessionInfo(const Session &s) const
{
    SessionInfo info;
    info.id = displayId(s.id());
    info.endpoint = s.endpoint();
    info.path = latin1(routePath(s.route()));
    info.userId = latin1(s.userId);
    info.remote = peerText(s);
    info.connectedAtMs = wallTime(s.connectedAt);
    info.messagesIn = s.messagesIn;
    info.messagesOut = s.messagesOut;
    info.rttMs = s.lastRttMs;
    return info;
}

PairInfo ServerCore::pairInfo(const Pair &pair) const
{
    PairInfo info;
    info.pairId = latin1(pair.id);
    info.type = pair.type;
    for (std::size_t i = 0; i < 2; ++i) {
        info.userIds[i] = latin1(pair.userIds[i]);
        info.seatSessions[i] = pair.seats[i] ? displayId(pair.seats[i]) : 0;
    }
    info.state = pair.state();
    info.outcome = pair.outcome ? int(*pair.outcome) : -1;
    info.moves = pair.moves;
    info.issuedAtMs = wallTime(pair.issuedAt);
    info.prepareDeadlineMs
        = pair.prepareDeadline == kNoDeadline ? -1 : wallTime(pair.prepareDeadline);
    return info;
}

LogEvent ServerCore::logEvent(LogEvent::Kind kind) const
{
    LogEvent e;
    e.kind = kind;
    e.atMs = wallTime(m_clock.now());
    return e;
}

void ServerCore::record(const LogEvent &event)
{
    m_events.push_back(event);
    if (qsizetype(m_events.size()) > kKeptEvents)
        m_events.pop_front();
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::Event;
        u.event = event;
        emitUpdate(u);
    }
}

void ServerCore::recordDisconnect(const Session &s, int code, const QString &reason)
{
    ForcedDisconnect d;
    d.atMs = wallTime(m_clock.now());
    d.sessionId = displayId(s.id());
    d.userId = latin1(s.userId);
    if (s.endpoint() == Endpoint::Round)
        d.pairId = latin1(s.route().pairId);
    d.endpoint = s.endpoint();
    d.remote = peerText(s);
    d.code = code;
    d.reason = reason;
    m_disconnects.push_back(d);
    if (qsizetype(m_disconnects.size()) > kKeptDisconnects)
        m_disconnects.pop_front();
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::Disconnect;
        u.disconnect = std::move(d);
        emitUpdate(u);
    }
}

void ServerCore::emitUpdate(AdminUpdate &update)
{
    update.seq = ++m_seq;
    Q_EMIT updated(update);
}

void ServerCore::reportPair(const QByteArray &pairId)
{
    if (const Pair *pair = m_pairs.find(pairId)) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::PairChanged;
        u.pair = pairInfo(*pair);
        pair->movesReported = pair->moves;
        emitUpdate(u);
    }
}

// Turns what the machines reported in one step into log lines, events and updates.
void ServerCore::report(Output &out)
{
    for (const QueueEvent &q : out.queueEvents) {
        if (!m_observers)
            break;
        AdminUpdate u;
        if (q.kind == QueueEvent::Kind::Joined) {
            u.kind = AdminUpdate::Kind::QueueJoined;
            const QueuedPlayer *p = m_matchmaker.waiting(q.conn);
            u.queueEntry = {displayId(q.conn), q.type, latin1(q.userId),
                wallTime(p ? p->since : m_clock.now())};
        } else {
            u.kind = AdminUpdate::Kind::QueueLeft;
            u.sessionId = displayId(q.conn);
        }
        emitUpdate(u);
    }

    for (const PairEvent &e : out.events) {
        LogEvent log;
        switch (e.kind) {
        case PairEvent::Kind::Started:
            log = logEvent(LogEvent::Kind::PairStarted);
            break;
        case PairEvent::Kind::Replaced:
            log = logEvent(LogEvent::Kind::Replaced);
            log.sessionId = displayId(e.conn);
            log.detail
                = u"conn %1 replaced conn %2"_s.arg(displayId(e.conn)).arg(displayId(e.other));
            break;
        case PairEvent::Kind::Over: {
            const Pair *pair = m_pairs.find(e.pairId);
            qCInfo(lcRound).noquote()
                << u"pair %1 over: %2%3"_s.arg(latin1(e.pairId))
                       .arg(pairOutcomeName(e.outcome))
                       .arg(pair ? u" after %1 moves"_s.arg(pair->moves) : QString());
            log = logEvent(e.outcome == PairOutcome::Ended ? LogEvent::Kind::PairEnded
                    : e.outcome == PairOutcome::None       ? LogEvent::Kind::PairNone
                                                           : LogEvent::Kind::PairInvalid);
            break;
        }
        default:
            break;
        }
        if (log.atMs) {
            log.pairId = latin1(e.pairId);
            if (e.kind == PairEvent::Kind::Replaced && e.seat >= 0) {
                log.userId = latin1(e.userIds[std::size_t(e.seat)]);
            } else {
                log.userId = latin1(e.userIds[0]);
                log.otherUserId = latin1(e.userIds[1]);
            }
            record(log);
        }
        if (!m_observers)
            continue;
        if (e.kind == PairEvent::Kind::Removed) {
            AdminUpdate u;
            u.kind = AdminUpdate::Kind::PairRemoved;
            u.pairId = latin1(e.pairId);
            emitUpdate(u);
        } else {
            reportPair(e.pairId);
        }
    }

    for (const ErrorSent &error : out.errors) {
        LogEvent log = logEvent(LogEvent::Kind::ErrorSent);
        log.sessionId = displayId(error.conn);
        log.detail = errorCodeName(error.code);
        if (const Session *s = find(error.conn)) {
            log.userId = latin1(s->userId);
            if (s->endpoint() == Endpoint::Round)
                log.pairId = latin1(s->route().pairId);
        }
        record(log);
    }
}

void ServerCore::onStatsTick()
{
    const Millis now = m_clock.now();
    const Millis elapsed = qMax<Millis>(1, now - m_lastTick);
    m_lastTick = now;

    StatsSample sample;
    sample.atMs = wallTime(now);
    sample.connections = m_sessionCount;
    sample.waiting = m_matchmaker.waitingCount();
    m_pairs.forEachPair([&](const Pair &pair) {
        if (!pair.over())
            ++sample.livePairs;
    });
    quint64 matchesLastMinute = 0;
    for (quint32 n : m_matchesPerSecond)
        matchesLastMinute += n;
    sample.matchesPerMinute = double(matchesLastMinute);
    m_matchSlot = (m_matchSlot + 1) % m_matchesPerSecond.size();
    m_matchesPerSecond[m_matchSlot] = 0;
    const quint64 moves = m_pairs.totalMoves();
    sample.movesPerSecond = double(moves - m_movesAtLastTick) * 1000.0 / double(elapsed);
    m_movesAtLastTick = moves;
    m_history.push_back(sample);
    if (qsizetype(m_history.size()) > kKeptSamples)
        m_history.pop_front();

    if (!m_observers)
        return;
    AdminUpdate stats;
    stats.kind = AdminUpdate::Kind::Stats;
    stats.stats = sample;
    emitUpdate(stats);
    // Counters that move with every message go out once a second, for what changed.
    for (Session *s : m_slots) {
        if (!s || s->isClosing())
            continue;
        if (s->userChanged || s->messagesIn != s->reportedIn || s->messagesOut != s->reportedOut
            || s->lastRttMs != s->reportedRtt) {
            s->userChanged = false;
            s->reportedIn = s->messagesIn;
            s->reportedOut = s->messagesOut;
            s->reportedRtt = s->lastRttMs;
            AdminUpdate u;
            u.kind = AdminUpdate::Kind::SessionChanged;
            u.session = sessionInfo(*s);
            emitUpdate(u);
        }
    }
    m_pairs.forEachPair([&](const Pair &pair) {
        if (pair.moves != pair.movesReported)
            reportPair(pair.id);
    });
}

} // namespace pairmatch
