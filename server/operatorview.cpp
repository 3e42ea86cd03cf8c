#include "operatorview.h"

#include "clusternode.h"
#include "logging.h"
#include "matchmaker.h"
#include "pairtable.h"
#include "session.h"

#include <QDateTime>

#include <algorithm>
#include <utility>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

QString peerText(const Session &s)
{
    return s.peerAddress.toString() + u':' + QString::number(s.peerPort);
}

LogFields sessionFields(const Session &s, int code)
{
    LogFields f;
    f.conn = s.id();
    f.userId = s.userId;
    if (s.endpoint() == Endpoint::Round)
        f.pairId = s.route().pairId;
    f.remote = peerText(s);
    f.code = code;
    return f;
}

} // namespace

OperatorView::OperatorView(const Clock &clock, const ConnectionTable &connections,
    const Matchmaker &matchmaker, const PairTable &pairs, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_connections(connections)
    , m_matchmaker(matchmaker)
    , m_pairs(pairs)
    , m_monoAtStart(clock.now())
    , m_wallAtStart(QDateTime::currentMSecsSinceEpoch())
    , m_lastTick(m_monoAtStart)
{ }

OperatorView::~OperatorView() = default;

void OperatorView::addObserver()
{
    if (!isObserved())
        startObserving();
    ++m_observers;
}

void OperatorView::removeObserver()
{
    Q_ASSERT(m_observers > 0);
    --m_observers;
    if (!isObserved())
        stopObserving();
}

void OperatorView::openJournal()
{
    Q_ASSERT(!m_journal);
    if (!isObserved())
        startObserving();
    m_journal.emplace();
    m_journalPending = false;
}

void OperatorView::closeJournal()
{
    m_journal.reset();
    if (!isObserved())
        stopObserving();
}

void OperatorView::startObserving()
{
    rememberReported();
}

void OperatorView::stopObserving()
{
    m_reportedSessions.clear();
    m_reportedMoves.clear();
}

template <typename Mark> void OperatorView::journal(Mark &&mark)
{
    if (!m_journal)
        return;
    mark(*m_journal);
    if (!m_journalPending) {
        m_journalPending = true;
        Q_EMIT changesPending();
    }
}

void OperatorView::clearChanges()
{
    if (m_journal)
        m_journal->clear();
    m_journalPending = false;
}

// The marked rows as they are now, each with the next seq: a row gone since it was marked
// goes out as removed (unless it came and went, which the consumer never needs).
QList<AdminUpdate> OperatorView::takeChanges()
{
    m_journalPending = false;
    if (!m_journal)
        return {};
    ChangeJournal::Changes c = m_journal->take();
    using Kind = AdminUpdate::Kind;
    using Verdict = ChangeJournal::Verdict;
    QList<AdminUpdate> out;
    out.reserve(qsizetype(c.sessions.size() + c.queue.size() + c.pairs.size() + c.events.size()
        + c.disconnects.size() + c.stats.size() + 2));
    const auto next = [&](Kind kind) -> AdminUpdate & {
        AdminUpdate &u = out.emplace_back();
        u.kind = kind;
        u.seq = ++m_seq;
        return u;
    };
    for (const auto &[id, verdict] : c.sessions) {
        const Session *s = verdict == Verdict::Removed ? nullptr : m_connections.find(id);
        if (s)
            next(verdict == Verdict::Added ? Kind::SessionOpened : Kind::SessionChanged).session
                = sessionInfo(*s);
        else if (verdict != Verdict::Added)
            next(Kind::SessionClosed).sessionId = id;
    }
    for (const auto &[id, verdict] : c.queue) {
        const QueuedPlayer *p = verdict == Verdict::Removed ? nullptr : m_matchmaker.waiting(id);
        // an entry the consumer may hold goes before its replacement comes
        if (verdict != Verdict::Added)
            next(Kind::QueueLeft).sessionId = id;
        if (p)
            next(Kind::QueueJoined).queueEntry
                = {id, p->type, latin1(p->userId), wallTime(p->since)};
    }
    for (const auto &[id, verdict] : c.pairs) {
        const Pair *pair = verdict == Verdict::Removed ? nullptr : m_pairs.find(id);
        if (pair)
            next(Kind::PairChanged).pair = pairInfo(*pair);
        else if (verdict != Verdict::Added)
            next(Kind::PairRemoved).pairId = latin1(id);
    }
    for (LogEvent &e : c.events)
        next(Kind::Event).event = std::move(e);
    for (ForcedDisconnect &d : c.disconnects)
        next(Kind::Disconnect).disconnect = std::move(d);
    for (const StatsSample &sample : c.stats)
        next(Kind::Stats).stats = sample;
    if (c.draining)
        next(Kind::Draining).draining = *c.draining;
    if (c.cluster && m_cluster)
        next(Kind::Cluster).cluster = m_cluster->state();
    return out;
}

void OperatorView::setCluster(const ClusterNode *cluster)
{
    if (m_cluster)
        disconnect(m_cluster, nullptr, this, nullptr);
    m_cluster = cluster;
    if (!m_cluster)
        return;
    connect(m_cluster, &ClusterNode::stateChanged, this, [this] {
        if (!m_cluster)
            return;
        journal([](ChangeJournal &j) { j.clusterChanged(); });
        if (!m_observers)
            return;
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::Cluster;
        u.cluster = m_cluster->state();
        emitUpdate(u);
    });
}

// The first observer's snapshot holds every counter as it is now: the once-a-second updates
// report what moved after it.
void OperatorView::rememberReported()
{
    m_reportedSessions.clear();
    m_connections.forEach([&](const Session &s) {
        m_reportedSessions[s.id()] = {s.messagesIn, s.messagesOut, s.lastRttMs, s.userId};
    });
    m_reportedMoves.clear();
    m_pairs.forEachPair([&](const Pair &pair) { m_reportedMoves.insert(pair.id, pair.moves); });
}

Snapshot OperatorView::snapshot() const
{
    Snapshot snap;
    snap.seq = m_seq;
    snap.serverTimeMs = wallTime(m_clock.now());
    snap.draining = m_matchmaker.isDraining();
    snap.sessions.reserve(m_connections.size());
    m_connections.forEach([&](const Session &s) {
        if (!s.isClosing())
            snap.sessions.append(sessionInfo(s));
    });
    m_matchmaker.forEachQueue([&](qint32, const std::list<QueuedPlayer> &queue) {
        for (const QueuedPlayer &p : queue)
            snap.queue.append({p.conn, p.type, latin1(p.userId), wallTime(p.since)});
    });
    std::sort(snap.queue.begin(), snap.queue.end(),
        [](const QueueEntryInfo &a, const QueueEntryInfo &b) { return a.sinceMs < b.sinceMs; });
    m_pairs.forEachPair([&](const Pair &pair) { snap.pairs.append(pairInfo(pair)); });
    snap.disconnects = QList<ForcedDisconnect>(m_disconnects.begin(), m_disconnects.end());
    snap.events = QList<LogEvent>(m_events.begin(), m_events.end());
    snap.history = QList<StatsSample>(m_history.begin(), m_history.end());
    if (m_cluster)
        snap.cluster = m_cluster->state();
    return snap;
}

void OperatorView::sessionOpened(const Session &s)
{
    ++m_counters.connectionsOpened[std::size_t(s.endpoint())];
    PM_LOG_INFO(lcNet, sessionFields(s, 0),
        u"conn %1 open %2 from %3"_s.arg(s.id()).arg(latin1(routePath(s.route())), peerText(s)));
    if (!isObserved())
        return;
    m_reportedSessions[s.id()] = {s.messagesIn, s.messagesOut, s.lastRttMs, s.userId};
    journal([&](ChangeJournal &j) { j.sessionOpened(s.id()); });
    if (!m_observers)
        return;
    AdminUpdate u;
    u.kind = AdminUpdate::Kind::SessionOpened;
    u.session = sessionInfo(s);
    emitUpdate(u);
}

void OperatorView::sessionClosed(const Session &s)
{
    m_kicked.erase(s.id());
    const quint16 code = s.finalCloseCode();
    PM_LOG_INFO(lcNet, sessionFields(s, code),
        u"conn %1 closed %2 (%3) after %4 ms, %5 in / %6 out"_s.arg(s.id())
            .arg(code)
            .arg(s.closedByServer() ? "by server"_L1 : "by client"_L1)
            .arg(m_clock.now() - s.connectedAt)
            .arg(s.messagesIn)
            .arg(s.messagesOut));
    if (!isObserved())
        return;
    m_reportedSessions.erase(s.id());
    journal([&](ChangeJournal &j) { j.sessionClosed(s.id()); });
    if (!m_observers)
        return;
    AdminUpdate u;
    u.kind = AdminUpdate::Kind::SessionClosed;
    u.sessionId = s.id();
    emitUpdate(u);
}

void OperatorView::forcedDisconnect(const Session &s, quint16 code, const QString &reason)
{
    ++m_counters.forcedDisconnects[code];
    ForcedDisconnect d;
    d.atMs = wallTime(m_clock.now());
    d.sessionId = s.id();
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
    journal([&](ChangeJournal &j) { j.disconnect(d); });
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::Disconnect;
        u.disconnect = std::move(d);
        emitUpdate(u);
    }
}

