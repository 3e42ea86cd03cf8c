#include "wsclient.h"

#include "textframe.h"

#include <QAbstractEventDispatcher>
#include <QCryptographicHash>
#include <QNetworkProxy>
#include <QRandomGenerator>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>
#include <QtEndian>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>
#include <vector>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr quint64 kMaxMessageBytes = 64 * 1024 * 1024;
constexpr qsizetype kMaxResponseHeaderBytes = 16 * 1024;
constexpr int kCloseLingerMs = 3000;

enum Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// Masking keys need not be secret here (RFC 6455 wants them unpredictable to a script in a
// browser); a xorshift generator seeded from the system keeps them cheap.
quint32 nextMaskKey()
{
    static quint64 state = QRandomGenerator::system()->generate64() | 1;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return quint32(state >> 16);
}

// Clients with frames to write. All are written once per event-loop pass, just before the
// loop waits (aboutToBlock): one write per socket and pass, however many frames it got.
std::vector<WsClient *> g_dirty;
bool g_flushHooked = false;

QByteArray lowerTrimmed(QByteArrayView bytes)
{
    return bytes.trimmed().toByteArray().toLower();
}

QString errnoText(const char *what, int error)
{
    return QString::fromLatin1(what) + u": "_s + QString::fromLocal8Bit(std::strerror(error));
}

// A socket of our own, bound to source with IP_BIND_ADDRESS_NO_PORT: the port is chosen at
// connect() for the whole 4-tuple, so one source address serves ~28k connections per server
// address and port, and ports in TIME_WAIT towards other servers stay usable.
int boundSocket(const QHostAddress &source, QString *errorText)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *errorText = errnoText("socket", errno);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(source.toIPv4Address());
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        *errorText = errnoText("bind", errno) + u" ("_s + source.toString() + u')';
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace

WsClient::WsClient(const WsTarget &target, WsCounters &counters, QObject *parent)
    : QObject(parent)
    , m_target(target)
    , m_counters(counters)
{
    if (!g_flushHooked) {
        if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance()) {
            connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, &WsClient::flushAll);
            g_flushHooked = true;
        }
    }
}

WsClient::~WsClient()
{
    unmarkDirty();
    if (m_socket)
        m_socket->disconnect(this);
}

void WsClient::flushAll()
{
    // Writing can fail a client, whose listener may then send on others: those land in a
    // fresh list and are written in the next round.
    for (int round = 0; round < 8 && !g_dirty.empty(); ++round) {
        std::vector<WsClient *> batch;
        batch.swap(g_dirty);
        for (WsClient *client : batch) {
            if (client)
                client->m_dirty = false; // from here on it may be listed again
        }
        for (WsClient *client : batch) {
            if (client)
                client->writeOut();
        }
    }
}

void WsClient::markDirty()
{
    if (!g_flushHooked) {
        writeOut(); // no event loop to hook: write at once
        return;
    }
    if (!m_dirty) {
        m_dirty = true;
        m_dirtyIndex = g_dirty.size();
        g_dirty.push_back(this);
    }
}

void WsClient::unmarkDirty()
{
    if (m_dirty) {
        g_dirty[m_dirtyIndex] = nullptr;
        m_dirty = false;
    }
}

void WsClient::writeOut()
{
    if (m_stage == Stage::Done || m_out.isEmpty())
        return;
    const qint64 written = m_socket->write(m_out); // the rest, if any, Qt keeps and sends
    m_out.resize(0); // keeps the capacity
    if (written < 0) {
        if (m_stage == Stage::Closing)
            finish();
        else
            fail(m_stage == Stage::Open ? Failure::Lost : Failure::Handshake,
                u"write: "_s + m_socket->errorString());
    }
}

QString WsClient::failureName(Failure failure)
{
    switch (failure) {
    case Failure::Connect:
        return u"connect failed"_s;
    case Failure::Tls:
        return u"TLS handshake failed"_s;
    case Failure::Handshake:
        return u"WebSocket handshake failed"_s;
    case Failure::Timeout:
        return u"open timed out"_s;
    case Failure::Protocol:
        return u"WebSocket protocol error"_s;
    case Failure::ClosedByServer:
        return u"closed by the server"_s;
    case Failure::Lost:
        return u"connection lost"_s;
    }
    return {};
}

