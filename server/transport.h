// How the core sees one player connection, whatever carries it: our own RFC 6455 transport
// (wsconnection.h, the default) or Qt WebSockets (qttransport.h, the reference path chosen
// with PAIRMATCH_TRANSPORT=qt). The core talks to this interface only.
//
// Two rules keep the core simple:
//  - Events (TransportEvents) come from the event loop, never from inside a command: a
//    command that ends the connection (a failed write, abort) says so through isFinished(),
//    which the core reads after it.
//  - The core destroys a transport with release(), which may wait for the transport's own
//    event handler to return.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QLatin1StringView>
#include <QString>

#include <span>

namespace pairmatch {

class Session;

// A close the transport began by itself.
struct TransportClose {
    quint16 code = 0;
    QString reason;
    // true: the transport failed the connection (a protocol error, 1002/1007/1009) and sent
    // this code; false: the peer sent its close frame with this code, which is echoed.
    bool byServer = false;
};

class TransportEvents
{
public:
    // A whole text message, valid UTF-8; the view lasts until the call returns.
    virtual void transportText(Session &session, QByteArrayView utf8) = 0;
    virtual void transportBinary(Session &session) = 0;
    // The answer to our ping; rttMs is -1 when it cannot be told.
    virtual void transportPong(Session &session, qint64 rttMs) = 0;
    // The transport began closing by itself (see TransportClose): no more messages come.
    // Anything the core still has to send goes before the transport's close frame.
    virtual void transportClosing(Session &session, const TransportClose &close) = 0;
    // The connection is over; nothing more comes from this transport.
    virtual void transportClosed(Session &session) = 0;

protected:
    ~TransportEvents() = default;
};

class Transport
{
public:
    Transport() = default;
    Q_DISABLE_COPY_MOVE(Transport)

    // From now on events go to `events`, about `session`.
    virtual void attach(TransportEvents *events, Session *session) = 0;

    virtual QHostAddress peerAddress() const = 0;
    virtual quint16 peerPort() const = 0;

    // Writes these complete frames, in order, after anything still unsent. Returns the bytes
    // still unsent afterwards (kept by the transport). Ignored once closing.
    virtual qint64 write(std::span<const QByteArray> frames) = 0;
    // Sends a close frame with this code after what is unsent, then ends the connection
    // without resetting it (our transport: a lingering close). No effect once closing.
    virtual void close(quint16 code, QLatin1StringView reason) = 0;
    virtual void ping() = 0;
    // Ends the connection now.
    virtual void abort() = 0;

    virtual bool isFinished() const = 0;
    // Once finished, the code of the close handshake as the peer took part in it: the
    // peer's code, or 1006 when the connection ended without one.
    virtual quint16 finalCloseCode() const = 0;

    // Destroys it (at once, or when its own event handler returns).
    virtual void release() = 0;

protected:
    virtual ~Transport() = default;
};

} // namespace pairmatch
