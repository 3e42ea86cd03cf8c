#include "wireclient.h"

#include "waituntil.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QtEndian>

#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pairmatch::test {

QByteArray WireClient::Frame::describe() const
{
    switch (opcode) {
    case 0x0:
        return "continuation:" + payload;
    case 0x1:
        return "text:" + payload;
    case 0x2:
        return "binary:" + QByteArray::number(payload.size());
    case 0x8:
        if (payload.size() < 2)
            return "close:none";
        return "close:" + QByteArray::number(qFromBigEndian<quint16>(payload.constData()));
    case 0x9:
        return "ping:" + payload;
    case 0xA:
        return "pong:" + payload;
    default:
        return "opcode" + QByteArray::number(opcode) + ':' + payload;
    }
}

WireClient::WireClient(QObject *parent)
    : QObject(parent)
{
    QByteArray nonce(16, Qt::Uninitialized);
    for (char &c : nonce)
        c = char(QRandomGenerator::global()->bounded(256));
    m_key = nonce.toBase64();
}

WireClient::~WireClient()
{
    delete m_notifier;
    if (m_fd >= 0)
        ::close(m_fd);
}

bool WireClient::connectTo(quint16 port, int timeoutMs)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return false;
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        && errno != EINPROGRESS)
        return false;
    m_notifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read);
    connect(m_notifier, &QSocketNotifier::activated, this, &WireClient::onReadable);
    // connected once writable without error
    return waitUntil(
        [this] {
            QCoreApplication::processEvents();
            sockaddr_in peer = {};
            socklen_t len = sizeof peer;
            return ::getpeername(m_fd, reinterpret_cast<sockaddr *>(&peer), &len) == 0;
        },
        timeoutMs);
}

bool WireClient::open(quint16 port, const QByteArray &path, int timeoutMs, const QByteArray &behind)
{
    if (!connectTo(port, timeoutMs))
        return false;
    write("GET " + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          "Connection: Upgrade\r\nSec-WebSocket-Key: "
        + m_key + "\r\nSec-WebSocket-Version: 13\r\n\r\n" + behind);
    if (!waitUntil([this] { return m_headDone || m_end != End::Open; }, timeoutMs) || !m_headDone)
        return false;
    const QByteArray accept = QCryptographicHash::hash(
        m_key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                                  .toBase64();
    if (!m_head.startsWith("HTTP/1.1 101 ")
        || !m_head.contains("\r\nSec-WebSocket-Accept: " + accept + "\r\n"))
        return false;
    m_upgraded = true;
    parse();
    return true;
}

bool WireClient::write(QByteArrayView bytes, int timeoutMs)
{
    qsizetype done = 0;
    return waitUntil(
               [&] {
                   while (done < bytes.size()) {
                       const ssize_t n = ::send(m_fd, bytes.data() + done,
                           std::size_t(bytes.size() - done), MSG_NOSIGNAL | MSG_DONTWAIT);
                       if (n > 0) {
                           done += n;
                           continue;
                       }
                       if (n < 0 && errno == EINTR)
                           continue;
                       if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                           return false; // the loop runs, the server reads, then again
                       return true; // the connection is gone: nothing more can be written
                   }
                   return true;
               },
               timeoutMs)
        && done == bytes.size();
}

QByteArray WireClient::clientFrame(quint8 opcode, QByteArrayView payload, bool fin, bool masked,
    quint8 rsv, int lengthForm, bool topBit)
{
    QByteArray out;
    out += char((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F));
    const qsizetype n = payload.size();
    const char maskBit = masked ? char(0x80) : char(0);
    const int form = lengthForm ? lengthForm : n <= 125 ? 7 : n <= 0xFFFF ? 16 : 64;
    if (form == 7) {
        out += char(maskBit | char(n));
    } else if (form == 16) {
        out += char(maskBit | 126);
        uchar len[2];
        qToBigEndian(quint16(n), len);
        out.append(reinterpret_cast<const char *>(len), 2);
    } else {
        out += char(maskBit | 127);
        uchar len[8];
        qToBigEndian(quint64(n) | (topBit ? quint64(1) << 63 : 0), len);
        out.append(reinterpret_cast<const char *>(len), 8);
    }
    const quint32 key = QRandomGenerator::global()->generate();
    uchar mask[4];
    qToBigEndian(key, mask);
    if (masked)
        out.append(reinterpret_cast<const char *>(mask), 4);
    const qsizetype at = out.size();
    out.append(payload.data(), n);
    if (masked) {
        for (qsizetype i = 0; i < n; ++i)
            out[at + i] = char(uchar(out[at + i]) ^ mask[i % 4]);
    }
    return out;
}

void WireClient::sendClose(quint16 code)
{
    uchar be[2];
    qToBigEndian(code, be);
    sendFrame(0x8, QByteArrayView(be, 2));
}

std::optional<WireClient::Frame> WireClient::next(int timeoutMs)
{
    waitUntil([this] { return !m_frames.isEmpty() || m_end != End::Open; }, timeoutMs);
    if (m_frames.isEmpty())
        return std::nullopt;
    return m_frames.takeFirst();
}

WireClient::End WireClient::waitForEnd(int timeoutMs)
{
    if (m_notifier && !m_notifier->isEnabled() && m_end == End::Open)
        m_notifier->setEnabled(true);
    waitUntil([this] { return m_end != End::Open; }, timeoutMs);
    return m_end;
}

void WireClient::pauseReading()
{
    m_notifier->setEnabled(false);
}

void WireClient::resumeReading()
{
    if (m_end == End::Open)
        m_notifier->setEnabled(true);
    onReadable();
}

void WireClient::shutdownWrite()
{
    ::shutdown(m_fd, SHUT_WR);
}

WireClient::End WireClient::recheckEnd()
{
    onReadable();
    if (socketError() != 0)
        m_end = End::Reset;
    return m_end;
}

QString WireClient::remote() const
{
    sockaddr_in local = {};
    socklen_t len = sizeof local;
    ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&local), &len);
    return QStringLiteral("127.0.0.1:%1").arg(ntohs(local.sin_port));
}