bool WsClient::open(QByteArrayView path, const QHostAddress &source, Listener *listener,
    int openTimeoutMs, QString *errorText)
{
    m_path = path.toByteArray();
    QSslSocket *ssl = nullptr;
    if (m_target.tls) {
        ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_target.ssl);
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
    }
    m_socket->setProxy(QNetworkProxy::NoProxy);
    if (!source.isNull()) {
        const int fd = boundSocket(source, errorText);
        if (fd < 0 || !m_socket->setSocketDescriptor(fd, QAbstractSocket::BoundState)) {
            if (fd >= 0) {
                *errorText = u"cannot adopt a bound socket: "_s + m_socket->errorString();
                ::close(fd);
            }
            finish();
            return false;
        }
    }
    connect(m_socket, &QAbstractSocket::connected, this, &WsClient::onConnected);
    connect(m_socket, &QIODevice::readyRead, this, &WsClient::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, &WsClient::onDisconnected);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &WsClient::onSocketError);
    m_listener = listener;
    m_stage = Stage::Connecting;
    m_timer.start(openTimeoutMs, this);
    if (ssl) {
        connect(ssl, &QSslSocket::encrypted, this, &WsClient::onEncrypted);
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            for (const QSslError &e : errors)
                m_sslErrors += (m_sslErrors.isEmpty() ? u""_s : u"; "_s) + e.errorString();
        });
        ssl->connectToHostEncrypted(
            m_target.address.toString(), m_target.port, m_target.tlsPeerName);
    } else {
        // Unbuffered: reads go straight to recv() (no FIONREAD, no copy into Qt's buffer)
        // and writes straight to send(); frames are gathered in m_out instead.
        m_socket->connectToHost(
            m_target.address, m_target.port, QIODevice::ReadWrite | QIODevice::Unbuffered);
    }
    return true;
}

void WsClient::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (!m_target.tls)
        sendUpgradeRequest();
}

void WsClient::onEncrypted()
{
    sendUpgradeRequest();
}

void WsClient::sendUpgradeRequest()
{
    if (m_stage != Stage::Connecting)
        return;
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    const QByteArray key = nonce.toBase64();
    m_expectedAccept = QCryptographicHash::hash(
        key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                           .toBase64();
    QByteArray request;
    request.reserve(160 + m_path.size() + m_target.hostHeader.size());
    request += "GET ";
    request += m_path;
    request += " HTTP/1.1\r\nHost: ";
    request += m_target.hostHeader;
    request += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    request += key;
    request += "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    m_stage = Stage::Upgrading;
    m_out += request;
    writeOut();
}

void WsClient::onReadyRead()
{
    readAvailable();
    // What reading made this client send goes out now, not when the whole pass is over:
    // the server can work on it while this process reads its other sockets.
    if (m_dirty) {
        unmarkDirty();
        writeOut();
    }
}

void WsClient::readAvailable()
{
    // One scratch buffer for all clients (one thread): frames are parsed in place, and only
    // a partial frame at the end is copied into m_in.
    static char scratch[256 * 1024];
    static bool scratchInUse = false;
    // An unbuffered socket notifies again while data is left; a buffered one (TLS) does not.
    const int rounds = m_target.tls ? INT_MAX : 8;
    for (int round = 0; round < rounds && m_stage != Stage::Done; ++round) {
        const bool useScratch = !scratchInUse;
        char *buffer = scratch;
        qint64 capacity = sizeof scratch;
        QByteArray own;
        if (!useScratch) { // re-entered: cannot happen in one thread, but stay safe
            own.resize(64 * 1024);
            buffer = own.data();
            capacity = own.size();
        }
        const qint64 n = m_socket->read(buffer, capacity);
        if (n < 0) { // an unbuffered socket reports the end of the connection here
            onSocketError();
            return;
        }
        if (n == 0)
            return;
        scratchInUse = scratchInUse || useScratch;
        consume(buffer, qsizetype(n));
        if (useScratch)
            scratchInUse = false;
        if (n < capacity)
            return;
    }
}

void WsClient::consume(const char *data, qsizetype size)
{
    if (m_in.isEmpty() && (m_stage == Stage::Open || m_stage == Stage::Closing)) {
        const qsizetype used = parseFrames(data, size);
        if (m_stage != Stage::Done && used < size)
            m_in.append(data + used, size - used);
        return;
    }
    m_in.append(data, size);
    if (m_stage == Stage::Upgrading && !readUpgradeResponse())
        return;
    if (m_stage == Stage::Open || m_stage == Stage::Closing) {
        const qsizetype used = parseFrames(m_in.constData(), m_in.size());
        if (m_stage != Stage::Done)
            m_in.remove(0, used);
    }
}

bool WsClient::readUpgradeResponse()
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_in.size() > kMaxResponseHeaderBytes)
            fail(Failure::Handshake, u"HTTP response header over 16 KiB"_s);
        return false;
    }
    const QByteArray head = m_in.first(end);
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray status = lines.first().trimmed();
    if (!status.startsWith("HTTP/1.1 101")) {
        fail(Failure::Handshake, u"HTTP "_s + QString::fromUtf8(status.left(200)));
        return false;
    }
    bool upgrade = false;
    bool connection = false;
    QString problem;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = lowerTrimmed(QByteArrayView(line).first(colon));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "upgrade") {
            upgrade = value.toLower() == "websocket";
        } else if (name == "connection") {
            for (const QByteArray &token : value.split(','))
                connection = connection || lowerTrimmed(token) == "upgrade";
        } else if (name == "sec-websocket-accept") {
            if (value != m_expectedAccept)
                problem = u"wrong Sec-WebSocket-Accept"_s;
        } else if (name == "sec-websocket-extensions" || name == "sec-websocket-protocol") {
            problem = QString::fromLatin1(name) + u" that was not asked for"_s;
        }
    }
    if (problem.isEmpty() && !upgrade)
        problem = u"no Upgrade: websocket"_s;
    if (problem.isEmpty() && !connection)
        problem = u"no Connection: Upgrade"_s;
    if (problem.isEmpty() && !head.contains(m_expectedAccept))
        problem = u"no Sec-WebSocket-Accept"_s;
    if (!problem.isEmpty()) {
        fail(Failure::Handshake, problem);
        return false;
    }
    m_in.remove(0, end + 4);
    m_stage = Stage::Open;
    m_timer.stop();
    ++m_counters.opened;
    if (m_listener)
        m_listener->opened(this);
    return m_stage == Stage::Open || m_stage == Stage::Closing;
}

