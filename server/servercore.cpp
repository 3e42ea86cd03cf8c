#include "servercore.h"

#include "logging.h"
#include "session.h"

#include <QTcpSocket>
#include <QWebSocket>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

const char *outcomeName(PairOutcome outcome)
{
    switch (outcome) {
    case PairOutcome::Ended:
        return "ended";
    case PairOutcome::None:
        return "none";
    case PairOutcome::Invalid:
        return "invalid";
    }
    return "?";
}

QString peerText(const Session &s)
{
    return s.peerAddress.toString() + u':' + QString::number(s.peerPort);
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
{ }

ServerCore::~ServerCore()
{
    for (Session *s : m_slots)
        delete s;
}

void ServerCore::adopt(QWebSocket *webSocket, QTcpSocket *tcpSocket, const Route &route)
{
    Busy busy(*this);
    const Millis now = m_clock.now();
    if (m_shuttingDown) {
        webSocket->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
        webSocket->deleteLater();
        return;
    }
    quint32 slot;
    if (!m_freeSlots.empty()) {
        slot = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        slot = quint32(m_slots.size());
        m_slots.push_back(nullptr);
    }
    const ConnId id = (m_nextSerial++ << kSlotBits) | slot;
    auto *s = new Session(id, webSocket, tcpSocket, route, now, m_rate.fullBucket(now));
    m_slots[slot] = s;
    ++m_sessionCount;

    webSocket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxFrameBytes));
    webSocket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxFrameBytes));
    connect(webSocket, &QWebSocket::textMessageReceived, webSocket,
        [this, s](const QString &text) { onText(*s, text); });
    connect(webSocket, &QWebSocket::binaryMessageReceived, webSocket,
        [this, s](const QByteArray &) { onBinary(*s); });
    connect(webSocket, &QWebSocket::pong, webSocket,
        [this, s](quint64 elapsed, const QByteArray &) { onPong(*s, elapsed); });
    connect(webSocket, &QWebSocket::aboutToClose, webSocket, [this, s] { onAboutToClose(*s); });
    connect(webSocket, &QWebSocket::disconnected, webSocket, [this, s] { onDisconnected(*s); });
    m_pings.add(id, now);

    qCInfo(lcNet).noquote() << u"conn %1 open %2 from %3"_s.arg(displayId(id))
                                   .arg(QString::fromLatin1(routePath(route)), peerText(*s));
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
            s->close(CloseCode::GoingAway, "server shutting down"_L1);
            m_closeGrace.push(now + m_config.closeGraceMs, s->id());
        }
    }
    for (Session *s : m_slots) {
        if (s && !s->gone)
            forget(*s, now);
    }
    if (m_sessionCount == 0)
        Q_EMIT allConnectionsClosed();
}

void ServerCore::onText(Session &s, const QString &text)
{
    if (s.isClosing())
        return;
    Busy busy(*this);
    ++s.messagesIn;
    const Millis now = m_rate.isEnabled() ? m_clock.now() : 0;
    if (!m_rate.take(s.bucket, now)) {
        m_out.send(s.id(), MessageCodec::errorFrame(ErrorCode::RateLimited));
        m_out.close(s.id(), CloseCode::PolicyViolation, "rate limited"_L1);
        return;
    }
    if (const auto error = m_codec.decode(text, s.endpoint(), m_message)) {
        m_out.send(s.id(), MessageCodec::errorFrame(*error));
        return;
    }
    switch (m_message.command) {
    case Command::Game:
        m_pairs.game(s.id(), m_message, m_out);
        return;
    case Command::Entry: {
        const Millis t = m_clock.now();
        s.userId = m_message.userId;
        if (std::optional<Match> match
            = m_matchmaker.entry(s.id(), s.route().type, m_message, t, m_out)) {
            const Pair &pair = m_pairs.issue(*match, t, m_out);
            qCInfo(lcMatch).noquote()
                << u"match type %1: %2 (conn %3) + %4 (conn %5) -> pair %6"_s.arg(match->type)
                       .arg(QString::fromLatin1(match->newcomer.userId))
                       .arg(displayId(match->newcomer.conn))
                       .arg(QString::fromLatin1(match->waiter.userId))
                       .arg(displayId(match->waiter.conn))
                       .arg(QString::fromLatin1(pair.id));
        }
        return;
    }
    case Command::Cancel:
        m_matchmaker.cancel(s.id(), m_out);
        return;
    case Command::Prepared:
        s.userId = m_message.userId;
        m_pairs.prepared(s.id(), s.route().pairId, m_message, m_clock.now(), m_out);
        return;
    case Command::End:
        m_pairs.end(s.id(), m_clock.now(), m_out);
        return;
    }
}

