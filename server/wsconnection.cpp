#include "wsconnection.h"

#include "logging.h"
#include "textframe.h"

#include <QSocketNotifier>
#include <QSslSocket>
#include <QtEndian>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kReadBufferSize = 128 * 1024;
constexpr int kMaxReadsPerEvent = 4; // then the other connections get their turn
constexpr std::size_t kMaxIov = 64;

// One read buffer for all the connections of a listener (of one thread): a connection's
// bytes are parsed before the next connection reads. Lent out; a nested read (never
// expected) gets its own.
class ReadBuffer final
{
public:
    explicit ReadBuffer(const WsConnection::Context &context)
        : m_context(context)
    {
        if (!context.readBufferBusy) {
            context.readBufferBusy = true;
            if (!context.readBuffer)
                context.readBuffer = std::make_unique<char[]>(std::size_t(kReadBufferSize));
            m_data = context.readBuffer.get();
        } else {
            m_own = std::make_unique<char[]>(std::size_t(kReadBufferSize));
            m_data = m_own.get();
        }
    }
    ~ReadBuffer()
    {
        if (!m_own)
            m_context.readBufferBusy = false;
    }
    Q_DISABLE_COPY_MOVE(ReadBuffer)
    char *data() const { return m_data; }
    static constexpr qsizetype size() { return kReadBufferSize; }

private:
    const WsConnection::Context &m_context;
    std::unique_ptr<char[]> m_own;
    char *m_data = nullptr;
};

// The peer's address as the kernel has it; false once the socket is gone or was reset.
bool peerName(int fd, sockaddr_storage &ss)
{
    socklen_t len = sizeof ss;
    return fd >= 0 && ::getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len) == 0;
}

} // namespace

// Frames the kernel did not take yet, the first maybe in part.
struct WsConnection::Backlog {
    std::deque<QByteArray> frames;
    qsizetype offset = 0; // of frames.front() already written
    qint64 bytes = 0; // unsent

    void append(const QByteArray &frame)
    {
        frames.push_back(frame);
        bytes += frame.size();
    }
};

// The descriptor's socket notifiers on Qt's dispatcher, deleted later (one of them may be
// delivering its signal when the connection ends).
struct WsConnection::Notifiers {
    QObject *host = nullptr;
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;
};

WsConnection::WsConnection(std::shared_ptr<const Context> context, int fd, Listener *listener)
    : m_context(std::move(context))
    , m_listener(listener)
    , m_fd(fd)
    , m_finalCode(CloseCode::Abnormal)
{
    if (!m_context->epoll) {
        m_notifiers = std::make_unique<Notifiers>();
        m_notifiers->host = new QObject;
        m_notifiers->read
            = new QSocketNotifier(qintptr(fd), QSocketNotifier::Read, m_notifiers->host);
        QObject::connect(m_notifiers->read, &QSocketNotifier::activated, m_notifiers->host,
            [this] { fdEvents(EPOLLIN); });
    }
    watch();
}

WsConnection::WsConnection(
    std::shared_ptr<const Context> context, QSslSocket *ssl, Listener *listener)
    : m_context(std::move(context))
    , m_listener(listener)
    , m_ssl(ssl)
    , m_finalCode(CloseCode::Abnormal)
{
    startSsl();
}

WsConnection::~WsConnection()
{
    if (m_ssl) {
        m_ssl->disconnect();
        m_ssl->abort();
        m_ssl->deleteLater();
    } else if (m_fd >= 0) {
        if (m_context->epoll)
            m_context->epoll->unwatchFd(m_fd);
        ::close(m_fd);
    }
    if (m_notifiers) {
        m_notifiers->read->setEnabled(false);
        if (m_notifiers->write)
            m_notifiers->write->setEnabled(false);
        m_notifiers->host->deleteLater();
    }
}

void WsConnection::release()
{
    if (m_inHandler)
        m_released = true;
    else
        delete this;
}

void WsConnection::leave()
{
    if (--m_inHandler > 0)
        return;
    if (m_state == State::Finished && !m_reported && !m_released) {
        // Told last, from here: the listener or the core may release it from in there.
        m_reported = true;
        ++m_inHandler;
        if (m_events)
            m_events->transportClosed(*m_session);
        else if (m_listener)
            m_listener->endedBeforeOpen(*this);
        --m_inHandler;
    }
    if (m_released)
        delete this;
}

void WsConnection::startSsl()
{
    QSslSocket *ssl = m_ssl;
    QObject::connect(ssl, &QSslSocket::readyRead, ssl, [this] {
        enter();
        readSsl();
        leave();
    });
    QObject::connect(ssl, &QSslSocket::encryptedBytesWritten, ssl, [this] {
        enter();
        written();
        leave();
    });
    QObject::connect(ssl, &QSslSocket::disconnected, ssl, [this] {
        enter();
        m_peerEnded = true;
        finish();
        leave();
    });
}