void OperatorView::matchMade(const Match &match, const Pair &pair)
{
    ++m_counters.matches;
    ++m_matchesPerSecond[m_matchSlot];
    PM_LOG_INFO(lcMatch, (LogFields {match.newcomer.conn, match.newcomer.userId, pair.id, {}, 0}),
        u"match type %1: %2 (conn %3) + %4 (conn %5) -> pair %6"_s.arg(match.type)
            .arg(latin1(match.newcomer.userId))
            .arg(match.newcomer.conn)
            .arg(latin1(match.waiter.userId))
            .arg(match.waiter.conn)
            .arg(latin1(pair.id)));
    LogEvent e = logEvent(LogEvent::Kind::MatchMade);
    e.sessionId = match.newcomer.conn;
    e.userId = latin1(match.newcomer.userId);
    e.otherUserId = latin1(match.waiter.userId);
    e.pairId = latin1(pair.id);
    e.detail = u"type %1"_s.arg(match.type);
    record(e);
    journal([&](ChangeJournal &j) { j.pairIssued(pair.id); });
}

void OperatorView::kicked(const Session &s)
{
    m_kicked.insert(s.id());
    PM_LOG_INFO(lcAdmin, sessionFields(s, CloseCode::Kicked),
        u"operator kicks conn %1 (%2)"_s.arg(s.id()).arg(latin1(s.userId)));
    LogEvent e = logEvent(LogEvent::Kind::Kicked);
    e.sessionId = s.id();
    e.userId = latin1(s.userId);
    if (s.endpoint() == Endpoint::Round)
        e.pairId = latin1(s.route().pairId);
    record(e);
}

