#include "wsserver.h"

#include "epolldispatcher.h"
#include "logging.h"
#include "tlscredentials.h"
#include "wshandshake.h"

#include <QAbstractEventDispatcher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// Qt's handshake takes at most 100 header lines of 8 KiB; a head beyond this is refused.
constexpr qint64 kMaxRequestHead = 16 * 1024;

} // namespace

QByteArray httpRefusal(int status)
{
    QByteArray reason;
    QByteArray extra;
    switch (status) {
    case 400:
        reason = "Bad Request";
        break;
    case 401:
        reason = "Unauthorized";
        extra = "WWW-Authenticate: Bearer realm=\"pairmatch\"\r\n";
        break;
    case 404:
        reason = "Not Found";
        break;
    case 426:
        reason = "Upgrade Required";
        extra = "Sec-WebSocket-Version: 13\r\n";
        break;
    case 431:
        reason = "Request Header Fields Too Large";
        break;
    case 503:
        reason = "Service Unavailable";
        break;
    default:
        reason = "Error";
        break;
    }
    const QByteArray body = QByteArray::number(status) + ' ' + reason + '\n';
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n" + extra
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Accepts sockets itself: TCP_NODELAY on every one, TLS when a certificate is configured.
// Plain TCP for our own transport is not wrapped in a QTcpSocket at all.
class WsServer::TcpListener final : public QTcpServer
{
public:
    const QSslConfiguration *tls = nullptr;
    std::function<void(int)> acceptRaw; // plain TCP, our own transport

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (!tls && acceptRaw) {
            acceptRaw(int(descriptor));
            return;
        }
        QTcpSocket *socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcNet) << "cannot take an accepted socket:" << socket->errorString();
            delete socket;
            ::close(int(descriptor));
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (tls) {
            auto *ssl = static_cast<QSslSocket *>(socket);
            ssl->setSslConfiguration(*tls);
            ssl->startServerEncryption();
        }
        addPendingConnection(socket);
    }
};

WsServer::WsServer(const Clock &clock, ListenConfig config, Gate gate, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_config(std::move(config))
    , m_gate(std::move(gate))
    , m_listener(std::make_unique<TcpListener>())
    , m_handshaker(u"pairmatch"_s, QWebSocketServer::NonSecureMode)
    , m_timer(clock, [this] { onTimer(); })
{
    if (m_config.ownTransport) {
        auto context = std::make_shared<WsConnection::Context>();
        context->limits = {m_config.maxFrameBytes, m_config.maxMessageBytes};
        context->clock = &m_clock;
        context->epoll = qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance());
        m_context = std::move(context);
        m_listener->acceptRaw = [this](int descriptor) {
            acceptOwn(descriptor);
        };
    }
    m_listener->setMaxPendingConnections(1 << 20);
    m_handshaker.setMaxPendingConnections(1 << 20);
    m_handshaker.setHandshakeTimeout(-1); // ours: handshakeTimeoutMs, from accept
    connect(m_listener.get(), &QTcpServer::newConnection, this, &WsServer::onNewConnection);
    connect(&m_handshaker, &QWebSocketServer::newConnection, this, &WsServer::onUpgraded);
}

WsServer::~WsServer()
{
    close();
}

bool WsServer::listen()
{
    if (!m_config.tlsCertFile.isEmpty()) {
        TlsCredentials tls = loadTlsCredentials(m_config.tlsCertFile, m_config.tlsKeyFile);
        if (!tls.configuration) {
            m_error = tls.error;
            return false;
        }
        m_tls = std::make_unique<QSslConfiguration>(std::move(*tls.configuration));
        m_listener->tls = m_tls.get();
    }
    const QHostAddress address = m_config.host == "localhost"_L1
        ? QHostAddress(QHostAddress::LocalHost)
        : QHostAddress(m_config.host);
    if (!m_listener->listen(address, m_config.port)) {
        m_error = u"cannot listen on %1:%2: %3"_s.arg(m_config.host)
                      .arg(m_config.port)
                      .arg(m_listener->errorString());
        return false;
    }
    return true;
}

bool WsServer::reloadTls(QString *error, QString *summary)
{
    if (!m_tls) {
        *error = u"no TLS certificate is configured"_s;
        return false;
    }
    TlsCredentials tls = loadTlsCredentials(m_config.tlsCertFile, m_config.tlsKeyFile);
    if (!tls.configuration) {
        *error = tls.error;
        return false;
    }
    *m_tls = std::move(*tls.configuration); // the listener reads it at each accept
    if (summary)
        *summary = tls.summary;
    return true;
}

QHostAddress WsServer::address() const
{
    return m_listener->serverAddress();
}

quint16 WsServer::port() const
{
    return m_listener->serverPort();
}

QString WsServer::url() const
{
    const QHostAddress a = address();
    const QString host
        = a.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + a.toString() + u']' : a.toString();
    return (isSecure() ? u"wss://"_s : u"ws://"_s) + host + u':' + QString::number(port());
}

