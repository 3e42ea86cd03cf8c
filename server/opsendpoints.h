// What a listener answers to plain HTTP requests for operators' tools, with no token:
//   GET /metrics  Prometheus text (metricsreport.h)
//   GET /healthz  200 while the process answers
//   GET /readyz   200 while it serves players; 503 while draining or shutting down, so a
//                 load balancer stops sending players to a node before it stops
// (HEAD too, without the body; another method on these paths: 405). The admin listener
// answers them, and the --metrics-port listener, which answers nothing else.
#pragma once

#include "serverconfig.h"
#include "wsserver.h"

#include <QByteArray>

#include <memory>
#include <optional>

namespace pairmatch {

class HistoryStore;
class ServerCore;

class OpsEndpoints final
{
public:
    // players: the players' listener, for /metrics (may be null).
    OpsEndpoints(const ServerCore &core, const WsServer *players)
        : m_core(core)
        , m_players(players)
    { }

    // The match history, for its counters in /metrics (null: off).
    void setHistory(const HistoryStore *history) { m_history = history; }

    // The whole response, or nullopt for another path.
    std::optional<QByteArray> answer(const HttpRequest &request) const;
    // answer() as a WsServer::HttpHandler; this object must outlive the listener's use of it.
    WsServer::HttpHandler handler() const
    {
        return [this](const HttpRequest &request) {
            return answer(request);
        };
    }

    static QByteArray response(
        int status, QByteArrayView contentType, const QByteArray &body, bool withBody = true);

private:
    const ServerCore &m_core;
    const WsServer *m_players;
    const HistoryStore *m_history = nullptr;
};

// The --metrics-port listener: plain HTTP, /metrics, /healthz, /readyz, 404 for the rest.
std::unique_ptr<WsServer> makeMetricsListener(
    const ServerCore &core, const ServerConfig &config, const OpsEndpoints &endpoints);

} // namespace pairmatch