qsizetype WsClient::parseFrames(const char *data, qsizetype size)
{
    qsizetype pos = 0;
    while (m_stage == Stage::Open || m_stage == Stage::Closing) {
        const auto *b = reinterpret_cast<const uchar *>(data) + pos;
        const qsizetype available = size - pos;
        if (available < 2)
            break;
        const bool fin = b[0] & 0x80;
        const quint8 opcode = b[0] & 0x0F;
        if (b[0] & 0x70)
            return protocolError(u"reserved bits set, no extension was agreed"_s);
        if (b[1] & 0x80)
            return protocolError(u"a masked frame from the server"_s);
        quint64 length = b[1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (available < 4)
                break;
            length = qFromBigEndian<quint16>(b + 2);
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                break;
            length = qFromBigEndian<quint64>(b + 2);
            header = 10;
        }
        if (length > kMaxMessageBytes)
            return protocolError(u"a frame of %1 bytes (the bench takes 64 MiB)"_s.arg(length));
        if (quint64(available - header) < length)
            break;
        const QByteArrayView payload(reinterpret_cast<const char *>(b + header), qsizetype(length));
        pos += header + qsizetype(length);

        if (opcode >= Close) {
            if (!fin || length > 125)
                return protocolError(u"a fragmented or long control frame"_s);
            if (opcode == Ping) {
                if (m_stage == Stage::Open) {
                    sendFrame(Pong, payload);
                    ++m_counters.pingsAnswered;
                }
            } else if (opcode == Close) {
                if (length == 1)
                    return protocolError(u"a close frame of 1 byte"_s);
                const int code = length >= 2 ? qFromBigEndian<quint16>(b + header) : 1005;
                if (m_stage == Stage::Closing) // our close, answered: the server ends TCP
                    break;
                // The server's close: answer it, wait for it to end TCP, report it.
                sendFrame(Close, payload.first(qMin<qsizetype>(payload.size(), 2)));
                m_stage = Stage::Closing;
                m_timer.start(kCloseLingerMs, this);
                Listener *listener = std::exchange(m_listener, nullptr);
                if (listener) {
                    QString detail = u"close %1"_s.arg(code);
                    if (length > 2)
                        detail += u' ' + QString::fromUtf8(payload.sliced(2));
                    listener->failed(this, Failure::ClosedByServer, detail);
                }
                break;
            } else if (opcode != Pong) {
                return protocolError(u"unknown control opcode %1"_s.arg(opcode));
            }
            continue;
        }
        switch (opcode) {
        case Continuation:
            if (!m_inFragmented)
                return protocolError(u"a continuation frame outside a message"_s);
            if (quint64(m_fragments.size()) + length > kMaxMessageBytes)
                return protocolError(u"a fragmented message over 64 MiB"_s);
            m_fragments.append(payload);
            if (fin) {
                m_inFragmented = false;
                const QByteArray whole = std::exchange(m_fragments, QByteArray());
                if (m_listener)
                    m_listener->messageReceived(this, whole, m_fragmentedBinary);
            }
            break;
        case Text:
        case Binary:
            if (m_inFragmented)
                return protocolError(u"a new message inside a fragmented one"_s);
            if (fin) {
                if (m_listener)
                    m_listener->messageReceived(this, payload, opcode == Binary);
            } else {
                m_inFragmented = true;
                m_fragmentedBinary = opcode == Binary;
                m_fragments = payload.toByteArray();
            }
            break;
        default:
            return protocolError(u"unknown opcode %1"_s.arg(opcode));
        }
    }
    return pos;
}

