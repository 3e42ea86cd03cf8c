#include "playerlistener.h"

#include "servercore.h"
#include "webcontent.h"

#include <QWebSocket>

namespace pairmatch {

std::unique_ptr<WsServer> makePlayerListener(ServerCore &core, const ServerConfig &config)
{
    const ListenConfig listen {
        config.host, config.port, config.tlsCertFile, config.tlsKeyFile, config.handshakeTimeoutMs};
    const qint64 maxConnections = config.maxConnections;
    auto gate = [&core, maxConnections](const HttpRequest &request) {
        Route route = parseRoute(request.target);
        if (route.httpStatus == 200
            && (core.isShuttingDown()
                || core.connectionCount() + request.pendingConnections > maxConnections)) {
            route.httpStatus = 503;
        }
        return route;
    };
    auto server = std::make_unique<WsServer>(core.clock(), listen, gate);
    if (config.web) {
        auto web = std::make_shared<const WebContent>();
        server->setHttpHandler([web](const HttpRequest &request) {
            return web->respond(request.method, request.target, request.header("If-None-Match"));
        });
    }
    QObject::connect(server.get(), &WsServer::opened, &core, &ServerCore::adopt);
    return server;
}

} // namespace pairmatch
