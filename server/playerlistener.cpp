#include "playerlistener.h"

#include "qttransport.h"
#include "servercore.h"

#include <QWebSocket>

namespace pairmatch {

std::unique_ptr<WsServer> makePlayerListener(ServerCore &core, const ServerConfig &config)
{
    ListenConfig listen {
        config.host, config.port, config.tlsCertFile, config.tlsKeyFile, config.handshakeTimeoutMs};
    listen.ownTransport = config.transport == PlayerTransport::Own;
    listen.maxFrameBytes = config.maxFrameBytes;
    listen.maxMessageBytes = config.maxFrameBytes; // docs/protocol.md: a message, as a frame
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
    if (listen.ownTransport) {
        QObject::connect(server.get(), &WsServer::upgraded, &core, &ServerCore::adopt);
    } else {
        const qint64 maxMessageBytes = config.maxFrameBytes;
        QObject::connect(server.get(), &WsServer::opened, &core,
            [&core, maxMessageBytes](
                QWebSocket *webSocket, QTcpSocket *tcpSocket, const Route &route) {
                core.adopt(new QtTransport(webSocket, tcpSocket, maxMessageBytes), route);
            });
    }
    return server;
}

} // namespace pairmatch
