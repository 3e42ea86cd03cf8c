// A WebSocket listener that decides before any WebSocket opens. It accepts TCP connections
// itself (to turn Nagle's algorithm off and, with a certificate, to speak TLS), reads the
// HTTP request head, and asks its gate: refuse with an HTTP status (404 unknown path, 400
// bad request, 401 no token, 503 full), or accept. A plain HTTP request (no upgrade) goes
// to its HTTP handler, if it has one. Accepted requests go to
// QWebSocketServer::handleConnection() for the handshake; each WebSocket that opens is
// handed on with opened(). The players' port and the admin port are two of these.
#pragma once

#include "clock.h"
#include "deadlinequeue.h"
#include "deadlinetimer.h"
#include "route.h"

#include <QByteArrayView>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QWebSocketServer>

#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QSslConfiguration;
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

namespace pairmatch {

struct ListenConfig {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 0;
    QString tlsCertFile; // PEM; with tlsKeyFile: TLS (wss://)
    QString tlsKeyFile;
    qint64 handshakeTimeoutMs = 10'000; // from accept until the WebSocket is open
};

// The head of an HTTP request: request line and header lines.
struct HttpRequest {
    QByteArrayView method;
    QByteArrayView target;
    QByteArrayView version; // HTTP/1.1
    QByteArrayView headers; // the header lines, CRLF-separated
    qsizetype pendingConnections = 0; // accepted by this listener, WebSocket not open yet
    QHostAddress peer; // who asks
    qsizetype pendingFromPeer = 0; // of pendingConnections, from peer's address
    // A header's value, trimmed (the first of that name, case-insensitive); empty if absent.
    QByteArrayView header(QByteArrayView name) const;
};

class WsServer final : public QObject
{
    Q_OBJECT

public:
    // The gate's answer: Route::httpStatus 200 opens the WebSocket (route travels with it),
    // anything else refuses with that status.
    using Gate = std::function<Route(const HttpRequest &request)>;

    WsServer(const Clock &clock, ListenConfig config, Gate gate, QObject *parent = nullptr);
    ~WsServer() override;
    Q_DISABLE_COPY_MOVE(WsServer)

    // What answers a plain HTTP request (no WebSocket upgrade): the whole response, sent
    // before the connection is closed; nullopt leaves the request to the gate (404 for an
    // unknown path, 400 for a WebSocket path asked without the upgrade).
    using HttpHandler = std::function<std::optional<QByteArray>(const HttpRequest &request)>;
    void setHttpHandler(HttpHandler handler) { m_httpHandler = std::move(handler); }

    // Loads the certificate (when configured) and listens.
    bool listen();
    // Reads the certificate and key files again (tlscredentials.h): connections accepted from
    // now on get the new pair, open ones keep theirs. False, with the old pair kept and
    // `error` set, when the new one is bad or TLS is not configured.
    bool reloadTls(QString *error, QString *summary = nullptr);
    QString errorString() const { return m_error; }
    QHostAddress address() const;
    quint16 port() const;
    bool isSecure() const { return m_tls != nullptr; }
    // ws://HOST:PORT or wss://HOST:PORT
    QString url() const;

    // Stops accepting at once (the port is free again) and drops unfinished handshakes.
    void close();

    // Accepted connections whose WebSocket is not open yet.
    qsizetype pendingCount() const { return m_pending.size(); }

Q_SIGNALS:
    // A WebSocket opened; the receiver owns it (the TCP socket goes with it).
    void opened(QWebSocket *webSocket, QTcpSocket *tcpSocket, const pairmatch::Route &route);
    // A request was refused with this HTTP status (counted for /metrics).
    void refused(int status);

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
    void answerPlainRequest(QTcpSocket *socket, const HttpRequest &request);
    void refuse(QTcpSocket *socket, int status);
    void respond(QTcpSocket *socket, const QByteArray &response);
    void forget(QTcpSocket *socket);

    const Clock &m_clock;
    ListenConfig m_config;
    Gate m_gate;
    HttpHandler m_httpHandler;
    std::unique_ptr<Listener> m_listener;
    std::unique_ptr<QSslConfiguration> m_tls;
    QWebSocketServer m_handshaker;
    QHash<QTcpSocket *, Pending> m_pending;
    QHash<PeerKey, QTcpSocket *> m_byPeer;
    QHash<QHostAddress, qsizetype> m_pendingByAddress; // for HttpRequest::pendingFromPeer
    DeadlineQueue<QPointer<QTcpSocket>> m_handshakeTimeouts;
    DeadlineTimer m_timer;
    QString m_error;
};

// The response head (and short body) that refuses a request with this status.
QByteArray httpRefusal(int status);

} // namespace pairmatch