qsizetype WsClient::protocolError(const QString &detail)
{
    fail(Failure::Protocol, detail);
    return 0; // nothing more is read
}

void WsClient::sendText(QByteArrayView payload)
{
    if (m_stage == Stage::Open)
        sendFrame(Text, payload);
}

void WsClient::flush()
{
    unmarkDirty();
    writeOut();
    if (m_socket && m_stage != Stage::Done)
        m_socket->flush();
}

void WsClient::sendFrame(quint8 opcode, QByteArrayView payload)
{
    const qsizetype n = payload.size();
    const qsizetype header = textFrameHeaderSize(n); // the same length encoding, plus a mask
    const qsizetype at = m_out.size();
    m_out.resize(at + header + 4 + n);
    auto *p = reinterpret_cast<uchar *>(m_out.data() + at);
    p[0] = uchar(0x80 | opcode);
    if (header == 2) {
        p[1] = uchar(0x80 | n);
    } else if (header == 4) {
        p[1] = 0x80 | 126;
        qToBigEndian(quint16(n), p + 2);
    } else {
        p[1] = 0x80 | 127;
        qToBigEndian(quint64(n), p + 2);
    }
    const quint32 key = nextMaskKey();
    std::memcpy(p + header, &key, 4);
    const quint64 key8 = quint64(key) | quint64(key) << 32;
    uchar *out = p + header + 4;
    const auto *in = reinterpret_cast<const uchar *>(payload.data());
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 v;
        std::memcpy(&v, in + i, 8);
        v ^= key8;
        std::memcpy(out + i, &v, 8);
    }
    for (; i < n; ++i)
        out[i] = in[i] ^ p[header + (i & 3)];
    markDirty();
}

void WsClient::close(quint16 code)
{
    m_listener = nullptr;
    switch (m_stage) {
    case Stage::Open: {
        uchar body[2];
        qToBigEndian(code, body);
        sendFrame(Close, QByteArrayView(reinterpret_cast<const char *>(body), 2));
        m_stage = Stage::Closing;
        m_timer.start(kCloseLingerMs, this);
        break;
    }
    case Stage::Connecting:
    case Stage::Upgrading:
        finish();
        break;
    case Stage::Closing:
    case Stage::Done:
        break;
    }
}

void WsClient::onDisconnected()
{
    switch (m_stage) {
    case Stage::Connecting:
        fail(m_target.tls ? Failure::Tls : Failure::Connect, u"connection closed"_s);
        break;
    case Stage::Upgrading:
        fail(Failure::Handshake, u"connection closed during the HTTP upgrade"_s);
        break;
    case Stage::Open:
        fail(Failure::Lost, u"TCP connection closed without a close frame"_s);
        break;
    case Stage::Closing:
        finish();
        break;
    case Stage::Done:
        break;
    }
}

void WsClient::onSocketError()
{
    const QAbstractSocket::SocketError error = m_socket->error();
    const QString text = m_socket->errorString();
    switch (m_stage) {
    case Stage::Connecting: {
        const bool tlsStage = m_target.tls
            && (error == QAbstractSocket::SslHandshakeFailedError
                || error == QAbstractSocket::SslInternalError
                || error == QAbstractSocket::SslInvalidUserDataError
                || error == QAbstractSocket::RemoteHostClosedError);
        if (tlsStage)
            fail(Failure::Tls, m_sslErrors.isEmpty() ? text : m_sslErrors);
        else
            fail(Failure::Connect, text);
        break;
    }
    case Stage::Upgrading:
        fail(Failure::Handshake, u"during the HTTP upgrade: "_s + text);
        break;
    case Stage::Open:
        fail(Failure::Lost,
            error == QAbstractSocket::RemoteHostClosedError
                ? u"TCP connection closed without a close frame"_s
                : text);
        break;
    case Stage::Closing:
        finish();
        break;
    case Stage::Done:
        break;
    }
}

void WsClient::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    m_timer.stop();
    switch (m_stage) {
    case Stage::Connecting:
        fail(Failure::Timeout,
            m_target.tls ? u"no TLS session in time"_s : u"TCP connect not done in time"_s);
        break;
    case Stage::Upgrading:
        fail(Failure::Timeout, u"no HTTP 101 answer in time"_s);
        break;
    case Stage::Closing:
        ++m_counters.closeTimeouts;
        finish();
        break;
    case Stage::Open:
    case Stage::Done:
        break;
    }
}

void WsClient::fail(Failure failure, const QString &detail)
{
    if (m_stage == Stage::Done)
        return;
    Listener *listener = std::exchange(m_listener, nullptr);
    finish();
    if (listener)
        listener->failed(this, failure, detail);
}

void WsClient::finish()
{
    if (m_stage == Stage::Done)
        return;
    m_stage = Stage::Done;
    m_listener = nullptr;
    m_timer.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    deleteLater();
}

} // namespace pairmatch
