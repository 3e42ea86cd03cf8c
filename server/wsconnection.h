// One player connection on our own RFC 6455 transport, from accept to close: it reads the
// HTTP request head for its listener, writes the 101 (or the refusal), then frames the
// WebSocket with WsFrameParser and the codec's frames. Over the raw descriptor for ws://
// (watched by the EpollDispatcher when the thread runs on it, by socket notifiers on Qt's
// dispatcher), or over a QSslSocket used as a byte stream for wss://.
//
// Per connection it keeps the descriptor, the parser (a null pointer while no frame is cut
// short) and an output backlog that exists only while the kernel would not take
// everything; reads go to one buffer shared by every connection of the thread, and a whole
// text frame is handed to the core as a view of it, unmasked in place.
//
// Every close the server starts lingers: the close frame is flushed, the sending side shut
// (FIN), and what the peer still sends is read and thrown away until its FIN, so the
// connection ends without a reset; the core's close grace cuts a peer that never finishes
// (abort), and a byte cap one that never stops sending. The peer's close frame is answered
// with its own code, then the same. Over TLS there is no half-close: after the close frame
// it waits for the peer's close frame (or end) and then closes the TLS session.
#pragma once

#include "clock.h"
#include "epolldispatcher.h"
#include "transport.h"
#include "wsframeparser.h"

#include <memory>

QT_BEGIN_NAMESPACE
class QObject;
class QSslSocket;
QT_END_NAMESPACE

namespace pairmatch {

class WsConnection final : public Transport, private EpollDispatcher::FdHandler
{
public:
    // What every connection of a listener shares (all on the listener's thread).
    struct Context {
        WsFrameParser::Limits limits;
        const Clock *clock = nullptr;
        EpollDispatcher *epoll = nullptr; // the thread's dispatcher, if it is ours
        // the one buffer reads go to (allocated at the first read)
        mutable std::unique_ptr<char[]> readBuffer;
        mutable bool readBufferBusy = false;
    };

    // The listener that accepted it, until the WebSocket opens.
    class Listener
    {
    public:
        // The request head has come (through its empty line): answer it with upgrade() or
        // refuse(), from in here.
        virtual void requestReceived(WsConnection &connection, QByteArrayView head) = 0;
        // No empty line within the first kMaxRequestHead bytes.
        virtual void requestTooLarge(WsConnection &connection) = 0;
        // It ended before a WebSocket opened (refused, gone): release it.
        virtual void endedBeforeOpen(WsConnection &connection) = 0;

    protected:
        ~Listener() = default;
    };

    static constexpr qsizetype kMaxRequestHead = 16 * 1024;
    // Bytes read and thrown away after the server's close frame before it cuts the peer.
    static constexpr qint64 kMaxDiscardedBytes = 256 * 1024;

    // Plain TCP on an accepted descriptor, which it owns from now on.
    WsConnection(std::shared_ptr<const Context> context, int fd, Listener *listener);
    // TLS: the bytes of this socket (owned from now on, server encryption started).
    WsConnection(std::shared_ptr<const Context> context, QSslSocket *ssl, Listener *listener);

    // Answers the request: writes the 101 response; the WebSocket is open. The listener
    // hands it on (attach), or aborts and releases it.
    void upgrade(const QByteArray &response);
    // Refuses the request with this HTTP answer, then closes without a reset.
    void refuse(const QByteArray &answer);
    bool isAttached() const { return m_events != nullptr; }
    bool isSecure() const { return m_ssl != nullptr; }

    // Transport
    void attach(TransportEvents *events, Session *session) override;
    QHostAddress peerAddress() const override;
    quint16 peerPort() const override;
    qint64 write(std::span<const QByteArray> frames) override;
    void close(quint16 code, QLatin1StringView reason) override;
    void ping() override;
    void abort() override;
    bool isFinished() const override { return m_state == State::Finished; }
    quint16 finalCloseCode() const override { return m_finalCode; }
    void release() override;

private:
    enum class State : quint8 {
        Request, // reading the HTTP request head
        Open, // WebSocket frames both ways
        Closing, // our close frame (or the refusal) is queued, not all written yet
        Lingering, // written; our side shut: reading and discarding until the peer's end
        Finished, // the descriptor is closed
    };
    struct Backlog;
    struct Notifiers;

    ~WsConnection() override;

    // event entry points: each holds the connection alive until it returns (enter/leave)
    void fdEvents(quint32 events) override;
    void enter() { ++m_inHandler; }
    void leave();

    void readSocket();
    void readSsl();
    void received(char *data, qsizetype size);
    void requestBytes(char *data, qsizetype size);
    void frames(char *data, qsizetype size);
    void framesWhileClosing(char *data, qsizetype size);
    void discard(qsizetype size);
    void peerClosed(quint16 code, QByteArrayView reason);
    void failConnection(CloseCause cause, const char *detail);
    void peerEnded();

    void send(std::span<const QByteArray> frames);
    void flushBacklog();
    void sendClose(const QByteArray &frame);
    void written();
    void linger();
    void finish();
    qint64 unsent() const;
    void watch();
    void startSsl();

    std::shared_ptr<const Context> m_context;
    Listener *m_listener;
    TransportEvents *m_events = nullptr;
    Session *m_session = nullptr;
    QSslSocket *m_ssl = nullptr;
    std::unique_ptr<Notifiers> m_notifiers; // raw descriptor on Qt's dispatcher
    WsFrameParser m_parser;
    std::unique_ptr<QByteArray> m_head; // a request head cut short by the end of a read
    std::unique_ptr<Backlog> m_backlog; // what the kernel did not take yet
    qint64 m_discarded = 0;
    int m_fd = -1;
    State m_state = State::Request;
    quint16 m_finalCode;
    quint8 m_inHandler = 0;
    quint8 m_watched = 0; // epoll events asked for
    bool m_released = false;
    bool m_reported = false; // the end was told to the listener or the core
    bool m_peerEnded = false; // its FIN (or its TLS session's end) was read
    bool m_peerCloseFrame = false; // its close frame was read
};

} // namespace pairmatch
