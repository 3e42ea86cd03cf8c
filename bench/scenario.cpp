#include "scenario.h"

#include "messages.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QUrl>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSetupConcurrency = ScenarioConfig::kSetupConcurrency;
constexpr int kOpenTimeoutMs = 10'000; // one connection: TCP, TLS and HTTP upgrade
constexpr qint64 kLifecycleTimeoutNs = 15'000'000'000; // a pair's setup; a churn lifecycle
constexpr double kDrainSeconds = 5; // after the window, for the moves still in flight
constexpr double kChurnDrainSeconds = 16; // after the window, for lifecycles to finish
constexpr double kEndingSeconds = 5; // for `ended` after `end`
constexpr double kClosingSeconds = 3.5; // for close handshakes (each is cut after 3 s)
constexpr double kAbortClosingSeconds = 2;
constexpr qint64 kChurnRetryNs = 200'000'000; // a failed churn slot waits this long
constexpr std::size_t kMaxMissing = 256; // per seat and direction, then counted lost
constexpr quint64 kSendRing = 64; // latency: moves in flight per player
constexpr qint64 kLateSendNs = 2'000'000; // latency: behind schedule by more is late
constexpr int kMaxFirstErrors = 12;

void appendJsonString(QByteArray &out, QByteArrayView s)
{
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (uchar(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(uchar(c)));
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
}

QByteArray commandHead(Command command)
{
    const QLatin1StringView name = commandName(command);
    return R"({"command":")" + QByteArray(name.data(), name.size()) + '"';
}

QByteArray entryMessage(const QByteArray &userId)
{
    QByteArray m = commandHead(Command::Entry) + R"(,"user":{"userId":)";
    appendJsonString(m, userId);
    return m + "}}";
}

QByteArray preparedMessage(const QByteArray &userId, const QByteArray &token)
{
    QByteArray m = commandHead(Command::Prepared) + R"(,"user":{"userId":)";
    appendJsonString(m, userId);
    m += R"(},"token":)";
    appendJsonString(m, token);
    return m + '}';
}

const QByteArray &endMessage()
{
    static const QByteArray m = commandHead(Command::End) + '}';
    return m;
}

const QByteArray &movePrefix()
{
    static const QByteArray m = commandHead(Command::Game) + R"(,"data":{"n":)";
    return m;
}

QString number(double v, int decimals = 0)
{
    static const QLocale locale(QLocale::English, QLocale::UnitedStates);
    return std::isfinite(v) ? locale.toString(v, 'f', decimals) : u"-"_s;
}

QJsonValue jsonNumber(double v, int decimals = 3)
{
    if (!std::isfinite(v))
        return QJsonValue::Null;
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

QString percent(double share)
{
    return number(100 * share) + u"% of one core"_s;
}

} // namespace

double ScenarioConfig::boundSeconds() const
{
    const double tail = kEndingSeconds + kClosingSeconds + 2;
    switch (kind) {
    case ScenarioKind::Churn:
        return warmup + duration + kChurnDrainSeconds + tail;
    case ScenarioKind::Idle:
        return setupCapSeconds() + duration + tail;
    case ScenarioKind::Relay:
    case ScenarioKind::RelayWide:
    case ScenarioKind::Latency:
        break;
    }
    return setupCapSeconds() + warmup + duration + kDrainSeconds + tail;
}

// ---------------------------------------------------------------------------------------
// construction, phases

ScenarioRunner::ScenarioRunner(
    const ScenarioConfig &config, const WsTarget &target, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_target(target)
{
    m_clock.start();
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &ScenarioRunner::onTick);
    m_phaseTimer.setSingleShot(true);
    connect(&m_phaseTimer, &QTimer::timeout, this, &ScenarioRunner::onPhaseTimer);
    m_sendTimer.setTimerType(Qt::PreciseTimer);
    m_sendTimer.setInterval(1);
    connect(&m_sendTimer, &QTimer::timeout, this, &ScenarioRunner::sendLatencyMoves);

    const int n = m_config.slots();
    m_pairs.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        auto pair = std::make_unique<Pair>();
        pair->index = i;
        for (int seat = 0; seat < 2; ++seat) {
            Player &p = pair->players[std::size_t(seat)];
            p.runner = this;
            p.pair = pair.get();
            p.seat = seat;
        }
        m_pairs.push_back(std::move(pair));
    }
    m_pairCount[std::size_t(Pair::State::Idle)] = n;
    m_result.kind = m_config.kind;
    m_result.url = m_config.url;
}

ScenarioRunner::~ScenarioRunner()
{
    // The clients are children and go with this object; none may call a player meanwhile.
    for (const auto &pair : m_pairs) {
        for (Player &p : pair->players) {
            if (p.conn)
                p.conn->detach();
        }
    }
}

QString ScenarioRunner::phaseName() const
{
    switch (m_phase) {
    case Phase::Idle:
        return u"starting"_s;
    case Phase::Setup:
        return u"connecting"_s;
    case Phase::Warmup:
        return u"warming up"_s;
    case Phase::Measure:
        return u"measuring"_s;
    case Phase::Hold:
        return u"holding"_s;
    case Phase::Drain:
        return u"draining"_s;
    case Phase::Ending:
        return u"ending"_s;
    case Phase::Closing:
        return u"closing"_s;
    case Phase::Done:
        return u"done"_s;
    }
    return {};
}

