#include "session.h"

#include <QTcpSocket>
#include <QWebSocket>

namespace pairmatch {

Session::Session(ConnId id, QWebSocket *webSocket, QTcpSocket *tcpSocket, Route route, Millis now,
    RateLimiter::Bucket rateBucket)
    : peerAddress(webSocket->peerAddress())
    , peerPort(webSocket->peerPort())
    , connectedAt(now)
    , bucket(rateBucket)
    , m_id(id)
    , m_webSocket(webSocket)
    , m_tcpSocket(tcpSocket)
    , m_route(std::move(route))
{ }

Session::~Session()
{
    m_webSocket->disconnect();
    m_webSocket->deleteLater();
}

qint64 Session::send(const QByteArray &frame)
{
    QTcpSocket *tcp = m_tcpSocket.data();
    if (isClosing() || !tcp || tcp->state() != QAbstractSocket::ConnectedState)
        return 0;
    tcp->write(frame);
    ++messagesOut;
    return tcp->bytesToWrite();
}

void Session::close(quint16 code, QLatin1StringView reason)
{
    if (isClosing())
        return;
    m_closeCode = code;
    m_closedByServer = true;
    m_webSocket->close(QWebSocketProtocol::CloseCode(code), QString(reason));
}

QString Session::closeReason() const
{
    return m_webSocket->closeReason();
}

void Session::ping()
{
    if (!isClosing())
        m_webSocket->ping();
}

void Session::abort()
{
    m_webSocket->abort();
}

void Session::noteCloseStarted()
{
    if (isClosing())
        return;
    // Qt closes by itself on a frame over the limit (1009), bad UTF-8 (1007) or a protocol
    // error (1002); a peer's own close frame rarely carries these.
    const auto code = quint16(m_webSocket->closeCode());
    if (code == 1002 || code == 1007 || code == CloseCode::TooBig) {
        m_closeCode = code;
        m_closedByServer = true;
    }
}

quint16 Session::finalCloseCode() const
{
    if (m_closeCode)
        return m_closeCode;
    if (m_webSocket->error() != QAbstractSocket::UnknownSocketError)
        return 1006; // the TCP connection ended without a closing handshake
    return quint16(m_webSocket->closeCode());
}

} // namespace pairmatch
