// One scenario run against one server: pairs of players go through the protocol's whole
// lifecycle (matching, prepare, round, start, moves, end, close) on WsClients, every move is
// checked at both seats, and the figures of the measured window are kept in a result.
#pragma once

#include "benchoptions.h"
#include "servermessage.h"
#include "stats.h"
#include "wsclient.h"

#include <QElapsedTimer>
#include <QJsonValue>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <array>
#include <memory>
#include <vector>

namespace pairmatch {

struct ScenarioConfig {
    static constexpr int kSetupConcurrency = 200; // pairs set up at once (pair scenarios)

    ScenarioKind kind = ScenarioKind::Relay;
    int pairs = 100; // pair slots: relay, relay-wide, latency; idle: connections / 2
    int window = 4; // relay, relay-wide
    double rate = 2000; // latency
    int concurrency = 50; // churn: slots
    int moves = 10; // churn
    qint64 connectionsRequested = 0; // idle, before any cap
    QString capReason; // idle: why fewer connections than requested
    double duration = 10;
    double warmup = 3;
    qint64 typeBase = 1'000'000;
    QByteArray pathPrefix;
    QList<QHostAddress> sources;
    qint64 serverPid = 0;
    QByteArray runId; // makes userIds unique to this run
    QString url;

    int slots() const { return kind == ScenarioKind::Churn ? concurrency : pairs; }
    // The longest the setup phase may take, seconds.
    double setupCapSeconds() const { return 30 + 0.02 * slots(); }
    // An upper bound on the whole scenario, seconds (for the default --max-time).
    double boundSeconds() const;
};

// One figure of a result: a JSON key and value, and how the table shows it.
struct Figure {
    QString key;
    QJsonValue value;
    QString label; // empty: JSON only
    QString text;
};

struct ScenarioResult {
    ScenarioKind kind = ScenarioKind::Relay;
    QString url;
    QString title; // "100 pairs, 4 moves in flight per player"
    bool completed = false; // ran to its end
    QString abortReason;
    Counters counters; // over the whole scenario
    QMap<QString, quint64> errorCodes; // code of each {"command":"error"} received
    QStringList firstErrors;
    std::vector<Figure> figures;
    double benchCpuShare = 0; // of one core, over the measured window
    double elapsedSeconds = 0;

    bool ok() const { return completed && counters.errors.total() == 0; }
};

class ScenarioRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScenarioRunner)

public:
    ScenarioRunner(const ScenarioConfig &config, const WsTarget &target, QObject *parent = nullptr);
    ~ScenarioRunner() override;

    void start();
    // Stops at once: closes every connection (at most ~2 s) and finishes, not completed.
    void abort(const QString &reason);

    QString phaseName() const;
    qint64 liveConnections() const { return m_live; }
    const Counters &counters() const { return m_counters; }
    int pairsReady() const { return pairsIn(Pair::State::Ready); }
    int pairsTotal() const { return int(m_pairs.size()); }
    double phaseRemainingSeconds() const { return m_phaseTimer.remainingTime() / 1000.0; }
    const ScenarioResult &result() const { return m_result; }

Q_SIGNALS:
    void finished();