ScenarioRunner::Snapshot ScenarioRunner::snapshot() const
{
    Snapshot s;
    s.ns = nowNs();
    s.counters = m_counters;
    s.benchCpu = ownCpuSeconds();
    s.server = readProcess(m_config.serverPid);
    return s;
}

void ScenarioRunner::setPairState(Pair &pair, Pair::State state)
{
    --m_pairCount[std::size_t(pair.state)];
    ++m_pairCount[std::size_t(state)];
    pair.state = state;
}

void ScenarioRunner::start()
{
    m_serverAtStart = readProcess(m_config.serverPid);
    m_tick.start();
    if (m_config.kind == ScenarioKind::Churn) {
        m_sending = true;
        enterPhase(Phase::Warmup, m_config.warmup);
        for (const auto &pair : m_pairs) {
            if (m_sending && pair->state == Pair::State::Idle)
                startPair(*pair);
        }
        return;
    }
    m_setupStartNs = nowNs();
    enterPhase(Phase::Setup, m_config.setupCapSeconds());
    launchSetupPairs();
}

void ScenarioRunner::enterPhase(Phase phase, double seconds)
{
    m_phase = phase;
    m_phaseTimer.start(int(std::lround(seconds * 1000)));
}

void ScenarioRunner::onPhaseTimer()
{
    switch (m_phase) {
    case Phase::Setup:
        // The cap: pairs still setting up, and those never tried, time out.
        m_nextSetup = int(m_pairs.size());
        for (const auto &pair : m_pairs) {
            if (pair->state == Pair::State::Setup || pair->state == Pair::State::Idle) {
                ++m_counters.errors.timeouts;
                if (pair->state == Pair::State::Setup)
                    failPair(*pair);
            }
        }
        noteError(u"setup not done within %1 s"_s.arg(m_config.setupCapSeconds()));
        onSetupOver();
        break;
    case Phase::Warmup:
        startMeasuring();
        break;
    case Phase::Measure:
        stopMeasuring();
        break;
    case Phase::Hold:
        m_windowEnd = snapshot();
        m_serverHeld = m_windowEnd.server;
        for (const auto &pair : m_pairs) {
            for (const Player &p : pair->players)
                m_connectionsHeld
                    += p.state == Player::State::Playing && p.conn && p.conn->isOpen();
        }
        beginEnding();
        break;
    case Phase::Drain:
        if (isPairKind()) {
            beginEnding(); // what is still missing counts as lost
        } else {
            for (const auto &pair : m_pairs) {
                if (pair->state == Pair::State::Setup || pair->state == Pair::State::Ready
                    || pair->state == Pair::State::Ending) {
                    ++m_counters.errors.timeouts;
                    noteError(u"pair %1: lifecycle unfinished after the drain"_s.arg(pair->index));
                    failPair(*pair);
                }
            }
            beginClosing();
        }
        break;
    case Phase::Ending:
        for (const auto &pair : m_pairs) {
            if (pair->state == Pair::State::Ending) {
                ++m_counters.errors.timeouts;
                noteError(u"pair %1: no \"ended\" within %2 s of \"end\""_s.arg(pair->index)
                              .arg(kEndingSeconds));
                failPair(*pair);
            }
        }
        beginClosing();
        break;
    case Phase::Closing:
        finish();
        break;
    case Phase::Idle:
    case Phase::Done:
        break;
    }
}

void ScenarioRunner::onTick()
{
    if (m_phase == Phase::Closing) {
        if (m_live == 0)
            finish();
        return;
    }
    if (m_phase == Phase::Done)
        return;
    const qint64 now = nowNs();
    for (const auto &holder : m_pairs) {
        Pair &pair = *holder;
        const bool watched = pair.state == Pair::State::Setup || pair.state == Pair::State::Ending
            || (pair.state == Pair::State::Ready && m_config.kind == ScenarioKind::Churn);
        if (watched && pair.deadlineNs && now >= pair.deadlineNs) {
            ++m_counters.errors.timeouts;
            const Player &p0 = pair.players[0];
            const Player &p1 = pair.players[1];
            const auto stateOf = [](const Player &p) {
                switch (p.state) {
                case Player::State::Matching:
                    return p.conn && p.conn->isOpen() ? u"waiting for prepare"_s
                                                      : u"opening the matching socket"_s;
                case Player::State::Round:
                    return p.conn && p.conn->isOpen() ? u"waiting for start"_s
                                                      : u"opening the round socket"_s;
                case Player::State::Playing:
                    return u"playing (own %1/%2, opponent's %3)"_s.arg(p.own.next)
                        .arg(p.sent)
                        .arg(p.opp.next);
                case Player::State::Ending:
                    return u"waiting for ended"_s;
                default:
                    return u"idle"_s;
                }
            };
            noteError(u"pair %1: timed out; seat 0 %2, seat 1 %3"_s.arg(pair.index)
                          .arg(stateOf(p0), stateOf(p1)));
            failPair(pair);
        }
        if (m_config.kind == ScenarioKind::Churn && m_sending && pair.state == Pair::State::Failed
            && now >= pair.retryAtNs)
            startPair(pair);
    }
    if (m_phase == Phase::Setup)
        launchSetupPairs();
}