void WsConnection::attach(TransportEvents *events, Session *session)
{
    m_events = events;
    m_session = session;
    m_listener = nullptr;
}

QHostAddress WsConnection::peerAddress() const
{
    if (m_ssl)
        return m_ssl->peerAddress();
    sockaddr_storage ss = {};
    if (!peerName(m_fd, ss))
        return {};
    return QHostAddress(reinterpret_cast<const sockaddr *>(&ss));
}

quint16 WsConnection::peerPort() const
{
    if (m_ssl)
        return m_ssl->peerPort();
    sockaddr_storage ss = {};
    if (!peerName(m_fd, ss))
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in *>(&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(&ss)->sin6_port);
    return 0;
}

// ---- reading ----------------------------------------------------------------------------

void WsConnection::fdEvents(quint32 events)
{
    enter();
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
        readSocket();
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && m_backlog && !m_released)
        flushBacklog();
    leave();
}

void WsConnection::readSocket()
{
    if (m_state == State::Finished || m_peerEnded)
        return;
    const ReadBuffer buffer(*m_context);
    for (int reads = 0; reads < kMaxReadsPerEvent;) {
        const ssize_t n = ::recv(m_fd, buffer.data(), std::size_t(buffer.size()), MSG_DONTWAIT);
        if (n > 0) {
            ++reads;
            received(buffer.data(), qsizetype(n));
            if (m_state == State::Finished || m_released || n < buffer.size())
                return;
            continue;
        }
        if (n == 0) {
            peerEnded();
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            finish(); // reset by the peer, or worse: nothing more can be said
        return;
    }
}

void WsConnection::readSsl()
{
    const ReadBuffer buffer(*m_context);
    while (m_state != State::Finished && !m_released) {
        const qint64 n = m_ssl->read(buffer.data(), buffer.size());
        if (n <= 0)
            return;
        received(buffer.data(), qsizetype(n));
    }
}

void WsConnection::received(char *data, qsizetype size)
{
    switch (m_state) {
    case State::Request:
        requestBytes(data, size);
        return;
    case State::Open:
        frames(data, size);
        return;
    case State::Closing:
    case State::Lingering:
        if (m_ssl)
            framesWhileClosing(data, size);
        else
            discard(size);
        return;
    case State::Finished:
        return;
    }
}

void WsConnection::requestBytes(char *data, qsizetype size)
{
    // Usually the whole head is in one read and is looked at where it lies.
    std::unique_ptr<QByteArray> kept = std::move(m_head);
    char *base = data;
    qsizetype have = size;
    qsizetype from = 0;
    if (kept) {
        from = qMax<qsizetype>(0, kept->size() - 3);
        kept->append(data, size);
        base = kept->data();
        have = kept->size();
    }
    const void *blank = ::memmem(base + from, std::size_t(have - from), "\r\n\r\n", 4);
    const qsizetype end = blank ? static_cast<const char *>(blank) - base : -1;
    if (end < 0 || end + 4 > kMaxRequestHead) {
        if (end >= 0 || have >= kMaxRequestHead) {
            m_listener->requestTooLarge(*this);
            return;
        }
        m_head = kept ? std::move(kept) : std::make_unique<QByteArray>(data, size);
        return;
    }
    const qsizetype headSize = end + 4;
    m_listener->requestReceived(*this, QByteArrayView(base, headSize));
    // Frames may have come right behind the request.
    if (headSize < have && !m_released)
        received(base + headSize, have - headSize);
}

void WsConnection::frames(char *data, qsizetype size)
{
    if (!m_events) // opened, never handed on: the listener aborts it
        return;
    WsFrameParser::Input in {data, size};
    while (m_state == State::Open && !m_released) {
        const WsFrameParser::Event e = m_parser.next(in, m_context->limits);
        switch (e.kind) {
        case WsFrameParser::Kind::NeedMore:
            return;
        case WsFrameParser::Kind::Text:
            m_events->transportText(*m_session, e.payload);
            break;
        case WsFrameParser::Kind::Binary:
            m_events->transportBinary(*m_session);
            break;
        case WsFrameParser::Kind::Ping: {
            const QByteArray pong = makePongFrame(e.payload);
            send({&pong, 1});
            break;
        }
        case WsFrameParser::Kind::Pong: {
            qint64 rtt = -1;
            if (e.payload.size() == 8) { // our pings carry the time they were sent
                const qint64 sentAt = qFromBigEndian<qint64>(e.payload.data());
                const qint64 elapsed = m_context->clock->now() - sentAt;
                if (elapsed >= 0 && elapsed < 3'600'000)
                    rtt = elapsed;
            }
            m_events->transportPong(*m_session, rtt);
            break;
        }
        case WsFrameParser::Kind::Close:
            peerClosed(e.closeCode, e.payload);
            break;
        case WsFrameParser::Kind::Fail:
            failConnection(e.cause, e.detail);
            break;
        }
    }
    if (in.size > 0 && !m_released)
        received(in.data, in.size); // closing now: thrown away
}

// TLS has no half-close: while closing, the peer's close frame is what ends the session.
void WsConnection::framesWhileClosing(char *data, qsizetype size)
{
    WsFrameParser::Input in {data, size};
    while (!m_parser.isFinished() && in.size > 0) {
        const WsFrameParser::Event e = m_parser.next(in, m_context->limits);
        if (e.kind == WsFrameParser::Kind::NeedMore)
            break;
        if (e.kind == WsFrameParser::Kind::Close) {
            m_peerCloseFrame = true;
            if (m_state == State::Lingering)
                m_ssl->disconnectFromHost();
        }
    }
    discard(in.size);
}

void WsConnection::discard(qsizetype size)
{
    m_discarded += size;
    if (m_discarded > kMaxDiscardedBytes) {
        qCInfo(lcNet).noquote() << u"peer %1:%2 kept sending after the close; cut"_s
                                       .arg(peerAddress().toString())
                                       .arg(peerPort());
        finish();
    }
}

void WsConnection::peerClosed(quint16 code, QByteArrayView reason)
{
    m_finalCode = code;
    m_peerCloseFrame = true;
    m_events->transportClosing(*m_session, TransportClose {code, QString::fromUtf8(reason), false});
    if (m_released || m_state != State::Open)
        return;
    // the close handshake: its code echoed (no code: none)
    sendClose(code == CloseCode::NoStatus ? makeEmptyCloseFrame() : makeCloseFrame(code, {}));
}

void WsConnection::failConnection(CloseCause cause, const char *detail)
{
    const CloseCauseInfo info = closeCause(cause);
    qCInfo(lcNet).noquote() << u"peer %1:%2 failed: %3 (close %4)"_s.arg(peerAddress().toString())
                                   .arg(peerPort())
                                   .arg(QLatin1StringView(detail))
                                   .arg(info.code);
    m_finalCode = info.code;
    m_events->transportClosing(*m_session, TransportClose {info.code, QString(info.reason), true});
    if (m_released || m_state != State::Open)
        return;
    sendClose(makeCloseFrame(info.code, info.reason));
}

// The peer's FIN: nothing more comes from it.
void WsConnection::peerEnded()
{
    m_peerEnded = true;
    switch (m_state) {
    case State::Request:
    case State::Open: // ended without a close frame: 1006
    case State::Lingering: // the orderly end of a close
        finish();
        return;
    case State::Closing: // our close frame is still being written: then linger() ends it
        watch();
        return;
    case State::Finished:
        return;
    }
}

// ---- writing ----------------------------------------------------------------------------

qint64 WsConnection::write(std::span<const QByteArray> frames)
{
    if (m_state == State::Open && !frames.empty())
        send(frames);
    return unsent();
}

qint64 WsConnection::unsent() const
{
    if (m_ssl)
        return m_ssl->bytesToWrite() + m_ssl->encryptedBytesToWrite();
    return m_backlog ? m_backlog->bytes : 0;
}

void WsConnection::send(std::span<const QByteArray> frames)
{
    if (m_state == State::Finished)
        return;
    if (m_ssl) {
        for (const QByteArray &frame : frames)
            m_ssl->write(frame);
        return;
    }
    if (m_backlog) { // after what is waiting
        for (const QByteArray &frame : frames)
            m_backlog->append(frame);
        flushBacklog();
        return;
    }
    // Straight to the kernel, all in one call; what it does not take waits.
    std::size_t next = 0;
    qsizetype offset = 0; // of frames[next] already written
    while (next < frames.size()) {
        std::array<iovec, kMaxIov> iov;
        std::size_t count = 0;
        qint64 wanted = 0;
        for (std::size_t i = next; i < frames.size() && count < kMaxIov; ++i, ++count) {
            const qsizetype skip = i == next ? offset : 0;
            iov[count].iov_base = const_cast<char *>(frames[i].constData() + skip);
            iov[count].iov_len = std::size_t(frames[i].size() - skip);
            wanted += frames[i].size() - skip;
        }
        msghdr message = {};
        message.msg_iov = iov.data();
        message.msg_iovlen = count;
        const ssize_t sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            finish(); // the peer is gone
            return;
        }
        qint64 left = sent;
        while (next < frames.size() && left >= frames[next].size() - offset) {
            left -= frames[next].size() - offset;
            offset = 0;
            ++next;
        }
        offset += qsizetype(left);
        if (sent < wanted)
            break;
    }
    if (next < frames.size()) {
        m_backlog = std::make_unique<Backlog>();
        for (std::size_t i = next; i < frames.size(); ++i)
            m_backlog->append(frames[i]);
        m_backlog->offset = offset;
        m_backlog->bytes -= offset;
        watch();
    }
}

