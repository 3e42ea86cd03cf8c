// A small RFC 6455 client over QTcpSocket or QSslSocket, made for load: it can bind a source
// address before connecting (QWebSocket cannot), sets TCP_NODELAY, masks its frames, reads
// the server's frames in place (fragments, ping, pong, close), answers pings, and finishes
// the close handshake. It reports to one Listener through plain virtual calls, no signals,
// so a move costs one call. A client deletes itself (deleteLater) once its connection is
// over; the Listener's failed() is the last call it makes, and close() detaches it at once.
#pragma once

#include <QBasicTimer>
#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <QString>

class QTcpSocket;

namespace pairmatch {

// Where every client connects: resolved once.
struct WsTarget {
    QHostAddress address; // connect here
    quint16 port = 0;
    QByteArray hostHeader; // Host: as in the URL
    bool tls = false;
    QString tlsPeerName; // the URL host: SNI and certificate name
    QSslConfiguration ssl; // when tls
};

// Totals over all clients.
struct WsCounters {
    quint64 opened = 0; // WebSocket handshakes completed
    quint64 pingsAnswered = 0;
    quint64 closeTimeouts = 0; // close handshakes the server left unfinished (cut after 3 s)
};

class WsClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WsClient)

public:
    enum class Failure : quint8 {
        Connect, // TCP connect (or bind) failed
        Tls, // TLS handshake failed (certificate, protocol)
        Handshake, // HTTP upgrade refused or malformed
        Timeout, // not open within the open timeout
        Protocol, // the server broke RFC 6455 (masked frame, bad opcode, ...)
        ClosedByServer, // a close frame from the server
        Lost, // the TCP connection ended without a close frame
    };

    class Listener
    {
    public:
        virtual void opened(WsClient *client) = 0;
        // A whole message (fragments joined); binary is true for a binary one. The view is
        // valid during the call only.
        virtual void messageReceived(WsClient *client, QByteArrayView message, bool binary) = 0;
        // The connection is over (any Failure); the client is deleted later.
        virtual void failed(WsClient *client, WsClient::Failure failure, const QString &detail) = 0;

    protected:
        ~Listener() = default;
    };

    WsClient(const WsTarget &target, WsCounters &counters, QObject *parent = nullptr);
    ~WsClient() override;

    // Connects to path (e.g. /ws/matching/3), from source unless it is null, and opens the
    // WebSocket within openTimeoutMs. Returns false (and errorText) when the socket cannot
    // even be created or bound; the client then deletes itself later and calls nobody.
    bool open(QByteArrayView path, const QHostAddress &source, Listener *listener,
        int openTimeoutMs, QString *errorText);

    // One text frame, masked. Frames are gathered and written once per socket: at the end
    // of the socket's own read handling, else when the event loop is about to wait, or at
    // once with flush().
    void sendText(QByteArrayView payload);
    void flush();

    // Starts the close handshake with this code and stops reporting: the listener is
    // detached at once. The socket closes when the server answers, at most 3 s later.
    void close(quint16 code = 1000);
    // Stops reporting; the connection goes on until close() or the server ends it.
    void detach() { m_listener = nullptr; }

    bool isOpen() const { return m_stage == Stage::Open; }
    static QString failureName(Failure failure);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class Stage : quint8 { Connecting, Upgrading, Open, Closing, Done };

    void onConnected();
    void onEncrypted();
    void onReadyRead();
    void readAvailable();
    void onDisconnected();
    void onSocketError();
    void sendUpgradeRequest();
    bool readUpgradeResponse(); // false: not yet, or failed (the client is done)
    void consume(const char *data, qsizetype size);
    qsizetype parseFrames(const char *data, qsizetype size); // bytes used
    qsizetype protocolError(const QString &detail);
    void sendFrame(quint8 opcode, QByteArrayView payload);
    void markDirty();
    void unmarkDirty();
    void writeOut();
    static void flushAll();
    void fail(Failure failure, const QString &detail);
    void finish(); // quietly: the socket goes, the client is deleted later

    const WsTarget &m_target;
    WsCounters &m_counters;
    QTcpSocket *m_socket = nullptr;
    Listener *m_listener = nullptr;
    QBasicTimer m_timer; // open timeout, then close linger
    QByteArray m_path;
    QByteArray m_expectedAccept;
    QByteArray m_in; // the upgrade response, or a partial frame, so far
    QByteArray m_out; // frames not written yet
    bool m_dirty = false; // listed for the next flushAll(), at m_dirtyIndex
    std::size_t m_dirtyIndex = 0;
    QByteArray m_fragments; // a fragmented message so far
    bool m_inFragmented = false;
    bool m_fragmentedBinary = false;
    Stage m_stage = Stage::Connecting;
    QString m_sslErrors;
};

} // namespace pairmatch