int WireClient::socketError() const
{
    int error = 0;
    socklen_t len = sizeof error;
    ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &len);
    return error;
}

void WireClient::onReadable()
{
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            m_bytesRead += n;
            m_in.append(buffer, n);
            continue;
        }
        if (n == 0) {
            if (m_end == End::Open)
                m_end = End::Fin;
            m_notifier->setEnabled(false);
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        m_end = End::Reset; // ECONNRESET, or EPIPE after one
        m_notifier->setEnabled(false);
        break;
    }
    if (!m_headDone) {
        const qsizetype end = m_in.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_head = m_in.first(end + 4);
        m_in.remove(0, end + 4);
        m_headDone = true;
    }
    if (m_upgraded)
        parse();
}

void WireClient::parse()
{
    for (;;) {
        if (m_in.size() < 2)
            return;
        const auto b0 = uchar(m_in[0]);
        const auto b1 = uchar(m_in[1]);
        qsizetype header = 2;
        quint64 length = b1 & 0x7F;
        if (length == 126) {
            if (m_in.size() < 4)
                return;
            length = qFromBigEndian<quint16>(m_in.constData() + 2);
            header = 4;
        } else if (length == 127) {
            if (m_in.size() < 10)
                return;
            length = qFromBigEndian<quint64>(m_in.constData() + 2);
            header = 10;
        }
        const bool masked = b1 & 0x80;
        if (masked)
            header += 4;
        if (quint64(m_in.size() - header) < length)
            return;
        Frame f;
        f.fin = b0 & 0x80;
        f.opcode = b0 & 0x0F;
        f.masked = masked;
        f.payload = m_in.mid(header, qsizetype(length));
        if (masked) {
            for (qsizetype i = 0; i < f.payload.size(); ++i)
                f.payload[i] = char(f.payload[i] ^ m_in[header - 4 + i % 4]);
        }
        m_in.remove(0, header + qsizetype(length));
        m_frames.append(std::move(f));
    }
}

} // namespace pairmatch::test