private:
    struct Pair;
    struct SeqTracker {
        quint64 next = 0;
        std::vector<quint64> missing; // skipped over, may still arrive (bounded)
        void reset()
        {
            next = 0;
            missing.clear();
        }
        quint64 outstanding(quint64 expected) const
        {
            return quint64(missing.size()) + (expected > next ? expected - next : 0);
        }
    };
    struct Player final : WsClient::Listener {
        enum class State : quint8 { Idle, Matching, Round, Playing, Ending, Done, Failed };
        ScenarioRunner *runner = nullptr;
        Pair *pair = nullptr;
        int seat = 0;
        State state = State::Idle;
        bool gotEntried = false;
        bool gotWait = false;
        bool finalized = false;
        WsClient *conn = nullptr;
        QByteArray userId;
        QByteArray pairId;
        QByteArray token;
        quint64 sent = 0;
        SeqTracker own; // own moves echoed back
        SeqTracker opp; // the opponent's moves
        std::unique_ptr<qint64[]> sendTimes; // latency: send time by seq, a ring

        void opened(WsClient *client) override;
        void messageReceived(WsClient *client, QByteArrayView message, bool binary) override;
        void failed(WsClient *client, WsClient::Failure failure, const QString &detail) override;
    };
    struct Pair {
        enum class State : quint8 { Idle, Setup, Ready, Ending, Finished, Failed, Count };
        int index = 0;
        int generation = 0;
        State state = State::Idle;
        qint64 deadlineNs = 0; // setup, churn lifecycle, ending: fail after this
        qint64 retryAtNs = 0; // churn: a failed slot starts again after this
        std::array<Player, 2> players;
    };
    enum class Phase : quint8 { Idle, Setup, Warmup, Measure, Hold, Drain, Ending, Closing, Done };
    struct Snapshot {
        qint64 ns = 0;
        Counters counters;
        double benchCpu = 0;
        ProcessSample server;
    };

    qint64 nowNs() const { return m_clock.nsecsElapsed(); }
    bool isPairKind() const { return m_config.kind != ScenarioKind::Churn; }
    Snapshot snapshot() const;
    void setPairState(Pair &pair, Pair::State state);
    int pairsIn(Pair::State state) const { return m_pairCount[std::size_t(state)]; }

    // phases
    void enterPhase(Phase phase, double seconds = 0);
    void onPhaseTimer();
    void onTick();
    void launchSetupPairs();
    void onSetupOver();
    void startMeasuring();
    void stopMeasuring();
    void checkDrained();
    void beginEnding();
    void beginClosing();
    void finish();

    // pairs and players
    void startPair(Pair &pair);
    bool openPlayer(Player &player, const QByteArray &path);
    void onOpened(Player &player, WsClient *client);
    void onMessage(Player &player, WsClient *client, QByteArrayView text, bool binary);
    void onFailed(
        Player &player, WsClient *client, WsClient::Failure failure, const QString &detail);
    void onPrepare(Player &player, const ServerMessage &message, QByteArrayView text);
    void onStart(Player &player, const ServerMessage &message, QByteArrayView text);
    void onMove(Player &player, const ServerMessage &message);
    void onPairReady(Pair &pair);
    void onPairFinished(Pair &pair);
    void failPair(Pair &pair);
    void finalizePlayer(Player &player);
    void closePlayer(Player &player);
    void sendMove(Player &player);
    void sendLatencyMoves();
    void checkChurnDone(Pair &pair);
    void unexpected(Player &player, const QString &what, QByteArrayView text);
    void noteError(const QString &text);
    // Move-level problems are noted once each, so one flood does not hide the others.
    enum Noted : quint8 { NotedGap = 1, NotedDuplicate = 2, NotedLost = 4 };
    bool noteOnce(Noted kind);
    QString who(const Player &player) const;

    void computeResult();

    const ScenarioConfig m_config;
    const WsTarget &m_target;
    WsCounters m_wsCounters;
    Counters m_counters;
    ScenarioResult m_result;
    std::vector<std::unique_ptr<Pair>> m_pairs;
    std::array<int, std::size_t(Pair::State::Count)> m_pairCount {};
    Phase m_phase = Phase::Idle;
    QString m_abortReason;
    QElapsedTimer m_clock;
    QTimer m_tick; // 100 ms: deadlines, launching, churn restarts
    QTimer m_phaseTimer; // the end of the current phase
    QTimer m_sendTimer; // latency: the move schedule
    qint64 m_live = 0; // WsClients alive
    qint64 m_outstanding = 0; // move deliveries expected and not yet seen
    int m_nextSetup = 0; // pair kinds: next pair to set up
    bool m_launching = false;
    int m_sourceNext = 0;
    bool m_sending = false; // relay, latency, churn: players send moves
    bool m_aborting = false;
    quint8 m_noted = 0;
    // measured window
    Snapshot m_windowStart;
    Snapshot m_windowEnd;
    bool m_measured = false;
    qint64 m_windowStartNs = -1;
    qint64 m_windowEndNs = -1;
    // setup
    qint64 m_setupStartNs = 0;
    double m_setupSeconds = 0;
    int m_pairsStarted = 0;
    // latency
    std::vector<Player *> m_playing;
    std::size_t m_roundRobin = 0;
    double m_nextSendNs = 0;
    LatencySamples m_latency;
    // idle
    ProcessSample m_serverAtStart;
    ProcessSample m_serverHeld;
    qint64 m_connectionsHeld = 0;
};

} // namespace pairmatch
