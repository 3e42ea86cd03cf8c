#include "session.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <QWebSocket>

#include <array>
#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>

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
    , m_direct(qobject_cast<QSslSocket *>(tcpSocket) == nullptr)
{ }

Session::~Session()
{
    m_webSocket->disconnect();
    m_webSocket->deleteLater();
}

bool Session::queue(const QByteArray &frame)
{
    if (isClosing())
        return false;
    ++messagesOut;
    m_queued.push_back(frame);
    return m_queued.size() == 1;
}

qint64 Session::flush()
{
    QTcpSocket *tcp = m_tcpSocket.data();
    if (!tcp || tcp->state() != QAbstractSocket::ConnectedState) {
        m_queued.clear();
        return 0;
    }
    std::size_t next = 0; // the first frame not yet written
    if (m_direct && tcp->bytesToWrite() == 0) {
        const int fd = int(tcp->socketDescriptor());
        constexpr std::size_t kMaxIov = 64;
        while (next < m_queued.size()) {
            std::array<iovec, kMaxIov> iov;
            std::size_t count = 0;
            qint64 wanted = 0;
            for (std::size_t i = next; i < m_queued.size() && count < kMaxIov; ++i, ++count) {
                iov[count].iov_base = const_cast<char *>(m_queued[i].constData());
                iov[count].iov_len = std::size_t(m_queued[i].size());
                wanted += m_queued[i].size();
            }
            msghdr message = {};
            message.msg_iov = iov.data();
            message.msg_iovlen = count;
            ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent < 0 && errno == EINTR)
                continue;
            if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                m_queued.clear(); // the connection is failing; Qt notices on its side
                return 0;
            }
            const qint64 written = qMax<qint64>(0, sent);
            qint64 left = written;
            while (next < m_queued.size() && left >= m_queued[next].size())
                left -= m_queued[next++].size();
            if (left > 0) { // a frame went out in part: its rest goes through Qt's buffer
                tcp->write(m_queued[next].constData() + left, m_queued[next].size() - left);
                ++next;
            }
            if (written < wanted)
                break; // the kernel's buffer is full: Qt writes the rest when it drains
        }
    }
    for (; next < m_queued.size(); ++next)
        tcp->write(m_queued[next]);
    m_queued.clear();
    return tcp->bytesToWrite();
}

void Session::close(quint16 code, QLatin1StringView reason)
{
    if (isClosing())
        return;
    flush(); // what was said before the close goes first
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
    if (code == CloseCode::ProtocolError || code == CloseCode::InvalidPayload
        || code == CloseCode::TooBig) {
        m_closeCode = code;
        m_closedByServer = true;
    }
}

quint16 Session::finalCloseCode() const
{
    if (m_closeCode)
        return m_closeCode;
    if (m_webSocket->error() != QAbstractSocket::UnknownSocketError)
        return CloseCode::Abnormal; // the TCP connection ended without a closing handshake
    return quint16(m_webSocket->closeCode());
}

} // namespace pairmatch