void ScenarioRunner::launchSetupPairs()
{
    if (m_launching || m_phase != Phase::Setup)
        return;
    m_launching = true;
    const int n = int(m_pairs.size());
    while (m_nextSetup < n && pairsIn(Pair::State::Setup) < kSetupConcurrency)
        startPair(*m_pairs[std::size_t(m_nextSetup++)]);
    m_launching = false;
    if (m_nextSetup >= n && pairsIn(Pair::State::Setup) == 0)
        onSetupOver();
}

void ScenarioRunner::onSetupOver()
{
    if (m_phase != Phase::Setup)
        return;
    m_setupSeconds = double(nowNs() - m_setupStartNs) / 1e9;
    m_pairsStarted = pairsIn(Pair::State::Ready);
    if (m_pairsStarted == 0) {
        m_abortReason = u"no pair started"_s;
        beginClosing();
        return;
    }
    switch (m_config.kind) {
    case ScenarioKind::Relay:
    case ScenarioKind::RelayWide:
        m_sending = true;
        for (const auto &pair : m_pairs) {
            if (pair->state != Pair::State::Ready)
                continue;
            for (Player &p : pair->players) {
                for (int i = 0; i < m_config.window && p.state == Player::State::Playing; ++i)
                    sendMove(p);
            }
        }
        enterPhase(Phase::Warmup, m_config.warmup);
        break;
    case ScenarioKind::Latency:
        for (const auto &pair : m_pairs) {
            if (pair->state == Pair::State::Ready) {
                for (Player &p : pair->players)
                    m_playing.push_back(&p);
            }
        }
        m_sending = true;
        m_nextSendNs = double(nowNs());
        m_sendTimer.start();
        enterPhase(Phase::Warmup, m_config.warmup);
        break;
    case ScenarioKind::Idle:
        m_windowStart = snapshot();
        enterPhase(Phase::Hold, m_config.duration);
        break;
    case ScenarioKind::Churn:
        break;
    }
}

void ScenarioRunner::startMeasuring()
{
    m_windowStart = snapshot();
    m_windowStartNs = m_windowStart.ns;
    enterPhase(Phase::Measure, m_config.duration);
}

void ScenarioRunner::stopMeasuring()
{
    m_windowEnd = snapshot();
    m_windowEndNs = m_windowEnd.ns;
    m_measured = true;
    m_sending = false;
    m_sendTimer.stop();
    enterPhase(Phase::Drain, isPairKind() ? kDrainSeconds : kChurnDrainSeconds);
    checkDrained();
}

void ScenarioRunner::checkDrained()
{
    if (m_phase != Phase::Drain)
        return;
    if (isPairKind()) {
        if (m_outstanding <= 0)
            beginEnding();
    } else if (pairsIn(Pair::State::Setup) + pairsIn(Pair::State::Ready)
            + pairsIn(Pair::State::Ending)
        == 0) {
        beginClosing();
    }
}

void ScenarioRunner::beginEnding()
{
    enterPhase(Phase::Ending, kEndingSeconds);
    const qint64 deadline = nowNs() + qint64(kEndingSeconds * 1e9);
    for (const auto &pair : m_pairs) {
        if (pair->state != Pair::State::Ready)
            continue;
        for (Player &p : pair->players) {
            finalizePlayer(p); // moves still missing now are lost
            p.state = Player::State::Ending;
        }
        setPairState(*pair, Pair::State::Ending);
        pair->deadlineNs = deadline;
        if (pair->players[0].conn)
            pair->players[0].conn->sendText(endMessage());
    }
    if (m_phase == Phase::Ending && pairsIn(Pair::State::Ending) == 0)
        beginClosing();
}

void ScenarioRunner::beginClosing()
{
    if (m_phase == Phase::Closing || m_phase == Phase::Done)
        return;
    m_sending = false;
    m_sendTimer.stop();
    enterPhase(Phase::Closing, m_aborting ? kAbortClosingSeconds : kClosingSeconds);
    for (const auto &pair : m_pairs) {
        for (Player &p : pair->players)
            closePlayer(p);
    }
}

void ScenarioRunner::abort(const QString &reason)
{
    if (m_phase == Phase::Done || m_aborting)
        return;
    m_aborting = true;
    m_abortReason = reason;
    if (m_phase == Phase::Measure) { // keep what was measured so far
        m_windowEnd = snapshot();
        m_windowEndNs = m_windowEnd.ns;
        m_measured = true;
    }
    if (m_phase == Phase::Closing) {
        m_phaseTimer.start(int(kAbortClosingSeconds * 1000));
        return;
    }
    beginClosing();
}

void ScenarioRunner::finish()
{
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Done;
    m_tick.stop();
    m_phaseTimer.stop();
    m_sendTimer.stop();
    computeResult();
    QTimer::singleShot(0, this, [this] { Q_EMIT finished(); });
}

// ---------------------------------------------------------------------------------------
// pairs and players