void ServerCore::onBinary(Session &s)
{
    if (s.isClosing())
        return;
    Busy busy(*this);
    ++s.messagesIn;
    if (!m_rate.take(s.bucket, m_rate.isEnabled() ? m_clock.now() : 0)) {
        m_out.send(s.id(), MessageCodec::errorFrame(ErrorCode::RateLimited));
        m_out.close(s.id(), CloseCode::PolicyViolation, "rate limited"_L1);
        return;
    }
    m_out.send(s.id(), MessageCodec::errorFrame(ErrorCode::BadFrame));
}

void ServerCore::onPong(Session &s, quint64 elapsedMs)
{
    s.lastRttMs = qint64(elapsedMs);
    m_pings.pong(s.id());
}

void ServerCore::onAboutToClose(Session &s)
{
    s.noteCloseStarted();
}

void ServerCore::onDisconnected(Session &s)
{
    Busy busy(*this);
    if (!s.gone)
        forget(s, m_clock.now());
    m_finished.push_back(s.id());
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
        if (Session *s = find(id))
            s->ping();
    }
    for (ConnId id : m_dead)
        m_out.close(id, CloseCode::GoingAway, "ping timeout"_L1);

    m_closeGrace.popDue(now, [this](ConnId id) {
        if (Session *s = find(id)) {
            qCInfo(lcNet).noquote() << u"conn %1 did not finish closing; cut"_s.arg(displayId(id));
            s->abort();
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
            if (s->send(e.frame) > m_config.maxSendBufferBytes)
                closeSession(*s, CloseCode::PolicyViolation, "too slow: send buffer full"_L1);
        } else {
            closeSession(*s, e.closeCode, e.reason); // may append; e is not used after
        }
    }
    logEvents();
    m_out.clear();

    for (std::size_t i = 0; i < m_finished.size(); ++i)
        finish(m_finished[i]);
    m_finished.clear();
    --m_depth;

    m_timer.arm(
        std::min({m_pairs.nextDeadline(), m_pings.nextDeadline(), m_closeGrace.nextDeadline()}));
}

void ServerCore::closeSession(Session &s, quint16 code, QLatin1StringView reason)
{
    if (s.isClosing())
        return;
    const Millis now = m_clock.now();
    s.close(code, reason); // Qt may report the disconnect at once, from in here
    if (!s.gone)
        forget(s, now);
    m_closeGrace.push(now + m_config.closeGraceMs, s.id());
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
    m_slots[id & ((quint64(1) << kSlotBits) - 1)] = nullptr;
    m_freeSlots.push_back(quint32(id & ((quint64(1) << kSlotBits) - 1)));
    --m_sessionCount;
    delete s;
    if (m_shuttingDown && m_sessionCount == 0)
        Q_EMIT allConnectionsClosed();
}

void ServerCore::logEvents()
{
    for (const PairEvent &e : m_out.events) {
        if (e.kind != PairEvent::Kind::Over)
            continue;
        const Pair *pair = m_pairs.find(e.pairId);
        qCInfo(lcRound).noquote() << u"pair %1 over: %2%3"_s.arg(QString::fromLatin1(e.pairId))
                                         .arg(QLatin1StringView(outcomeName(e.outcome)))
                                         .arg(pair ? u" after %1 moves"_s.arg(pair->moves)
                                                   : QString());
    }
}

Session *ServerCore::find(ConnId id) const
{
    const std::size_t slot = id & ((quint64(1) << kSlotBits) - 1);
    if (slot >= m_slots.size())
        return nullptr;
    Session *s = m_slots[slot];
    return s && s->id() == id ? s : nullptr;
}

} // namespace pairmatch
