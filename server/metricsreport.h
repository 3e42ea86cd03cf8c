// The text GET /metrics answers (Prometheus exposition format 0.0.4). Counters come from the
// operators' view (metriccounters.h, movetimer.h); gauges are read from the state as it is
// at the scrape: the connection table, the queues, the pair table; process_* from /proc.
// docs/operations.md lists every metric and what it counts.
#pragma once

#include <QByteArray>

namespace pairmatch {

class HistoryStore;
class ServerCore;
class WsServer;

// players: the players' listener, for its handshakes in progress (may be null); history:
// the match history, for its counters (null: --history off, the counters are left out).
QByteArray renderMetrics(
    const ServerCore &core, const WsServer *players, const HistoryStore *history = nullptr);

} // namespace pairmatch
