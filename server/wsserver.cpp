#include "wsserver.h"

#include "connectiontrim.h"
#include "logging.h"
#include "tlscredentials.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

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

QByteArrayView HttpRequest::header(QByteArrayView name) const
{
    QByteArrayView rest = headers;
    while (!rest.isEmpty()) {
        const qsizetype eol = rest.indexOf("\r\n");
        const QByteArrayView line = eol < 0 ? rest : rest.first(eol);
        rest = eol < 0 ? QByteArrayView() : rest.sliced(eol + 2);
        const qsizetype colon = line.indexOf(':');
        if (colon == name.size() && line.first(colon).compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed();
    }
    return {};
}

// Accepts sockets itself: TCP_NODELAY on every one, TLS when a certificate is configured.
class WsServer::Listener final : public QTcpServer
{
public:
    const QSslConfiguration *tls = nullptr;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        QTcpSocket *socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcNet) << "cannot take an accepted socket:" << socket->errorString();
            delete socket;
            ::close(int(descriptor));
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        trimSocket(socket);
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
    , m_listener(std::make_unique<Listener>())
    , m_handshaker(u"pairmatch"_s, QWebSocketServer::NonSecureMode)
    , m_timer(clock, [this] { onTimer(); })
{
    m_listener->setMaxPendingConnections(1 << 20);
    m_handshaker.setMaxPendingConnections(1 << 20);
    m_handshaker.setHandshakeTimeout(-1); // ours: handshakeTimeoutMs, from accept
    connect(m_listener.get(), &QTcpServer::newConnection, this, &WsServer::onNewConnection);
    connect(&m_handshaker, &QWebSocketServer::newConnection, this, &WsServer::onUpgraded);
}

WsServer::~WsServer()
{
    close(); // before the tables go: an accepted socket destroyed with the listener forgets itself
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
}

void WsServer::onNewConnection()
{
    const Millis now = m_clock.now();
    while (QTcpSocket *socket = m_listener->nextPendingConnection()) {
        const PeerKey peer {socket->peerAddress(), socket->peerPort()};
        m_pending.insert(socket, Pending {peer, {}, false});
        m_byPeer.insert(peer, socket);
        ++m_pendingByAddress[peer.address];
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onRequestData(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            forget(socket);
            socket->deleteLater(); // QWebSocketServer does so too once it has it; twice is fine
        });
        m_handshakeTimeouts.push(now + m_config.handshakeTimeoutMs, QPointer<QTcpSocket>(socket));
        if (socket->bytesAvailable())
            onRequestData(socket);
    }
    m_timer.arm(m_handshakeTimeouts.nextDeadline());
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
            refuse(socket, 431);
        return;
    }
    // Request-Line = Method SP Request-URI SP HTTP-Version
    const QByteArrayView headView(head);
    const qsizetype eol = headView.indexOf("\r\n");
    const QByteArrayView line = headView.first(eol);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    const QByteArrayView version = sp2 < 0 ? QByteArrayView() : line.sliced(sp2 + 1);
    if (sp2 < 0 || !version.startsWith("HTTP/1.") || version.contains(' ')) {
        refuse(socket, 400);
        return;
    }
    HttpRequest request;
    request.method = line.first(sp1);
    request.target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    request.version = version;
    request.headers = headView.sliced(eol + 2, end - eol - 2);
    request.pendingConnections = m_pending.size();
    request.peer = it->peer.address;
    request.pendingFromPeer = m_pendingByAddress.value(it->peer.address);
    if (!request.header("Upgrade").toByteArray().toLower().contains("websocket")) {
        answerPlainRequest(socket, request);
        return;
    }
    if (request.method != "GET" || version == "HTTP/1.0") {
        refuse(socket, 400);
        return;
    }
    const Route route = m_gate(request);
    if (route.httpStatus != 200) {
        refuse(socket, route.httpStatus);
        return;
    }
    it->route = route;
    it->handedOver = true;
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    m_handshaker.handleConnection(socket);
}

// A request without a WebSocket upgrade gets an HTTP answer, never a silent close: the
// listener's HTTP handler's, when it has one for it; else 404 for a path the gate does not
// know and 400 for a WebSocket path asked without the upgrade.
void WsServer::answerPlainRequest(QTcpSocket *socket, const HttpRequest &request)
{
    if (m_httpHandler) {
        if (std::optional<QByteArray> response = m_httpHandler(request)) {
            respond(socket, *response);
            return;
        }
    }
    const Route route = m_gate(request);
    refuse(socket, route.httpStatus == 200 ? 400 : route.httpStatus);
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
    m_handshakeTimeouts.popDue(now, [this](const QPointer<QTcpSocket> &socket) {
        if (!socket || qobject_cast<QWebSocket *>(socket->parent()))
            return; // gone, or open as a WebSocket
        qCInfo(lcNet).noquote() << u"handshake from %1:%2 timed out; cut"_s
                                       .arg(socket->peerAddress().toString())
                                       .arg(socket->peerPort());
        forget(socket);
        socket->abort();
    });
    m_timer.arm(m_handshakeTimeouts.nextDeadline());
}

void WsServer::refuse(QTcpSocket *socket, int status)
{
    const QString remote
        = socket->peerAddress().toString() + u':' + QString::number(socket->peerPort());
    PM_LOG_INFO(lcNet, (LogFields {0, {}, {}, remote, status}),
        u"refused %1 with HTTP %2"_s.arg(remote).arg(status));
    Q_EMIT refused(status);
    respond(socket, httpRefusal(status));
}

void WsServer::respond(QTcpSocket *socket, const QByteArray &response)
{
    forget(socket);
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    socket->readAll(); // what it sent is read, so closing does not reset the connection
    socket->write(response);
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
    if (const auto n = m_pendingByAddress.find(it->peer.address);
        n != m_pendingByAddress.end() && --n.value() <= 0)
        m_pendingByAddress.erase(n);
    m_pending.erase(it);
}

} // namespace pairmatch
