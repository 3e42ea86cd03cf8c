// A WebSocket listener that decides before any WebSocket opens. It accepts TCP connections
// itself (to turn Nagle's algorithm off and, with a certificate, to speak TLS), reads the
// HTTP request head, and asks its gate: refuse with an HTTP status (404 unknown path, 400
// bad request, 401 no token, 403 origin, 503 full), or accept; a plain HTTP request (no
// upgrade) goes to its HTTP handler, if it has one. The players' port and the admin port are
// two of these (and the --metrics-port listener, plain HTTP only), with two ways to open a
// WebSocket:
//  - Qt's (the admin port, and the players' with PAIRMATCH_TRANSPORT=qt): accepted requests
//    go to QWebSocketServer::handleConnection() for the handshake, and each QWebSocket
//    that opens is handed on with opened();
//  - our own (the players' port): the listener answers the handshake itself (wshandshake.h)
//    and each connection, a WsConnection from accept on, is handed on with upgraded().
#pragma once

#include "clock.h"
#include "deadlinequeue.h"
#include "deadlinetimer.h"
#include "httprequest.h"
#include "route.h"
#include "transport.h"
#include "wsconnection.h"

#include <QByteArrayView>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QWebSocketServer>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

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
    // Our own transport (upgraded()) instead of Qt's (opened()), with these limits.
    bool ownTransport = false;
    qint64 maxFrameBytes = 64 * 1024;
    qint64 maxMessageBytes = 64 * 1024;
};

// An HTTP answer to a request that opens no WebSocket.
struct HttpReply {
    int status = 400;
    QByteArray bytes; // the whole response
    bool refusal = true; // an httpRefusal(), not a page the HTTP handler served
};

class WsServer final : public QObject, private WsConnection::Listener
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
    // (A refused one that lingers until its peer ends it holds no place: it counts neither
    // here nor against its address.)
    qsizetype pendingCount() const
    {
        return m_pending.size() + qsizetype(m_ownPending.size()) - m_ownRefused;
    }

    // A request that asks for no WebSocket is plain HTTP: what it is answered. The HTTP
    // handler's response when it has one for it; else the gate's refusal for its path (404,
    // 503...), or 400 for a WebSocket path asked without the upgrade.
    HttpReply answerPlainRequest(const HttpRequest &request) const;

Q_SIGNALS:
    // Qt's handshake: a WebSocket opened; the receiver owns it (the TCP socket goes with it).
    void opened(QWebSocket *webSocket, QTcpSocket *tcpSocket, const pairmatch::Route &route);
    // Our own: a WebSocket opened; the receiver owns the transport and attaches to it now,
    // from in here (it is aborted otherwise).
    void upgraded(pairmatch::Transport *transport, const pairmatch::Route &route);
    // A request was refused with this HTTP status (counted for /metrics).
    void refused(int status);

private:
    class TcpListener;

    // What a complete request head gets: refused with an HTTP answer, or a WebSocket.
    struct Decision {
        bool accept = false;
        Route route;
        HttpReply refusal; // unless accepted
        QByteArray response; // accepted on our own transport: the 101
    };
    Decision decide(QByteArrayView head, const QHostAddress &peer) const;

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
    void armTimer();
    void refuse(QTcpSocket *socket, const HttpReply &reply);
    void forget(QTcpSocket *socket);

    // our own transport
    void acceptOwn(int descriptor);
    void adoptOwn(WsConnection *connection);
    void requestReceived(WsConnection &connection, QByteArrayView head) override;
    void requestTooLarge(WsConnection &connection) override;
    void endedBeforeOpen(WsConnection &connection) override;
    void refuseOwn(WsConnection &connection, const HttpReply &reply);
    void forgetOwn(WsConnection &connection);
    void notePending(const QHostAddress &address);
    void forgetPending(const QHostAddress &address);
    void logRefusal(const QHostAddress &address, quint16 port, int status);

    const Clock &m_clock;
    ListenConfig m_config;
    Gate m_gate;
    HttpHandler m_httpHandler;
    std::unique_ptr<TcpListener> m_listener;
    std::unique_ptr<QSslConfiguration> m_tls;
    QWebSocketServer m_handshaker;
    QHash<QTcpSocket *, Pending> m_pending;
    QHash<PeerKey, QTcpSocket *> m_byPeer;
    QHash<QHostAddress, qsizetype> m_pendingByAddress; // for HttpRequest::pendingFromPeer
    DeadlineQueue<QPointer<QTcpSocket>> m_handshakeTimeouts;
    // our own transport: connections not open yet, by address, with a serial each (their
    // handshake deadline names both: an address may be reused)
    std::shared_ptr<WsConnection::Context> m_context;
    struct OwnPending {
        quint64 serial = 0;
        QHostAddress address; // as accepted: getpeername() fails once the peer has reset
        bool refused = false; // answered, lingering until the peer ends the connection
    };
    std::unordered_map<WsConnection *, OwnPending> m_ownPending;
    qsizetype m_ownRefused = 0; // of m_ownPending
    DeadlineQueue<std::pair<WsConnection *, quint64>> m_ownTimeouts;
    quint64 m_nextSerial = 1;
    DeadlineTimer m_timer;
    QString m_error;
};

// The response head (and short body) that refuses a request with this status.
QByteArray httpRefusal(int status);

} // namespace pairmatch
