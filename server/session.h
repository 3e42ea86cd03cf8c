// One player connection: its socket, its endpoint, its limits and counters. Not a QObject:
// ServerCore wires the QWebSocket's signals to itself, with the socket as context.
// Frames are built once by the codec and written straight to the TCP socket under the
// QWebSocket (a server frame is a header and the payload; Qt's own send path would convert
// each message to UTF-8 again and allocate twice per recipient). They are queued, and the
// core flushes every session that has some once per event-loop pass: all a pass produced
// for a socket leaves in one system call, without a round trip through Qt's write buffer
// and write notifier. Reading, control frames, the closing handshake and limits stay with
// QWebSocket.
#pragma once

#include "effects.h"
#include "ratelimiter.h"
#include "route.h"

#include <QHostAddress>
#include <QPointer>

#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace pairmatch {

class Session final
{
public:
    Session(ConnId id, QWebSocket *webSocket, QTcpSocket *tcpSocket, Route route, Millis now,
        RateLimiter::Bucket bucket);
    ~Session();
    Q_DISABLE_COPY_MOVE(Session)

    ConnId id() const { return m_id; }
    Endpoint endpoint() const { return m_route.endpoint; }
    const Route &route() const { return m_route; }
    QWebSocket *webSocket() const { return m_webSocket; }

    // Queues a complete text frame (shared, not copied). True when it is the first since the
    // last flush: the caller then lists the session for the next flush.
    bool queue(const QByteArray &frame);
    // Writes what is queued: in one sendmsg() straight to the socket when Qt holds nothing
    // unsent for it (plain TCP), else through Qt's buffer. Returns the bytes still unsent.
    qint64 flush();
    // Flushes, then sends a close frame with this code; the connection closes once it is out.
    void close(quint16 code, QLatin1StringView reason);
    void ping();
    // Drops the TCP connection at once.
    void abort();

    bool isClosing() const { return m_closeCode != 0; }
    quint16 closeCode() const { return m_closeCode; }
    QString closeReason() const;
    bool closedByServer() const { return m_closedByServer; }
    // Once disconnected without our close: whether Qt closed it on its own (frame too large,
    // bad UTF-8, protocol error); if so it now counts as closed by the server.
    void noteCloseStarted();
    // Once disconnected: the code the connection closed with (1006: no closing handshake).
    quint16 finalCloseCode() const;

    // State the machines do not keep, for logs and the dashboard.
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    Millis connectedAt = 0;
    QByteArray userId; // as last named in entry/prepared
    quint64 messagesIn = 0;
    quint64 messagesOut = 0;
    qint64 lastRttMs = -1;
    RateLimiter::Bucket bucket;
    bool gone = false; // the machines have forgotten it

private:
    ConnId m_id;
    QWebSocket *m_webSocket;
    QPointer<QTcpSocket> m_tcpSocket; // a child of m_webSocket
    Route m_route;
    std::vector<QByteArray> m_queued; // frames since the last flush
    bool m_direct; // plain TCP: flush() may write to the descriptor
    quint16 m_closeCode = 0;
    bool m_closedByServer = false;
};

} // namespace pairmatch