void ScenarioRunner::startPair(Pair &pair)
{
    ++pair.generation;
    setPairState(pair, Pair::State::Setup);
    pair.deadlineNs = nowNs() + kLifecycleTimeoutNs;
    pair.retryAtNs = 0;
    for (Player &p : pair.players) {
        p.state = Player::State::Matching;
        p.gotEntried = false;
        p.gotWait = false;
        p.finalized = false;
        p.sent = 0;
        p.own.reset();
        p.opp.reset();
        p.pairId.clear();
        p.token.clear();
        p.userId = "pb-" + m_config.runId + '-' + QByteArray::number(pair.index) + '-'
            + QByteArray::number(pair.generation) + '-' + QByteArray::number(p.seat);
        if (m_config.kind == ScenarioKind::Latency && !p.sendTimes)
            p.sendTimes = std::make_unique<qint64[]>(kSendRing);
    }
    const QByteArray path = m_config.pathPrefix + "/ws/matching/"
        + QByteArray::number(m_config.typeBase + pair.index);
    for (Player &p : pair.players) {
        if (!openPlayer(p, path)) {
            failPair(pair);
            return;
        }
    }
}

bool ScenarioRunner::openPlayer(Player &player, const QByteArray &path)
{
    auto *client = new WsClient(m_target, m_wsCounters, this);
    ++m_live;
    ++m_counters.connections;
    connect(client, &QObject::destroyed, this, [this] {
        if (--m_live == 0 && m_phase == Phase::Closing)
            finish();
    });
    const QHostAddress source = m_config.sources.isEmpty()
        ? QHostAddress()
        : m_config.sources.at(m_sourceNext++ % m_config.sources.size());
    QString error;
    if (!client->open(path, source, &player, kOpenTimeoutMs, &error)) {
        ++m_counters.errors.connect;
        noteError(who(player) + u": "_s + error);
        return false;
    }
    player.conn = client;
    return true;
}

void ScenarioRunner::Player::opened(WsClient *client)
{
    runner->onOpened(*this, client);
}

void ScenarioRunner::Player::messageReceived(WsClient *client, QByteArrayView message, bool binary)
{
    runner->onMessage(*this, client, message, binary);
}

void ScenarioRunner::Player::failed(
    WsClient *client, WsClient::Failure failure, const QString &detail)
{
    runner->onFailed(*this, client, failure, detail);
}

void ScenarioRunner::onOpened(Player &player, WsClient *client)
{
    if (client != player.conn)
        return;
    if (player.state == Player::State::Matching)
        client->sendText(entryMessage(player.userId));
    else if (player.state == Player::State::Round)
        client->sendText(preparedMessage(player.userId, player.token));
}

void ScenarioRunner::onFailed(
    Player &player, WsClient *client, WsClient::Failure failure, const QString &detail)
{
    if (client != player.conn)
        return;
    player.conn = nullptr; // it ends itself
    ErrorCounters &e = m_counters.errors;
    switch (failure) {
    case WsClient::Failure::Connect:
        ++e.connect;
        break;
    case WsClient::Failure::Tls:
        ++e.tls;
        break;
    case WsClient::Failure::Handshake:
        ++e.handshake;
        break;
    case WsClient::Failure::Timeout:
        ++e.timeouts;
        break;
    case WsClient::Failure::Protocol:
        ++e.websocket;
        break;
    case WsClient::Failure::ClosedByServer:
    case WsClient::Failure::Lost:
        ++e.closed;
        break;
    }
    noteError(who(player) + u": "_s + WsClient::failureName(failure) + u": "_s + detail);
    failPair(*player.pair);
}

void ScenarioRunner::onMessage(Player &player, WsClient *client, QByteArrayView text, bool binary)
{
    if (client != player.conn)
        return;
    if (binary) {
        unexpected(player, u"binary frame"_s, text);
        return;
    }
    ServerMessage m;
    parseServerMessage(text, m);
    using Kind = ServerMessage::Kind;
    using State = Player::State;
    switch (m.kind) {
    case Kind::Game:
        if (player.state == State::Playing)
            onMove(player, m);
        else
            unexpected(player, u"move outside play"_s, text);
        return;
    case Kind::Error: {
        ++m_counters.errors.errorMessages;
        const QString code = m.code.isEmpty() ? u"(no code)"_s : QString::fromUtf8(m.code);
        ++m_result.errorCodes[code];
        noteError(who(player) + u": "_s
            + QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 300))));
        failPair(*player.pair);
        return;
    }
    case Kind::Entried:
        if (player.state == State::Matching && !player.gotEntried) {
            player.gotEntried = true;
            return;
        }
        break;
    case Kind::Prepare:
        if (player.state == State::Matching) {
            onPrepare(player, m, text);
            return;
        }
        break;
    case Kind::Wait:
        if (player.state == State::Round && !player.gotWait) {
            player.gotWait = true;
            return;
        }
        break;
    case Kind::Start:
        if (player.state == State::Round) {
            onStart(player, m, text);
            return;
        }
        break;
    case Kind::Ended:
        if (player.seat == 0 && player.state == State::Ending
            && player.pair->state == Pair::State::Ending) {
            onPairFinished(*player.pair);
            return;
        }
        break;
    case Kind::None:
    case Kind::Invalid:
        unexpected(player, u"end of the pair"_s, text);
        failPair(*player.pair);
        return;
    case Kind::Malformed:
        unexpected(player, QString::fromLatin1(m.problem), text);
        failPair(*player.pair);
        return;
    case Kind::Cancelled:
    case Kind::Unknown:
        break;
    }
    unexpected(player, u"message"_s, text);
}

