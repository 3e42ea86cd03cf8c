// One player connection: its transport, its endpoint, its limits and counters. Not a
// QObject: the transport reports to ServerCore (TransportEvents), naming the session.
// Frames are built once by the codec and queued here; the core flushes every session that
// has some once per event-loop pass, so all a pass produced for a socket leaves in one
// system call.
#pragma once

#include "effects.h"
#include "ratelimiter.h"
#include "route.h"

#include <QHostAddress>

#include <vector>

namespace pairmatch {

class Transport;

class Session final
{
public:
    // Takes the transport over (released with the session).
    Session(ConnId id, Transport *transport, Route route, Millis now, RateLimiter::Bucket bucket);
    ~Session();
    Q_DISABLE_COPY_MOVE(Session)

    ConnId id() const { return m_id; }
    Endpoint endpoint() const { return m_route.endpoint; }
    const Route &route() const { return m_route; }
    Transport &transport() const { return *m_transport; }

    // Queues a complete text frame (shared, not copied). True when it is the first since the
    // last flush: the caller then lists the session for the next flush.
    bool queue(const QByteArray &frame);
    // Hands what is queued to the transport. Returns the bytes it still holds unsent.
    qint64 flush();
    // Flushes, then closes with this code (the close frame goes after what was queued).
    void close(quint16 code, QLatin1StringView reason);
    void ping();
    // Drops the connection at once.
    void abort();
    // The transport has ended the connection (read after a command: see transport.h).
    bool isFinished() const;

    bool isClosing() const { return m_closeCode != 0; }
    quint16 closeCode() const { return m_closeCode; }
    bool closedByServer() const { return m_closedByServer; }
    // The transport began closing by itself, with this code: the peer's close frame, or
    // (byServer) a protocol error it failed the connection for.
    void noteClosing(quint16 code, bool byServer);
    // Once finished: the code the connection closed with (1006: no closing handshake).
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
    Transport *m_transport;
    Route m_route;
    std::vector<QByteArray> m_queued; // frames since the last flush
    quint16 m_closeCode = 0;
    bool m_closedByServer = false;
};

} // namespace pairmatch
