#include "rawwsclient.h"

#include "waituntil.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

namespace pairmatch::test {

namespace {

// RFC 6455 section 1.3
constexpr QByteArrayView kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

QByteArray expectedAccept(const QByteArray &key)
{
    return QCryptographicHash::hash(key + kAcceptGuid.toByteArray(), QCryptographicHash::Sha1)
        .toBase64();
}

} // namespace

RawWsClient::RawWsClient(QObject *parent)
    : QObject(parent)
{
    QByteArray nonce(16, Qt::Uninitialized);
    for (char &c : nonce)
        c = char(QRandomGenerator::global()->bounded(256));
    m_key = nonce.toBase64();
    connect(&m_socket, &QTcpSocket::readyRead, this, &RawWsClient::onReadyRead);
}

RawWsClient::~RawWsClient()
{
    m_socket.abort();
}

bool RawWsClient::connectTo(quint16 port, int timeoutMs)
{
    m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    for (QDeadlineTimer deadline(timeoutMs); !deadline.hasExpired();) {
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            return true;
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return false;
        QTest::qWait(1);
    }
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void RawWsClient::writeRaw(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

QByteArray RawWsClient::handshakeRequest(const QByteArray &path) const
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_socket.peerPort())
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + m_key
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

int RawWsClient::readResponseStatus(int timeoutMs)
{
    for (QDeadlineTimer deadline(timeoutMs); !m_headDone && !deadline.hasExpired();) {
        if (m_socket.state() == QAbstractSocket::UnconnectedState && !m_socket.bytesAvailable())
            break;
        QTest::qWait(1);
    }
    if (!m_headDone)
        return -1;
    // "HTTP/1.1 404 Not Found"
    const QList<QByteArray> parts = statusLine().split(' ');
    if (parts.size() < 2 || !parts[0].startsWith("HTTP/"))
        return -1;
    bool ok = false;
    const int status = parts[1].toInt(&ok);
    return ok ? status : -1;
}

bool RawWsClient::open(quint16 port, const QByteArray &path, int timeoutMs)
{
    if (!connectTo(port, timeoutMs))
        return false;
    writeRaw(handshakeRequest(path));
    if (readResponseStatus(timeoutMs) != 101)
        return false;
    const QByteArray accept = expectedAccept(m_key);
    bool accepted = false;
    for (const QByteArray &line : m_head.split('\n')) {
        const QByteArray l = line.trimmed();
        const qsizetype colon = l.indexOf(':');
        if (colon > 0 && l.first(colon).trimmed().toLower() == "sec-websocket-accept")
            accepted = l.sliced(colon + 1).trimmed() == accept;
    }
    m_upgraded = accepted;
    parseFrames(); // frames that came with the head
    return accepted;
}

void RawWsClient::sendFrame(quint8 opcode, const QByteArray &payload, bool fin)
{
    QByteArray frame;
    frame.append(char((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
    const qsizetype n = payload.size();
    if (n <= 125) {
        frame.append(char(0x80 | n));
    } else if (n <= 0xFFFF) {
        frame.append(char(0x80 | 126));
        char len[2];
        qToBigEndian(quint16(n), len);
        frame.append(len, 2);
    } else {
        frame.append(char(0x80 | 127));
        char len[8];
        qToBigEndian(quint64(n), len);
        frame.append(len, 8);
    }
    const quint32 maskKey = QRandomGenerator::global()->generate();
    char mask[4];
    qToBigEndian(maskKey, mask);
    frame.append(mask, 4);
    QByteArray masked = payload;
    for (qsizetype i = 0; i < masked.size(); ++i)
        masked[i] = char(masked[i] ^ mask[i % 4]);
    frame.append(masked);
    writeRaw(frame);
}

void RawWsClient::send(const QJsonObject &message)
{
    sendText(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

void RawWsClient::sendClose(quint16 code)
{
    char bytes[2];
    qToBigEndian(code, bytes);
    sendFrame(Close, QByteArray(bytes, 2));
}

bool RawWsClient::waitForPings(int count, int timeoutMs)
{
    return waitUntil([&] { return m_pings >= count; }, timeoutMs);
}

void RawWsClient::pauseReading()
{
    m_paused = true;
    // Qt would otherwise keep draining the kernel into its own unbounded buffer.
    m_socket.setReadBufferSize(1);
}

void RawWsClient::resumeReading()
{
    m_paused = false;
    m_socket.setReadBufferSize(0);
    onReadyRead();
}

std::optional<RawWsClient::Frame> RawWsClient::nextDataFrame(int timeoutMs)
{
    for (QDeadlineTimer deadline(timeoutMs); m_frames.isEmpty() && !deadline.hasExpired();) {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            break;
        QTest::qWait(1);
    }
    if (m_frames.isEmpty())
        return std::nullopt;
    return m_frames.takeFirst();
}

bool RawWsClient::waitForCloseFrame(int timeoutMs)
{
    for (QDeadlineTimer deadline(timeoutMs); !closeFrameReceived() && !deadline.hasExpired();) {
        m_frames.clear();
        if (m_socket.state() == QAbstractSocket::UnconnectedState && !m_socket.bytesAvailable())
            break;
        QTest::qWait(1);
    }
    m_frames.clear();
    return closeFrameReceived();
}

bool RawWsClient::waitDisconnected(int timeoutMs)
{
    return waitUntil(
        [this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
}

void RawWsClient::onReadyRead()
{
    if (m_paused)
        return;
    m_buffer.append(m_socket.readAll());
    if (!m_headDone) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_head = m_buffer.first(end + 4);
        m_buffer.remove(0, end + 4);
        m_headDone = true;
    }
    if (m_upgraded)
        parseFrames();
}

void RawWsClient::parseFrames()
{
    for (;;) {
        if (m_buffer.size() < 2)
            return;
        const auto b0 = uchar(m_buffer[0]);
        const auto b1 = uchar(m_buffer[1]);
        const bool masked = b1 & 0x80;
        qsizetype header = 2;
        quint64 length = b1 & 0x7F;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return;
            length = qFromBigEndian<quint16>(m_buffer.constData() + 2);
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return;
            length = qFromBigEndian<quint64>(m_buffer.constData() + 2);
            header = 10;
        }
        const qsizetype maskAt = header;
        if (masked)
            header += 4;
        if (quint64(m_buffer.size() - header) < length)
            return;
        Frame frame;
        frame.fin = b0 & 0x80;
        frame.opcode = b0 & 0x0F;
        frame.payload = m_buffer.mid(header, qsizetype(length));
        if (masked) {
            for (qsizetype i = 0; i < frame.payload.size(); ++i)
                frame.payload[i] = char(frame.payload[i] ^ m_buffer[maskAt + i % 4]);
        }
        m_buffer.remove(0, header + qsizetype(length));

        switch (frame.opcode) {
        case Ping:
            ++m_pings;
            if (m_answerPings && m_closeCode < 0)
                sendFrame(Pong, frame.payload);
            break;
        case Pong:
            break;
        case Close:
            m_closeHead = quint8(b0);
            m_closeCode = frame.payload.size() >= 2
                ? qFromBigEndian<quint16>(frame.payload.constData())
                : 1005;
            m_closeReason = frame.payload.mid(2);
            break;
        default:
            ++m_dataSeen;
            m_frames.append(std::move(frame));
            break;
        }
    }
}

QByteArray upgradeRequest(const QByteArray &path, const QByteArray &authorization,
    const QByteArray &method, const QByteArray &version)
{
    QByteArray r = method + ' ' + path + ' ' + version
        + "\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!authorization.isNull())
        r += "Authorization: " + authorization + "\r\n";
    return r + "\r\n";
}

int HttpAnswer::status() const
{
    const QList<QByteArray> parts = statusLine().split(' ');
    return parts.size() >= 2 && parts[0] == "HTTP/1.1" ? parts[1].toInt() : -1;
}

HttpAnswer httpExchange(quint16 port, const QByteArray &request)
{
    HttpAnswer answer;
    RawWsClient raw;
    if (!raw.connectTo(port))
        return answer;
    raw.writeRaw(request);
    raw.readResponseStatus();
    answer.head = raw.responseHead();
    answer.closedByServer = raw.waitDisconnected();
    return answer;
}

} // namespace pairmatch::test
