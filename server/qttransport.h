// The reference transport for players (PAIRMATCH_TRANSPORT=qt): Qt WebSockets' QWebSocket,
// as accepted by QWebSocketServer. It keeps Qt's known deviations from RFC 6455, listed in
// docs/protocol.md (a UTF-8 character split between fragments is refused with 1007,
// unmasked client frames are accepted, a failed connection is closed at once and may be
// reset). Frames are written as on our own transport: straight to the descriptor in one
// sendmsg() while Qt holds nothing unsent, else through Qt's buffer.
#pragma once

#include "transport.h"

#include <QPointer>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace pairmatch {

class QtTransport final : public Transport
{
public:
    // Takes both over (the TCP socket is a child of the WebSocket).
    QtTransport(QWebSocket *webSocket, QTcpSocket *tcpSocket, qint64 maxMessageBytes);

    void attach(TransportEvents *events, Session *session) override;
    QHostAddress peerAddress() const override;
    quint16 peerPort() const override;
    qint64 write(std::span<const QByteArray> frames) override;
    void close(quint16 code, QLatin1StringView reason) override;
    void ping() override;
    void abort() override;
    bool isFinished() const override { return m_finished; }
    quint16 finalCloseCode() const override;
    void release() override;

private:
    ~QtTransport() override;
    void onDisconnected();

    // Qt may report the end from inside a command (close, abort): see transport.h.
    class Command;

    QWebSocket *m_webSocket;
    QPointer<QTcpSocket> m_tcpSocket;
    TransportEvents *m_events = nullptr;
    Session *m_session = nullptr;
    int m_inCommand = 0;
    bool m_direct; // plain TCP: write() may go to the descriptor
    bool m_closing = false;
    bool m_finished = false;
};

} // namespace pairmatch