void WsServer::close()
{
    m_listener->close();
    const QList<QTcpSocket *> pending = m_pending.keys();
    m_pending.clear();
    m_byPeer.clear();
    m_pendingByAddress.clear();
    for (QTcpSocket *socket : pending)
        socket->abort();
    const auto own = std::exchange(m_ownPending, {});
    m_ownRefused = 0;
    for (const auto &[connection, state] : own) {
        connection->abort();
        connection->release();
    }
}

void WsServer::onNewConnection()
{
    const Millis now = m_clock.now();
    while (QTcpSocket *socket = m_listener->nextPendingConnection()) {
        if (m_config.ownTransport) { // TLS on our own transport: the socket is a byte stream
            socket->setParent(nullptr);
            adoptOwn(new WsConnection(m_context, static_cast<QSslSocket *>(socket), this));
            continue;
        }
        const PeerKey peer {socket->peerAddress(), socket->peerPort()};
        m_pending.insert(socket, Pending {peer, {}, false});
        m_byPeer.insert(peer, socket);
        notePending(peer.address);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onRequestData(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            forget(socket);
            socket->deleteLater(); // QWebSocketServer does so too once it has it; twice is fine
        });
        m_handshakeTimeouts.push(now + m_config.handshakeTimeoutMs, QPointer<QTcpSocket>(socket));
        if (socket->bytesAvailable())
            onRequestData(socket);
    }
    armTimer();
}

// ---- our own transport ------------------------------------------------------------------

void WsServer::acceptOwn(int descriptor)
{
    const int flags = ::fcntl(descriptor, F_GETFL);
    const int one = 1;
    if (flags < 0 || ::fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) != 0
        || ::setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
        qCWarning(lcNet) << "cannot set up an accepted socket:" << strerror(errno);
        ::close(descriptor);
        return;
    }
    ::fcntl(descriptor, F_SETFD, FD_CLOEXEC);
    adoptOwn(new WsConnection(m_context, descriptor, this));
}

void WsServer::adoptOwn(WsConnection *connection)
{
    const quint64 serial = m_nextSerial++;
    QHostAddress address = connection->peerAddress();
    notePending(address);
    m_ownPending.emplace(connection, OwnPending {serial, std::move(address), false});
    m_ownTimeouts.push(m_clock.now() + m_config.handshakeTimeoutMs, {connection, serial});
    armTimer();
}

void WsServer::requestReceived(WsConnection &connection, QByteArrayView head)
{
    const Decision decision = decide(head, connection.peerAddress());
    if (!decision.accept) {
        refuseOwn(connection, decision.refusal);
        return;
    }
    forgetOwn(connection);
    connection.upgrade(decision.response);
    Q_EMIT upgraded(&connection, decision.route);
    if (!connection.isAttached()) {
        qCWarning(lcNet) << "a WebSocket opened that nobody takes; closed";
        connection.abort();
        connection.release();
    }
}

void WsServer::requestTooLarge(WsConnection &connection)
{
    refuseOwn(connection, {431, httpRefusal(431)});
}

void WsServer::refuseOwn(WsConnection &connection, const HttpReply &reply)
{
    if (reply.refusal)
        logRefusal(connection.peerAddress(), connection.peerPort(), reply.status);
    // It stays listed (and timed) until it has ended, but holds no place any more.
    if (const auto it = m_ownPending.find(&connection); it != m_ownPending.end()) {
        if (!it->second.refused) {
            it->second.refused = true;
            ++m_ownRefused;
            forgetPending(it->second.address);
        }
    }
    connection.refuse(reply.bytes);
}

void WsServer::endedBeforeOpen(WsConnection &connection)
{
    forgetOwn(connection);
    connection.release();
}

void WsServer::forgetOwn(WsConnection &connection)
{
    const auto it = m_ownPending.find(&connection);
    if (it == m_ownPending.end())
        return;
    if (it->second.refused)
        --m_ownRefused;
    else
        forgetPending(it->second.address);
    m_ownPending.erase(it);
}

void WsServer::notePending(const QHostAddress &address)
{
    ++m_pendingByAddress[address];
}

void WsServer::forgetPending(const QHostAddress &address)
{
    if (const auto n = m_pendingByAddress.find(address);
        n != m_pendingByAddress.end() && --n.value() <= 0)
        m_pendingByAddress.erase(n);
}

void WsServer::logRefusal(const QHostAddress &address, quint16 port, int status)
{
    const QString remote = address.toString() + u':' + QString::number(port);
    PM_LOG_INFO(lcNet, (LogFields {0, {}, {}, remote, status}),
        u"refused %1 with HTTP %2"_s.arg(remote).arg(status));
    Q_EMIT refused(status);
}