void WsConnection::flushBacklog()
{
    while (m_backlog) {
        Backlog &b = *m_backlog;
        std::array<iovec, kMaxIov> iov;
        std::size_t count = 0;
        qint64 wanted = 0;
        for (auto it = b.frames.begin(); it != b.frames.end() && count < kMaxIov; ++it, ++count) {
            const qsizetype skip = it == b.frames.begin() ? b.offset : 0;
            iov[count].iov_base = const_cast<char *>(it->constData() + skip);
            iov[count].iov_len = std::size_t(it->size() - skip);
            wanted += it->size() - skip;
        }
        msghdr message = {};
        message.msg_iov = iov.data();
        message.msg_iovlen = count;
        const ssize_t sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                finish();
            return;
        }
        b.bytes -= sent;
        qint64 left = sent;
        while (!b.frames.empty() && left >= b.frames.front().size() - b.offset) {
            left -= b.frames.front().size() - b.offset;
            b.offset = 0;
            b.frames.pop_front();
        }
        b.offset += qsizetype(left);
        if (b.frames.empty()) {
            m_backlog.reset();
            watch();
            written();
            return;
        }
        if (sent < wanted)
            return;
    }
}

// Everything queued has been handed to the kernel (or to TLS and written).
void WsConnection::written()
{
    if (m_state == State::Closing && unsent() == 0)
        linger();
}