void ScenarioRunner::onPrepare(Player &player, const ServerMessage &m, QByteArrayView text)
{
    Pair &pair = *player.pair;
    const Player &other = pair.players[std::size_t(1 - player.seat)];
    const bool ours = m.userCount == 2
        && ((m.users[0] == player.userId && m.users[1] == other.userId)
            || (m.users[0] == other.userId && m.users[1] == player.userId));
    if (!ours) {
        unexpected(
            player, u"prepare naming other users (another run on the same --type-base?)"_s, text);
        failPair(pair);
        return;
    }
    if (!other.pairId.isEmpty() && other.pairId != m.pairId) {
        unexpected(player, u"prepare with another pairId than the opponent's"_s, text);
        failPair(pair);
        return;
    }
    player.pairId = m.pairId.toByteArray();
    player.token = m.token.toByteArray();
    closePlayer(player);
    player.state = Player::State::Round;
    const QByteArray path = m_config.pathPrefix + "/ws/round/"
        + QUrl::toPercentEncoding(QString::fromUtf8(player.pairId));
    if (!openPlayer(player, path))
        failPair(pair);
}

void ScenarioRunner::onStart(Player &player, const ServerMessage &m, QByteArrayView text)
{
    Pair &pair = *player.pair;
    const Player &other = pair.players[std::size_t(1 - player.seat)];
    const bool ours = m.userCount == 2
        && ((m.users[0] == player.userId && m.users[1] == other.userId)
            || (m.users[0] == other.userId && m.users[1] == player.userId));
    if (!ours) {
        unexpected(player, u"start naming other users"_s, text);
        failPair(pair);
        return;
    }
    player.state = Player::State::Playing;
    if (m_config.kind == ScenarioKind::Churn)
        sendMove(player); // its first move; each echo sends the next
    if (pair.players[0].state == Player::State::Playing
        && pair.players[1].state == Player::State::Playing)
        onPairReady(pair);
}

void ScenarioRunner::onPairReady(Pair &pair)
{
    setPairState(pair, Pair::State::Ready);
    if (isPairKind()) {
        pair.deadlineNs = 0;
        launchSetupPairs();
    }
}

void ScenarioRunner::onMove(Player &player, const ServerMessage &m)
{
    if (m.n < 0) {
        unexpected(player, u"move whose data is not {\"n\": integer}"_s, {});
        return;
    }
    Pair &pair = *player.pair;
    const int seat = int(m.n & 1);
    const auto seq = quint64(m.n) >> 1;
    const Player &sender = pair.players[std::size_t(seat)];
    if (m.userId != sender.userId) {
        unexpected(player,
            u"move %1 of seat %2 under userId %3"_s.arg(seq).arg(seat).arg(
                QString::fromUtf8(m.userId)),
            {});
        return;
    }
    if (seq >= sender.sent) {
        unexpected(player, u"move %1 of seat %2, never sent"_s.arg(seq).arg(seat), {});
        return;
    }
    const bool mine = seat == player.seat;
    SeqTracker &t = mine ? player.own : player.opp;
    ErrorCounters &e = m_counters.errors;
    if (seq == t.next) {
        ++t.next;
    } else if (seq > t.next) {
        // skipped over: they may still come (misordered) or never (lost)
        const quint64 gap = seq - t.next;
        const quint64 room = kMaxMissing - std::min<quint64>(kMaxMissing, t.missing.size());
        for (quint64 s = t.next; s < t.next + std::min(gap, room); ++s)
            t.missing.push_back(s);
        if (gap > room) {
            e.lost += gap - room;
            m_outstanding -= qint64(gap - room);
        }
        if (noteOnce(NotedGap))
            noteError(who(player)
                + u": move %1 of seat %2 came before %3"_s.arg(seq).arg(seat).arg(t.next));
        t.next = seq + 1;
    } else {
        const auto it = std::find(t.missing.begin(), t.missing.end(), seq);
        if (it == t.missing.end()) {
            ++e.duplicated;
            if (noteOnce(NotedDuplicate))
                noteError(who(player) + u": move %1 of seat %2 came twice"_s.arg(seq).arg(seat));
            return;
        }
        t.missing.erase(it);
        ++e.misordered;
    }
    --m_outstanding;
    if (mine) {
        ++m_counters.own;
        switch (m_config.kind) {
        case ScenarioKind::Relay:
        case ScenarioKind::RelayWide:
            if (m_sending)
                sendMove(player);
            break;
        case ScenarioKind::Latency: {
            const qint64 sentAt = player.sendTimes[seq % kSendRing];
            if (m_windowStartNs >= 0 && sentAt >= m_windowStartNs
                && (m_windowEndNs < 0 || sentAt < m_windowEndNs))
                m_latency.add(nowNs() - sentAt);
            break;
        }
        case ScenarioKind::Churn:
            if (player.sent < quint64(m_config.moves))
                sendMove(player);
            checkChurnDone(pair);
            break;
        case ScenarioKind::Idle:
            break;
        }
    } else {
        ++m_counters.opp;
        if (m_config.kind == ScenarioKind::Churn)
            checkChurnDone(pair);
    }
    if (m_phase == Phase::Drain)
        checkDrained();
}

