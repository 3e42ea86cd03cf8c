// The player listener. It accepts TCP connections itself (to turn Nagle's algorithm off and,
// with a certificate, to speak TLS), reads the HTTP request line, and refuses unknown paths
// (404), bad game types (400) and connections beyond the limit (503) before any WebSocket
// opens. Good requests go to QWebSocketServer::handleConnection() for the handshake, and
// each opened WebSocket goes to the ServerCore with its route.
#pragma once

#include "clock.h"
#include "deadlinequeue.h"
#include "deadlinetimer.h"
#include "route.h"
#include "serverconfig.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QWebSocketServer>

#include <memory>

QT_BEGIN_NAMESPACE
class QSslConfiguration;
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

namespace pairmatch {

class ServerCore;

class WsServer final : public QObject
{
    Q_OBJECT

public:
    WsServer(ServerCore &core, const ServerConfig &config, QObject *parent = nullptr);
    ~WsServer() override;
    Q_DISABLE_COPY_MOVE(WsServer)

    // Loads the certificate (when configured) and listens on config.host:config.port.
    bool listen();
    QString errorString() const { return m_error; }
    QHostAddress address() const;
    quint16 port() const;
    bool isSecure() const { return m_tls != nullptr; }
    // ws://HOST:PORT or wss://HOST:PORT
    QString url() const;

    // Stops accepting at once (the port is free again) and drops unfinished handshakes.
    void close();

    qsizetype pendingCount() const { return m_pending.size(); }

private:
    class Listener;

    struct PeerKey {
        QHostAddress address;
        quint16 port = 0;
        friend bool operator==(const PeerKey &a, const PeerKey &b)
        {
            return a.port == b.port && a.address == b.address;
        }
        friend size_t qHash(const PeerKey &k, size_t seed = 0) noexcept
        {
            return qHashMulti(seed, k.address, k.port);
        }
    };
    struct Pending {
        PeerKey peer; // how the upgraded QWebSocket is matched back to its socket
        Route route;
        bool handedOver = false; // to QWebSocketServer for the handshake
    };

    void onNewConnection();
    void onRequestData(QTcpSocket *socket);
    void onUpgraded();
    void onTimer();
    void refuse(QTcpSocket *socket, int status);
    void forget(QTcpSocket *socket);

    ServerCore &m_core;
    ServerConfig m_config;
    std::unique_ptr<Listener> m_listener;
    std::unique_ptr<QSslConfiguration> m_tls;
    QWebSocketServer m_handshaker;
    QHash<QTcpSocket *, Pending> m_pending; // accepted, WebSocket not open yet
    QHash<PeerKey, QTcpSocket *> m_byPeer;
    DeadlineQueue<QPointer<QTcpSocket>> m_handshakeTimeouts;
    DeadlineTimer m_timer;
    QString m_error;
};

} // namespace pairmatch
