#include "qttransport.h"

#include "closecodes.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <QWebSocket>

#include <array>
#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>

namespace pairmatch {

class QtTransport::Command
{
public:
    explicit Command(QtTransport &t)
        : m_t(t)
    {
        ++m_t.m_inCommand;
    }
    ~Command() { --m_t.m_inCommand; }
    Q_DISABLE_COPY_MOVE(Command)

private:
    QtTransport &m_t;
};

QtTransport::QtTransport(QWebSocket *webSocket, QTcpSocket *tcpSocket, qint64 maxMessageBytes)
    : m_webSocket(webSocket)
    , m_tcpSocket(tcpSocket)
    , m_direct(qobject_cast<QSslSocket *>(tcpSocket) == nullptr)
{
    m_webSocket->setMaxAllowedIncomingFrameSize(quint64(maxMessageBytes));
    m_webSocket->setMaxAllowedIncomingMessageSize(quint64(maxMessageBytes));
}

QtTransport::~QtTransport()
{
    m_webSocket->disconnect();
    m_webSocket->deleteLater();
}

void QtTransport::release()
{
    delete this;
}

void QtTransport::attach(TransportEvents *events, Session *session)
{
    m_events = events;
    m_session = session;
    QWebSocket *ws = m_webSocket;
    QObject::connect(ws, &QWebSocket::textMessageReceived, ws, [this](const QString &text) {
        if (!m_closing)
            m_events->transportText(*m_session, text.toUtf8());
    });
    QObject::connect(ws, &QWebSocket::binaryMessageReceived, ws, [this](const QByteArray &) {
        if (!m_closing)
            m_events->transportBinary(*m_session);
    });
    QObject::connect(ws, &QWebSocket::pong, ws, [this](quint64 elapsed, const QByteArray &) {
        m_events->transportPong(*m_session, qint64(elapsed));
    });
    QObject::connect(ws, &QWebSocket::disconnected, ws, [this] { onDisconnected(); });
}

QHostAddress QtTransport::peerAddress() const
{
    return m_webSocket->peerAddress();
}

quint16 QtTransport::peerPort() const
{
    return m_webSocket->peerPort();
}

void QtTransport::onDisconnected()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_inCommand || !m_events)
        return; // the core reads isFinished() after its command
    if (!m_closing) {
        // Qt closes by itself on a frame over the limit (1009), bad UTF-8 (1007) or a
        // protocol error (1002); a peer's own close frame rarely carries these.
        const auto code = quint16(m_webSocket->closeCode());
        if (code == CloseCode::ProtocolError || code == CloseCode::InvalidPayload
            || code == CloseCode::TooBig) {
            m_closing = true;
            m_events->transportClosing(
                *m_session, TransportClose {code, m_webSocket->closeReason(), true});
        }
    }
    m_events->transportClosed(*m_session);
}

qint64 QtTransport::write(std::span<const QByteArray> frames)
{
    Command command(*this);
    QTcpSocket *tcp = m_tcpSocket.data();
    if (m_closing || !tcp || tcp->state() != QAbstractSocket::ConnectedState)
        return 0;
    std::size_t next = 0; // the first frame not yet written
    if (m_direct && tcp->bytesToWrite() == 0) {
        const int fd = int(tcp->socketDescriptor());
        constexpr std::size_t kMaxIov = 64;
        while (next < frames.size()) {
            std::array<iovec, kMaxIov> iov;
            std::size_t count = 0;
            qint64 wanted = 0;
            for (std::size_t i = next; i < frames.size() && count < kMaxIov; ++i, ++count) {
                iov[count].iov_base = const_cast<char *>(frames[i].constData());
                iov[count].iov_len = std::size_t(frames[i].size());
                wanted += frames[i].size();
            }
            msghdr message = {};
            message.msg_iov = iov.data();
            message.msg_iovlen = count;
            ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent < 0 && errno == EINTR)
                continue;
            if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                return 0; // the connection is failing; Qt notices on its side
            const qint64 written = qMax<qint64>(0, sent);
            qint64 left = written;
            while (next < frames.size() && left >= frames[next].size())
                left -= frames[next++].size();
            if (left > 0) { // a frame went out in part: its rest goes through Qt's buffer
                tcp->write(frames[next].constData() + left, frames[next].size() - left);
                ++next;
            }
            if (written < wanted)
                break; // the kernel's buffer is full: Qt writes the rest when it drains
        }
    }
    for (; next < frames.size(); ++next)
        tcp->write(frames[next]);
    return tcp->bytesToWrite();
}

void QtTransport::close(quint16 code, QLatin1StringView reason)
{
    Command command(*this);
    if (m_closing)
        return;
    m_closing = true;
    m_webSocket->close(QWebSocketProtocol::CloseCode(code), QString(reason));
}

void QtTransport::ping()
{
    Command command(*this);
    if (!m_closing)
        m_webSocket->ping();
}

void QtTransport::abort()
{
    Command command(*this);
    m_webSocket->abort();
    m_finished = true;
}

quint16 QtTransport::finalCloseCode() const
{
    if (m_webSocket->error() != QAbstractSocket::UnknownSocketError)
        return CloseCode::Abnormal; // the TCP connection ended without a closing handshake
    return quint16(m_webSocket->closeCode());
}

} // namespace pairmatch
