#include "metricsreport.h"

#include "closecodes.h"
#include "historystore.h"
#include "matchmaker.h"
#include "processstats.h"
#include "prometheustext.h"
#include "servercore.h"
#include "session.h"
#include "wsserver.h"

#include <array>
#include <map>

namespace pairmatch {

namespace {

QByteArray latin1(QLatin1StringView text)
{
    return QByteArray(text.data(), text.size());
}

void writeState(PrometheusText &out, const ServerCore &core, const WsServer *players)
{
    out.family("pairmatch_build_info", "gauge", "Always 1; the version in its label.");
    out.sample("pairmatch_build_info", {{"version", PAIRMATCH_VERSION}}, quint64(1));

    std::array<quint64, 2> connections {};
    core.connections().forEach([&](const Session &s) { ++connections[std::size_t(s.endpoint())]; });
    out.family("pairmatch_connections", "gauge", "Open player WebSocket connections, by endpoint.");
    out.sample("pairmatch_connections", {{"endpoint", "matching"}}, connections[0]);
    out.sample("pairmatch_connections", {{"endpoint", "round"}}, connections[1]);

    out.family("pairmatch_handshakes_pending", "gauge",
        "Accepted TCP connections on the players' port whose WebSocket is not open yet.");
    out.sample("pairmatch_handshakes_pending", quint64(players ? players->pendingCount() : 0));

    std::map<qint32, quint64> waiting; // sorted by type
    core.matchmaker().forEachQueue([&](qint32 type, const std::list<QueuedPlayer> &queue) {
        if (!queue.empty())
            waiting[type] = quint64(queue.size());
    });
    out.family("pairmatch_players_waiting", "gauge",
        "Players waiting in a matching queue, by game type (types with nobody waiting are left "
        "out).");
    for (const auto &[type, count] : waiting)
        out.sample("pairmatch_players_waiting", {{"type", QByteArray::number(type)}}, count);

    std::array<quint64, 5> pairs {};
    core.pairs().forEachPair([&](const Pair &pair) { ++pairs[std::size_t(pair.state())]; });
    out.family("pairmatch_pairs", "gauge",
        "Pairs in the pair table, by state: issued, waiting (one seat taken), started, ended, "
        "over (none or invalid, until removed).");
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        out.sample("pairmatch_pairs", {{"state", latin1(pairStateName(PairState(i)))}}, pairs[i]);
    }

