#include "playerlistener.h"

#include "handshakepolicy.h"
#include "logging.h"
#include "qttransport.h"
#include "servercore.h"
#include "webcontent.h"

#include <QWebSocket>

namespace pairmatch {

using namespace Qt::StringLiterals;

std::unique_ptr<WsServer> makePlayerListener(ServerCore &core, const ServerConfig &config)
{
    ListenConfig listen {
        config.host, config.port, config.tlsCertFile, config.tlsKeyFile, config.handshakeTimeoutMs};
    listen.ownTransport = config.transport == PlayerTransport::Own;
    listen.maxFrameBytes = config.maxFrameBytes;
    listen.maxMessageBytes = config.maxFrameBytes; // docs/protocol.md: a message, as a frame
    const qint64 maxConnections = config.maxConnections;
    auto gate = [&core, maxConnections, policy = HandshakePolicy(config)](
                    const HttpRequest &request) {
        Route route = parseRoute(request.target);
        if (route.httpStatus != 200)
            return route;
        if (core.isShuttingDown()
            || core.connectionCount() + request.pendingConnections > maxConnections) {
            route.httpStatus = 503;
            return route;
        }
        const QByteArrayView origin = request.header("Origin");
        const qint64 fromAddress = policy.capsAddresses()
            ? core.connections().countFrom(request.peer) + request.pendingFromPeer
            : 0;
        const HandshakePolicy::Verdict verdict = policy.judge(origin, fromAddress);
        if (verdict != HandshakePolicy::Verdict::Admit) {
            route.httpStatus = HandshakePolicy::httpStatus(verdict);
            const QString remote = request.peer.toString();
            PM_LOG_INFO(lcNet, (LogFields {0, {}, {}, remote, route.httpStatus}),
                u"handshake from %1 refused: %2%3"_s.arg(remote, HandshakePolicy::describe(verdict),
                    origin.isEmpty() ? QString()
                                     : u" (Origin: %1)"_s.arg(QString::fromUtf8(
                                         origin.first(qMin<qsizetype>(origin.size(), 200))))));
        }
        return route;
    };
    auto server = std::make_unique<WsServer>(core.clock(), listen, std::move(gate));
    if (config.web) {
        auto web = std::make_shared<const WebContent>();
        server->setHttpHandler([web](const HttpRequest &request) {
            return web->respond(request.method, request.target, request.header("If-None-Match"));
        });
    }
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
    QObject::connect(
        server.get(), &WsServer::refused, &core.view(), &OperatorView::handshakeRefused);
    return server;
}

} // namespace pairmatch
