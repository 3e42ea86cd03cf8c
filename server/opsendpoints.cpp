#include "opsendpoints.h"

#include "metricsreport.h"
#include "servercore.h"

namespace pairmatch {

namespace {

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 405:
        return "Method Not Allowed";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

} // namespace

QByteArray OpsEndpoints::response(
    int status, QByteArrayView contentType, const QByteArray &body, bool withBody)
{
    QByteArray r = "HTTP/1.1 " + QByteArray::number(status) + ' '
        + reasonPhrase(status).toByteArray() + "\r\nContent-Type: " + contentType.toByteArray()
        + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nCache-Control: no-store\r\nConnection: close\r\n";
    if (status == 405)
        r += "Allow: GET, HEAD\r\n";
    r += "\r\n";
    if (withBody)
        r += body;
    return r;
}

std::optional<QByteArray> OpsEndpoints::answer(const HttpRequest &request) const
{
    QByteArrayView path = request.target;
    if (const qsizetype q = path.indexOf('?'); q >= 0)
        path = path.first(q);
    if (path != "/metrics" && path != "/healthz" && path != "/readyz")
        return std::nullopt;
    constexpr QByteArrayView text = "text/plain; charset=utf-8";
    const bool head = request.method == "HEAD";
    if (request.method != "GET" && !head)
        return response(405, text, "405 Method Not Allowed\n");
    if (path == "/metrics") {
        return response(200, "text/plain; version=0.0.4; charset=utf-8",
            renderMetrics(m_core, m_players, m_history), !head);
    }
    if (path == "/healthz")
        return response(200, text, "ok\n", !head);
    if (m_core.isShuttingDown())
        return response(503, text, "shutting down\n", !head);
    if (m_core.isDraining())
        return response(503, text, "draining\n", !head);
    return response(200, text, "ready\n", !head);
}

std::unique_ptr<WsServer> makeMetricsListener(
    const ServerCore &core, const ServerConfig &config, const OpsEndpoints &endpoints)
{
    const ListenConfig listen {config.metricsHost, quint16(qMax(0, config.metricsPort)), {}, {},
        config.handshakeTimeoutMs};
    auto server = std::make_unique<WsServer>(core.clock(), listen, [](const HttpRequest &) {
        Route route;
        route.httpStatus = 404; // no WebSocket here, and nothing else than the endpoints
        return route;
    });
    server->setHttpHandler(endpoints.handler());
    return server;
}

} // namespace pairmatch