    out.family("pairmatch_draining", "gauge",
        "1 while an operator drains the server (entry refused, /readyz 503), else 0.");
    out.sample("pairmatch_draining", quint64(core.isDraining() ? 1 : 0));
    out.family("pairmatch_shutting_down", "gauge",
        "1 once a shutdown signal was received (/readyz 503), else 0.");
    out.sample("pairmatch_shutting_down", quint64(core.isShuttingDown() ? 1 : 0));
}

void writeCounters(PrometheusText &out, const ServerCore &core)
{
    const MetricCounters &c = core.view().counters();

    out.family("pairmatch_connections_opened_total", "counter",
        "Player WebSocket connections opened, by endpoint.");
    out.sample(
        "pairmatch_connections_opened_total", {{"endpoint", "matching"}}, c.connectionsOpened[0]);
    out.sample(
        "pairmatch_connections_opened_total", {{"endpoint", "round"}}, c.connectionsOpened[1]);

    out.family("pairmatch_handshakes_refused_total", "counter",
        "Requests the players' port refused before any WebSocket opened, by HTTP status (400 "
        "bad request, 403 origin, 404 unknown path, 431 head too large, 503 full or "
        "per-address cap or shutting down).");
    for (const auto &[status, count] : c.handshakesRefused)
        out.sample(
            "pairmatch_handshakes_refused_total", {{"status", QByteArray::number(status)}}, count);

    out.family("pairmatch_matches_total", "counter", "Matches made (pairs issued by prepare).");
    out.sample("pairmatch_matches_total", c.matches);

    out.family("pairmatch_pairs_over_total", "counter",
        "Pairs that came to be over, by how: ended (end), none (a player of a started pair "
        "left), invalid (prepare timeout), expired (an operator expired it), kicked (an "
        "operator kicked a seated player of a started pair).");
    for (std::size_t i = 0; i < kPairOverReasons; ++i) {
        out.sample("pairmatch_pairs_over_total",
            {{"outcome", latin1(pairOverReasonName(PairOverReason(i)))}}, c.pairsOver[i]);
    }

    out.family("pairmatch_moves_total", "counter", "Moves relayed (each to both seats).");
    out.sample("pairmatch_moves_total", core.pairs().totalMoves());

    out.family("pairmatch_errors_sent_total", "counter",
        "Error messages sent to players, by code (docs/protocol.md).");
    for (int i = 0; i < kErrorCodeCount; ++i) {
        out.sample("pairmatch_errors_sent_total", {{"code", latin1(errorCodeName(ErrorCode(i)))}},
            c.errorsSent[std::size_t(i)]);
    }

    out.family("pairmatch_forced_disconnects_total", "counter",
        "Player connections the server closed on its own, by close code (shared/closecodes.h; "
        "1001 counts dead peers and shutdown).");
    std::map<quint16, quint64> forced;
    for (const quint16 code : serverCloseCodes())
        forced[code] = 0;
    for (const auto &[code, count] : c.forcedDisconnects)
        forced[code] = count;
    for (const auto &[code, count] : forced)
        out.sample(
            "pairmatch_forced_disconnects_total", {{"code", QByteArray::number(code)}}, count);

    out.family("pairmatch_takeovers_total", "counter",
        "Seats taken over by a reconnecting player (the old connection closed with 4001).");
    out.sample("pairmatch_takeovers_total", c.takeovers);

    out.family("pairmatch_dead_peers_total", "counter",
        "Connections closed (1001) for not answering a ping within the ping timeout.");
    out.sample("pairmatch_dead_peers_total", c.deadPeers);

    out.histogram("pairmatch_move_duration_seconds",
        "Time a relayed move spends inside the server, from the start of processing its "
        "batch of incoming messages to the write of its frames (an upper bound per move).",
        core.view().moveDurations());
}

void writeProcess(PrometheusText &out)
{
    const ProcessStats p = readProcessStats();
    if (p.ok) {
        out.family("process_cpu_seconds_total", "counter", "User and system CPU time, seconds.");
        out.sample("process_cpu_seconds_total", p.cpuSeconds);
        out.family("process_resident_memory_bytes", "gauge", "Resident memory size, bytes.");
        out.sample("process_resident_memory_bytes", quint64(p.residentBytes));
        out.family("process_virtual_memory_bytes", "gauge", "Virtual memory size, bytes.");
        out.sample("process_virtual_memory_bytes", quint64(p.virtualBytes));
        out.family("process_start_time_seconds", "gauge",
            "Start time of the process since the Unix epoch, seconds.");
        out.sample("process_start_time_seconds", p.startTimeSeconds);
    }
    out.family("process_open_fds", "gauge", "Open file descriptors.");
    out.sample("process_open_fds", quint64(p.openFds));
    if (p.maxFds > 0) {
        out.family("process_max_fds", "gauge", "Limit of open file descriptors (soft).");
        out.sample("process_max_fds", quint64(p.maxFds));
    }
}

void writeHistory(PrometheusText &out, const HistoryStore &history)
{
    out.family("pairmatch_history_written_total", "counter",
        "Finished games written to the match history file (--history).");
    out.sample("pairmatch_history_written_total", history.written());
    out.family("pairmatch_history_failed_total", "counter",
        "Finished games the match history could not keep (disk full, file read-only or "
        "locked); play goes on.");
    out.sample("pairmatch_history_failed_total", history.failed());
}

} // namespace

QByteArray renderMetrics(
    const ServerCore &core, const WsServer *players, const HistoryStore *history)
{
    PrometheusText out;
    writeState(out, core, players);
    writeCounters(out, core);
    if (history)
        writeHistory(out, *history);
    writeProcess(out);
    return out.text();
}

} // namespace pairmatch