void WsServer::onRequestData(QTcpSocket *socket)
{
    const auto it = m_pending.find(socket);
    if (it == m_pending.end() || it->handedOver)
        return;
    // The whole head is needed for the handshake anyway; wait for it, then decide.
    const QByteArray head = socket->peek(qMin(socket->bytesAvailable(), kMaxRequestHead));
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (head.size() >= kMaxRequestHead)
            refuse(socket, {431, httpRefusal(431)});
        return;
    }
    const Decision decision = decide(QByteArrayView(head).first(end + 4), it->peer.address);
    if (!decision.accept) {
        refuse(socket, decision.refusal);
        return;
    }
    it->route = decision.route;
    it->handedOver = true;
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    m_handshaker.handleConnection(socket);
}

WsServer::Decision WsServer::decide(QByteArrayView head, const QHostAddress &peer) const
{
    Decision d;
    std::optional<HttpRequest> request = parseRequestHead(head);
    if (!request) {
        d.refusal = {400, httpRefusal(400)};
        return d;
    }
    request->pendingConnections = pendingCount();
    request->peer = peer;
    request->pendingFromPeer = m_pendingByAddress.value(peer);
    if (!isWebSocketUpgrade(*request)) {
        d.refusal = answerPlainRequest(*request);
        return d;
    }
    if (!isUpgradeRequestLine(*request)) {
        d.refusal = {400, httpRefusal(400)};
        return d;
    }
    Route route = m_gate(*request);
    if (route.httpStatus != 200) {
        d.refusal = {route.httpStatus, httpRefusal(route.httpStatus)};
        return d;
    }
    if (m_config.ownTransport) {
        HandshakeAnswer answer = answerHandshake(*request);
        if (answer.status != 101) {
            qCDebug(lcNet) << "handshake refused:" << answer.why;
            d.refusal = {answer.status, httpRefusal(answer.status)};
            return d;
        }
        d.response = std::move(answer.response);
    }
    d.accept = true;
    d.route = std::move(route);
    return d;
}

HttpReply WsServer::answerPlainRequest(const HttpRequest &request) const
{
    if (m_httpHandler) {
        if (std::optional<QByteArray> response = m_httpHandler(request))
            return {200, std::move(*response), false};
    }
    const Route route = m_gate(request);
    const int status = route.httpStatus != 200 ? route.httpStatus : 400;
    return {status, httpRefusal(status)};
}

void WsServer::onUpgraded()
{
    while (QWebSocket *webSocket = m_handshaker.nextPendingConnection()) {
        QTcpSocket *socket
            = m_byPeer.value(PeerKey {webSocket->peerAddress(), webSocket->peerPort()});
        const auto it = m_pending.find(socket);
        if (!socket || it == m_pending.end() || !it->handedOver) {
            qCWarning(lcNet) << "a WebSocket opened that no accepted connection matches; closed";
            webSocket->abort();
            webSocket->deleteLater();
            continue;
        }
        const Route route = it->route;
        forget(socket);
        disconnect(socket, nullptr, this, nullptr);
        socket->setParent(webSocket); // goes with its QWebSocket
        Q_EMIT opened(webSocket, socket, route);
    }
}

void WsServer::onTimer()
{
    const Millis now = m_clock.now();
    m_ownTimeouts.popDue(now, [this](const std::pair<WsConnection *, quint64> &due) {
        const auto it = m_ownPending.find(due.first);
        if (it == m_ownPending.end() || it->second.serial != due.second)
            return; // gone, or open
        WsConnection *connection = due.first;
        qCInfo(lcNet).noquote() << u"handshake from %1:%2 timed out; cut"_s
                                       .arg(connection->peerAddress().toString())
                                       .arg(connection->peerPort());
        forgetOwn(*connection);
        connection->abort();
        connection->release();
    });
    m_handshakeTimeouts.popDue(now, [this](const QPointer<QTcpSocket> &socket) {
        if (!socket || qobject_cast<QWebSocket *>(socket->parent()))
            return; // gone, or open as a WebSocket
        qCInfo(lcNet).noquote() << u"handshake from %1:%2 timed out; cut"_s
                                       .arg(socket->peerAddress().toString())
                                       .arg(socket->peerPort());
        forget(socket);
        socket->abort();
    });
    armTimer();
}

void WsServer::armTimer()
{
    m_timer.arm(qMin(m_handshakeTimeouts.nextDeadline(), m_ownTimeouts.nextDeadline()));
}

void WsServer::refuse(QTcpSocket *socket, const HttpReply &reply)
{
    if (reply.refusal)
        logRefusal(socket->peerAddress(), socket->peerPort(), reply.status);
    forget(socket);
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    socket->readAll(); // what it sent is read, so closing does not reset the connection
    socket->write(reply.bytes);
    socket->disconnectFromHost();
}

void WsServer::forget(QTcpSocket *socket)
{
    const auto it = m_pending.find(socket);
    if (it == m_pending.end())
        return;
    const auto byPeer = m_byPeer.find(it->peer);
    if (byPeer != m_byPeer.end() && byPeer.value() == socket)
        m_byPeer.erase(byPeer);
    forgetPending(it->peer.address);
    m_pending.erase(it);
}

} // namespace pairmatch