void ScenarioRunner::sendMove(Player &player)
{
    if (!player.conn)
        return;
    const QByteArray &prefix = movePrefix();
    char buf[96];
    std::memcpy(buf, prefix.constData(), std::size_t(prefix.size()));
    const quint64 n = player.sent * 2 + quint64(player.seat);
    char *end = std::to_chars(buf + prefix.size(), buf + sizeof buf - 2, n).ptr;
    *end++ = '}';
    *end++ = '}';
    if (player.sendTimes)
        player.sendTimes[player.sent % kSendRing] = nowNs();
    player.conn->sendText(QByteArrayView(buf, end - buf));
    ++player.sent;
    ++m_counters.sent;
    m_outstanding += 2; // its echo, and its arrival at the opponent
}

void ScenarioRunner::sendLatencyMoves()
{
    if (!m_sending || m_playing.empty())
        return;
    const double interval = 1e9 / m_config.rate;
    const qint64 now = nowNs();
    int guard = 0;
    while (m_nextSendNs <= double(now) && guard++ < 100'000) {
        if (double(now) - m_nextSendNs > double(kLateSendNs))
            ++m_counters.lateSends;
        m_nextSendNs += interval;
        Player *chosen = nullptr;
        for (std::size_t k = 0; k < m_playing.size() && !chosen; ++k) {
            Player *candidate = m_playing[m_roundRobin++ % m_playing.size()];
            if (candidate->state != Player::State::Playing || !candidate->conn)
                continue;
            if (candidate->sent - candidate->own.next >= kSendRing) {
                ++m_counters.skippedSends;
                continue;
            }
            chosen = candidate;
        }
        if (!chosen)
            continue;
        sendMove(*chosen);
        if (chosen->conn)
            chosen->conn->flush(); // now, not at the next event-loop pass
        if (!m_sending)
            return;
    }
    if (guard >= 100'000)
        m_nextSendNs = double(now); // far behind: start again from now (counted late)
}

void ScenarioRunner::checkChurnDone(Pair &pair)
{
    if (pair.state != Pair::State::Ready)
        return;
    const auto moves = quint64(m_config.moves);
    for (const Player &p : pair.players) {
        if (p.own.next < moves || p.opp.next < moves || !p.own.missing.empty()
            || !p.opp.missing.empty())
            return;
    }
    // Both seats saw all 2M moves: seat 0 ends the pair; its `ended` closes both.
    setPairState(pair, Pair::State::Ending);
    for (Player &p : pair.players)
        p.state = Player::State::Ending;
    if (pair.players[0].conn)
        pair.players[0].conn->sendText(endMessage());
}

void ScenarioRunner::onPairFinished(Pair &pair)
{
    for (Player &p : pair.players) {
        finalizePlayer(p);
        p.state = Player::State::Done;
        closePlayer(p);
    }
    setPairState(pair, Pair::State::Finished);
    if (m_config.kind == ScenarioKind::Churn) {
        ++m_counters.matches;
        if (m_sending)
            startPair(pair);
        else
            checkDrained();
    } else if (m_phase == Phase::Ending && pairsIn(Pair::State::Ending) == 0) {
        beginClosing();
    }
}

void ScenarioRunner::failPair(Pair &pair)
{
    if (pair.state == Pair::State::Idle || pair.state == Pair::State::Finished
        || pair.state == Pair::State::Failed)
        return;
    const Pair::State was = pair.state;
    for (Player &p : pair.players) {
        finalizePlayer(p);
        p.state = Player::State::Failed;
        closePlayer(p);
    }
    setPairState(pair, Pair::State::Failed);
    pair.retryAtNs = nowNs() + kChurnRetryNs;
    if (was == Pair::State::Setup && m_phase == Phase::Setup)
        launchSetupPairs();
    else if (m_phase == Phase::Ending && pairsIn(Pair::State::Ending) == 0)
        beginClosing();
    else
        checkDrained();
}

void ScenarioRunner::finalizePlayer(Player &player)
{
    if (player.finalized)
        return;
    player.finalized = true;
    const Player &other = player.pair->players[std::size_t(1 - player.seat)];
    const quint64 missing
        = player.own.outstanding(player.sent) + player.opp.outstanding(other.sent);
    m_outstanding -= qint64(missing);
    if (missing && !m_aborting) {
        if (noteOnce(NotedLost))
            noteError(who(player) + u": %1 moves never arrived"_s.arg(missing));
        m_counters.errors.lost += missing;
    }
}

void ScenarioRunner::closePlayer(Player &player)
{
    if (WsClient *client = std::exchange(player.conn, nullptr))
        client->close();
}

bool ScenarioRunner::noteOnce(Noted kind)
{
    const bool first = !(m_noted & kind);
    m_noted |= kind;
    return first;
}

void ScenarioRunner::unexpected(Player &player, const QString &what, QByteArrayView text)
{
    ++m_counters.errors.unexpected;
    QString line = who(player) + u": unexpected "_s + what;
    if (!text.isEmpty())
        line += u": "_s + QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 200)));
    noteError(line);
}