void WsConnection::sendClose(const QByteArray &frame)
{
    if (m_state != State::Open && m_state != State::Request)
        return;
    m_state = State::Closing;
    m_discarded = 0;
    send({&frame, 1});
    if (m_state == State::Closing && unsent() == 0)
        linger();
}

// The close frame (or refusal) is out: our side is done. What the peer still sends is
// read and dropped until its own end, so closing never resets the connection.
void WsConnection::linger()
{
    m_state = State::Lingering;
    if (m_ssl) {
        if (m_peerCloseFrame || m_peerEnded)
            m_ssl->disconnectFromHost();
        return;
    }
    ::shutdown(m_fd, SHUT_WR);
    if (m_peerEnded)
        finish();
}

void WsConnection::finish()
{
    if (m_state == State::Finished)
        return;
    m_state = State::Finished;
    m_backlog.reset();
    m_head.reset();
    if (m_ssl) {
        m_ssl->disconnect();
        m_ssl->abort();
        return; // deleted with the connection
    }
    if (m_context->epoll)
        m_context->epoll->unwatchFd(m_fd);
    if (m_notifiers) {
        m_notifiers->read->setEnabled(false);
        if (m_notifiers->write)
            m_notifiers->write->setEnabled(false);
    }
    ::close(m_fd);
    m_fd = -1;
}

// Asks the dispatcher for what is wanted now: reading until the peer's end, writing while
// there is a backlog.
void WsConnection::watch()
{
    if (m_ssl || m_state == State::Finished)
        return;
    const bool read = !m_peerEnded;
    const bool write = m_backlog != nullptr;
    if (m_context->epoll) {
        const quint32 events = (read ? quint32(EPOLLIN) : 0) | (write ? quint32(EPOLLOUT) : 0);
        if (events != m_watched) {
            m_context->epoll->watchFd(m_fd, events, this);
            m_watched = quint8(events);
        }
        return;
    }
    if (m_notifiers->read->isEnabled() != read)
        m_notifiers->read->setEnabled(read);
    if (write && !m_notifiers->write) {
        m_notifiers->write
            = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, m_notifiers->host);
        QObject::connect(m_notifiers->write, &QSocketNotifier::activated, m_notifiers->host,
            [this] { fdEvents(EPOLLOUT); });
    }
    if (m_notifiers->write && m_notifiers->write->isEnabled() != write)
        m_notifiers->write->setEnabled(write);
}

// ---- the listener's and the core's commands ---------------------------------------------

void WsConnection::upgrade(const QByteArray &response)
{
    if (m_state != State::Request)
        return;
    m_state = State::Open;
    m_discarded = 0;
    send({&response, 1});
}

void WsConnection::refuse(const QByteArray &answer)
{
    sendClose(answer);
}

void WsConnection::close(quint16 code, QLatin1StringView reason)
{
    if (m_state != State::Open)
        return;
    m_finalCode = code;
    sendClose(makeCloseFrame(code, QByteArrayView(reason.data(), reason.size())));
}

void WsConnection::ping()
{
    if (m_state != State::Open)
        return;
    uchar payload[8];
    qToBigEndian(qint64(m_context->clock->now()), payload);
    const QByteArray frame = makePingFrame(QByteArrayView(payload, 8));
    send({&frame, 1});
}

void WsConnection::abort()
{
    finish();
}

} // namespace pairmatch