void OperatorView::expired(const QByteArray &pairId, const std::array<QByteArray, 2> &userIds)
{
    m_expired.insert(pairId);
    PM_LOG_INFO(lcAdmin, (LogFields {0, {}, pairId, {}, 0}),
        u"operator expires pair %1"_s.arg(latin1(pairId)));
    LogEvent e = logEvent(LogEvent::Kind::Expired);
    e.pairId = latin1(pairId);
    e.userId = latin1(userIds[0]);
    e.otherUserId = latin1(userIds[1]);
    record(e);
}

void OperatorView::drainingChanged(bool draining)
{
    PM_LOG_INFO(lcAdmin, LogFields {},
        draining ? u"operator starts draining: entry is refused, /readyz answers 503"_s
                 : u"operator stops draining"_s);
    record(logEvent(draining ? LogEvent::Kind::Drain : LogEvent::Kind::Undrain));
    journal([&](ChangeJournal &j) { j.draining(draining); });
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::Draining;
        u.draining = draining;
        emitUpdate(u);
    }
}

void OperatorView::report(const Output &out)
{
    for (const QueueEvent &q : out.queueEvents) {
        if (!isObserved())
            break;
        journal([&](ChangeJournal &j) {
            if (q.kind == QueueEvent::Kind::Joined)
                j.queueJoined(q.conn);
            else
                j.queueLeft(q.conn);
        });
        if (!m_observers)
            continue;
        AdminUpdate u;
        if (q.kind == QueueEvent::Kind::Joined) {
            u.kind = AdminUpdate::Kind::QueueJoined;
            const QueuedPlayer *p = m_matchmaker.waiting(q.conn);
            u.queueEntry
                = {q.conn, q.type, latin1(q.userId), wallTime(p ? p->since : m_clock.now())};
        } else {
            u.kind = AdminUpdate::Kind::QueueLeft;
            u.sessionId = q.conn;
        }
        emitUpdate(u);
    }

    const PairEvent *previous = nullptr;
    for (const PairEvent &e : out.events) {
        const PairEvent *before = std::exchange(previous, &e);
        LogEvent log;
        switch (e.kind) {
        case PairEvent::Kind::Started:
            log = logEvent(LogEvent::Kind::PairStarted);
            break;
        case PairEvent::Kind::Replaced:
            ++m_counters.takeovers;
            log = logEvent(LogEvent::Kind::Replaced);
            log.sessionId = e.conn;
            log.detail = u"conn %1 replaced conn %2"_s.arg(e.conn).arg(e.other);
            break;
        case PairEvent::Kind::Away:
        case PairEvent::Kind::Back:
            // One line per dropped seat held for the grace, and per return (not per move).
            PM_LOG_INFO(lcRound,
                (LogFields {e.conn, e.userIds[std::size_t(e.seat)], e.pairId, {}, 0}),
                u"pair %1: %2 %3"_s.arg(latin1(e.pairId), latin1(e.userIds[std::size_t(e.seat)]),
                    e.kind == PairEvent::Kind::Away ? u"away (reconnect grace)"_s
                                                    : u"back within the grace"_s));
            break;
        case PairEvent::Kind::Over: {
            const Pair *pair = m_pairs.find(e.pairId);
            const PairOverReason reason = overReason(e, before);
            ++m_counters.pairsOver[std::size_t(reason)];
            PM_LOG_INFO(lcRound, (LogFields {0, {}, e.pairId, {}, 0}),
                u"pair %1 over: %2%3"_s.arg(latin1(e.pairId))
                    .arg(pairOverReasonName(reason))
                    .arg(pair ? u" after %1 moves"_s.arg(pair->moves) : QString()));
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
        if (!isObserved())
            continue;
        if (e.kind == PairEvent::Kind::Removed) {
            m_reportedMoves.remove(e.pairId);
            journal([&](ChangeJournal &j) { j.pairRemoved(e.pairId); });
            if (!m_observers)
                continue;
            AdminUpdate u;
            u.kind = AdminUpdate::Kind::PairRemoved;
            u.pairId = latin1(e.pairId);
            emitUpdate(u);
        } else {
            reportPair(e.pairId);
        }
    }

    for (const ErrorSent &error : out.errors) {
        ++m_counters.errorsSent[std::size_t(error.code)];
        LogEvent log = logEvent(LogEvent::Kind::ErrorSent);
        log.sessionId = error.conn;
        log.detail = errorCodeName(error.code);
        if (const Session *s = m_connections.find(error.conn)) {
            log.userId = latin1(s->userId);
            if (s->endpoint() == Endpoint::Round)
                log.pairId = latin1(s->route().pairId);
        }
        record(log);
    }
}

// An Over event's reason: the machines know ended/none/invalid; an operator's hand in it is
// known here. A kick ends a started pair as `none` right after the kicked seat is freed
// (Unseated, then Over, in the same step); an expiry fires the prepare timeout (`invalid`).
PairOverReason OperatorView::overReason(const PairEvent &over, const PairEvent *before)
{
    switch (over.outcome) {
    case PairOutcome::Ended:
        return PairOverReason::Ended;
    case PairOutcome::None:
        if (before && before->kind == PairEvent::Kind::Unseated && before->pairId == over.pairId
            && m_kicked.count(before->conn))
            return PairOverReason::Kicked;
        return PairOverReason::None;
    case PairOutcome::Invalid:
        if (m_expired.remove(over.pairId))
            return PairOverReason::Expired;
        return PairOverReason::Invalid;
    }
    return PairOverReason::None;
}

void OperatorView::handshakeRefused(int status)
{
    ++m_counters.handshakesRefused[status];
}

void OperatorView::deadPeersClosed(qsizetype count)
{
    m_counters.deadPeers += quint64(count);
}

void OperatorView::historyCountersChanged(quint64 written, quint64 failed)
{
    m_historyWritten = written;
    m_historyFailed = failed;
}

void OperatorView::tick(Millis now)
{
    const Millis elapsed = qMax<Millis>(1, now - m_lastTick);
    m_lastTick = now;

    StatsSample sample;
    sample.atMs = wallTime(now);
    sample.connections = m_connections.size();
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
    sample.historyWritten = qint64(m_historyWritten);
    sample.historyFailed = qint64(m_historyFailed);
    m_history.push_back(sample);
    if (qsizetype(m_history.size()) > kKeptSamples)
        m_history.pop_front();

    if (!isObserved())
        return;
    journal([&](ChangeJournal &j) { j.stats(sample); });
    if (m_observers) {
        AdminUpdate stats;
        stats.kind = AdminUpdate::Kind::Stats;
        stats.stats = sample;
        emitUpdate(stats);
    }
    m_connections.forEach([&](const Session &s) {
        if (s.isClosing())
            return;
        ReportedSession &r = m_reportedSessions[s.id()];
        if (r.userId == s.userId && r.in == s.messagesIn && r.out == s.messagesOut
            && r.rtt == s.lastRttMs)
            return;
        r = {s.messagesIn, s.messagesOut, s.lastRttMs, s.userId};
        journal([&](ChangeJournal &j) { j.sessionChanged(s.id()); });
        if (!m_observers)
            return;
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::SessionChanged;
        u.session = sessionInfo(s);
        emitUpdate(u);
    });
    m_pairs.forEachPair([&](const Pair &pair) {
        if (pair.moves != m_reportedMoves.value(pair.id))
            reportPair(pair.id);
    });
}

LogEvent OperatorView::logEvent(LogEvent::Kind kind) const
{
    LogEvent e;
    e.kind = kind;
    e.atMs = wallTime(m_clock.now());
    return e;
}

void OperatorView::record(const LogEvent &event)
{
    m_events.push_back(event);
    if (qsizetype(m_events.size()) > kKeptEvents)
        m_events.pop_front();
    journal([&](ChangeJournal &j) { j.event(event); });
    if (m_observers) {
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::Event;
        u.event = event;
        emitUpdate(u);
    }
}

void OperatorView::reportPair(const QByteArray &pairId)
{
    if (const Pair *pair = m_pairs.find(pairId)) {
        m_reportedMoves.insert(pair->id, pair->moves);
        journal([&](ChangeJournal &j) { j.pairChanged(pair->id); });
        if (!m_observers)
            return;
        AdminUpdate u;
        u.kind = AdminUpdate::Kind::PairChanged;
        u.pair = pairInfo(*pair);
        emitUpdate(u);
    }
}

void OperatorView::emitUpdate(AdminUpdate &update)
{
    update.seq = ++m_seq;
    Q_EMIT updated(update);
}

SessionInfo OperatorView::sessionInfo(const Session &s) const
{
    SessionInfo info;
    info.id = s.id();
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

PairInfo OperatorView::pairInfo(const Pair &pair) const
{
    PairInfo info;
    info.pairId = latin1(pair.id);
    info.type = pair.type;
    for (std::size_t i = 0; i < 2; ++i) {
        info.userIds[i] = latin1(pair.userIds[i]);
        info.seatSessions[i] = pair.seats[i];
    }
    info.state = pair.state();
    info.outcome = pair.outcome ? int(*pair.outcome) : -1;
    info.moves = pair.moves;
    info.issuedAtMs = wallTime(pair.issuedAt);
    info.prepareDeadlineMs
        = pair.prepareDeadline == kNoDeadline ? -1 : wallTime(pair.prepareDeadline);
    return info;
}

} // namespace pairmatch