void ScenarioRunner::noteError(const QString &text)
{
    if (m_result.firstErrors.size() < kMaxFirstErrors)
        m_result.firstErrors.append(text.left(400));
}

QString ScenarioRunner::who(const Player &player) const
{
    return u"pair %1 seat %2"_s.arg(player.pair->index).arg(player.seat);
}

// ---------------------------------------------------------------------------------------
// the result

void ScenarioRunner::computeResult()
{
    ScenarioResult &r = m_result;
    const ScenarioConfig &c = m_config;
    r.completed = m_abortReason.isEmpty();
    r.abortReason = m_abortReason;
    r.counters = m_counters;
    r.elapsedSeconds = double(nowNs()) / 1e9;
    r.figures.clear();
    // Without a measured window the window's figures are null in JSON and left out of the table.
    const bool shown = m_measured || c.kind == ScenarioKind::Idle;
    const auto add = [&r, shown](const QString &key, const QJsonValue &value,
                         const QString &label = {}, const QString &text = {}) {
        r.figures.push_back({key, value, shown ? label : QString(), text});
    };

    const Snapshot &a = m_windowStart;
    const Snapshot &b = m_windowEnd;
    const double secs = m_measured ? double(b.ns - a.ns) / 1e9 : qQNaN();
    const bool server = m_measured && a.server.ok && b.server.ok;
    const double serverCpu = server ? b.server.cpuSeconds - a.server.cpuSeconds : qQNaN();
    r.benchCpuShare = m_measured ? (b.benchCpu - a.benchCpu) / secs : qQNaN();
    const auto diff = [&](quint64 Counters::*field) -> double {
        return m_measured ? double(b.counters.*field - a.counters.*field) : qQNaN();
    };
    const auto serverShare = [&] {
        add(u"server_cpu_share"_s, jsonNumber(serverCpu / secs));
    };
    const auto benchShare = [&] {
        QString text = percent(r.benchCpuShare);
        if (r.benchCpuShare >= 0.9)
            text += u" (saturated: the figures above are the bench's limit, not the server's)"_s;
        add(u"bench_cpu_share"_s, jsonNumber(r.benchCpuShare), u"bench CPU"_s, text);
    };
    const auto pairsStarted = [&] {
        add(u"pairs"_s, c.pairs);
        r.figures.push_back({u"pairs_started"_s, m_pairsStarted, u"pairs started"_s,
            u"%1 of %2, set up in %3 s"_s.arg(
                number(m_pairsStarted), number(c.pairs), number(m_setupSeconds, 2))});
        add(u"setup_s"_s, jsonNumber(m_setupSeconds));
    };
    const QString noServer = u"not measured (give --server-pid of a local server)"_s;

    switch (c.kind) {
    case ScenarioKind::Relay:
    case ScenarioKind::RelayWide: {
        r.title = u"%1 pairs, %2 in flight per player"_s.arg(
            number(c.pairs), c.window == 1 ? u"1 move"_s : u"%1 moves"_s.arg(c.window));
        pairsStarted();
        add(u"window"_s, c.window);
        add(u"window_s"_s, jsonNumber(secs));
        const double moves = diff(&Counters::own);
        const double deliveries = moves + diff(&Counters::opp);
        add(u"moves"_s, jsonNumber(moves, 0));
        add(u"moves_per_s"_s, jsonNumber(moves / secs, 1), u"moves/s"_s,
            u"%1 (own moves echoed back per second, over %2 s)"_s.arg(
                number(moves / secs), number(secs, 1)));
        add(u"deliveries_per_s"_s, jsonNumber(deliveries / secs, 1), u"deliveries/s"_s,
            u"%1 (moves received per second, both seats)"_s.arg(number(deliveries / secs)));
        const double perMove = serverCpu * 1e6 / moves;
        add(u"server_cpu_us_per_move"_s, jsonNumber(perMove), u"server CPU"_s,
            server ? u"%1 us per move, %2"_s.arg(number(perMove, 2), percent(serverCpu / secs))
                   : noServer);
        serverShare();
        benchShare();
        break;
    }
    case ScenarioKind::Latency: {
        r.title = u"%1 pairs, %2 moves/s in all"_s.arg(number(c.pairs), number(c.rate));
        pairsStarted();
        add(u"rate"_s, jsonNumber(c.rate, 1));
        add(u"window_s"_s, jsonNumber(secs));
        const double achieved = diff(&Counters::sent) / secs;
        add(u"achieved_per_s"_s, jsonNumber(achieved, 1), u"moves/s"_s,
            u"%1 sent (asked %2), %3 round trips sampled over %4 s"_s.arg(number(achieved),
                number(c.rate), number(double(m_latency.count())), number(secs, 1)));
        add(u"samples"_s, double(m_latency.count()));
        const double p50 = m_latency.percentileUs(0.5);
        const double p90 = m_latency.percentileUs(0.9);
        const double p99 = m_latency.percentileUs(0.99);
        const double max = m_latency.maxUs();
        add(u"p50_us"_s, jsonNumber(p50, 1));
        add(u"p90_us"_s, jsonNumber(p90, 1));
        add(u"p99_us"_s, jsonNumber(p99, 1));
        add(u"max_us"_s, jsonNumber(max, 1), u"round trip"_s,
            u"p50 %1 us, p90 %2 us, p99 %3 us, max %4 us (a move to its own echo)"_s.arg(
                number(p50), number(p90), number(p99), number(max)));
        const double late = diff(&Counters::lateSends);
        const double skipped = diff(&Counters::skippedSends);
        add(u"late_sends"_s, jsonNumber(late, 0), u"late sends"_s,
            u"%1 over 2 ms behind schedule, %2 skipped (64 moves in flight)"_s.arg(
                number(late), number(skipped)));
        add(u"skipped_sends"_s, jsonNumber(skipped, 0));
        const double perMove = serverCpu * 1e6 / diff(&Counters::own);
        add(u"server_cpu_us_per_move"_s, jsonNumber(perMove), u"server CPU"_s,
            server ? u"%1 us per move, %2"_s.arg(number(perMove, 2), percent(serverCpu / secs))
                   : noServer);
        serverShare();
        benchShare();
        break;
    }
    case ScenarioKind::Churn: {
        r.title = u"%1 lifecycles at once, %2 moves per player"_s.arg(number(c.concurrency))
                      .arg(c.moves);
        add(u"concurrency"_s, c.concurrency);
        add(u"moves_per_player"_s, c.moves);
        add(u"window_s"_s, jsonNumber(secs));
        const double matches = diff(&Counters::matches);
        add(u"matches"_s, jsonNumber(matches, 0));
        add(u"matches_per_s"_s, jsonNumber(matches / secs, 1), u"matches/s"_s,
            u"%1 (whole lifecycles completed per second, over %2 s)"_s.arg(
                number(matches / secs, 1), number(secs, 1)));
        const double conns = diff(&Counters::connections) / secs;
        add(u"connections_per_s"_s, jsonNumber(conns, 1), u"connections/s"_s,
            u"%1 (4 WebSocket connections per match)"_s.arg(number(conns)));
        const double perMatch = serverCpu * 1e3 / matches;
        add(u"server_cpu_ms_per_match"_s, jsonNumber(perMatch, 4), u"server CPU"_s,
            server ? u"%1 ms per match, %2"_s.arg(number(perMatch, 3), percent(serverCpu / secs))
                   : noServer);
        serverShare();
        benchShare();
        break;
    }
    case ScenarioKind::Idle: {
        const qint64 seated = 2LL * m_pairsStarted;
        r.title = u"%1 seated idle connections"_s.arg(number(double(c.connectionsRequested)));
        add(u"connections_requested"_s, double(c.connectionsRequested));
        add(u"connections"_s, double(seated), u"connections"_s,
            u"%1 of %2 seated in %3 s (%4 per second), %5 still open after %6 s"_s.arg(
                number(double(seated)), number(double(c.connectionsRequested)),
                number(m_setupSeconds, 2), number(double(seated) / m_setupSeconds),
                number(double(m_connectionsHeld)), number(c.duration, 1)));
        add(u"connections_held"_s, double(m_connectionsHeld));
        add(u"setup_s"_s, jsonNumber(m_setupSeconds));
        add(u"connections_per_s"_s, jsonNumber(double(seated) / m_setupSeconds, 1));
        if (!c.capReason.isEmpty())
            add(u"capped_by"_s, c.capReason, u"capped"_s, c.capReason);
        add(u"pings_answered"_s, double(m_wsCounters.pingsAnswered), u"pings answered"_s,
            number(double(m_wsCounters.pingsAnswered)));
        const bool rss = m_serverAtStart.ok && m_serverHeld.ok && m_connectionsHeld > 0;
        const qint64 grown = m_serverHeld.rssKb - m_serverAtStart.rssKb;
        const double perConn = rss ? double(grown) * 1024.0 / double(m_connectionsHeld) : qQNaN();
        add(u"server_rss_start_kb"_s,
            m_serverAtStart.ok ? QJsonValue(double(m_serverAtStart.rssKb)) : QJsonValue());
        add(u"server_rss_kb"_s,
            m_serverHeld.ok ? QJsonValue(double(m_serverHeld.rssKb)) : QJsonValue());
        add(u"server_rss_per_connection_bytes"_s, jsonNumber(perConn, 0), u"server RSS"_s,
            rss ? u"%1 B per connection (%2 kB, %3 kB at the start)"_s.arg(number(perConn),
                number(double(m_serverHeld.rssKb)), number(double(m_serverAtStart.rssKb)))
                : noServer);
        break;
    }
    }
    add(u"connections_opened"_s, double(m_wsCounters.opened));
    add(u"close_timeouts"_s, double(m_wsCounters.closeTimeouts));
}

} // namespace pairmatch
