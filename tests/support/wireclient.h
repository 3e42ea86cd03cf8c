// A WebSocket client on a bare socket descriptor, for what the server puts on the wire down
// to the TCP end: it writes exactly the bytes it is given (any frame, masked or not, cut
// anywhere), reads every frame the server sends, and tells how the connection ended: the
// server's FIN, or a reset. QTcpSocket cannot tell them apart (it reads ECONNRESET as an
// orderly end), and a library client can hide a lost close frame. Waits are bounded and
// spin the event loop (the server runs on it, in the same thread), never sleep.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>

#include <optional>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace pairmatch::test {

class WireClient final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kTimeoutMs = 5000;

    // How the server ended the TCP connection, as read so far.
    enum class End { Open, Fin, Reset };

    struct Frame {
        quint8 opcode = 0;
        bool fin = true;
        bool masked = false; // a server must never mask
        QByteArray payload;
        // "text:...", "binary:N", "ping:...", "pong:...", "close:1000" ("close:none" without a
        // code), "continuation:..." — as the conformance table writes answers.
        QByteArray describe() const;
    };

    explicit WireClient(QObject *parent = nullptr);
    ~WireClient() override;
    Q_DISABLE_COPY_MOVE(WireClient)

    // TCP to 127.0.0.1:port, then the upgrade request (and `behind` in the same write: frames
    // sent before the answer), then the 101 (with the right accept).
    bool open(quint16 port, const QByteArray &path, int timeoutMs = kTimeoutMs,
        const QByteArray &behind = {});
    bool connectTo(quint16 port, int timeoutMs = kTimeoutMs);
    // Writes all of it (waiting while the kernel's buffer is full).
    bool write(QByteArrayView bytes, int timeoutMs = kTimeoutMs);
    // A masked frame as a client sends it (the shortest length form unless given: 16 or 64;
    // topBit sets the most significant bit of a 64-bit length, which RFC 6455 forbids).
    static QByteArray clientFrame(quint8 opcode, QByteArrayView payload, bool fin = true,
        bool masked = true, quint8 rsv = 0, int lengthForm = 0, bool topBit = false);
    void sendFrame(quint8 opcode, QByteArrayView payload, bool fin = true)
    {
        write(clientFrame(opcode, payload, fin));
    }
    void sendClose(quint16 code);

    // The next frame the server sent; nothing when none came in time (or the TCP ended).
    std::optional<Frame> next(int timeoutMs = kTimeoutMs);
    // Frames come in but are not taken: counts them until close.
    qsizetype framesPending() const { return m_frames.size(); }
    // Waits for the end of the TCP connection (the server's FIN or a reset).
    End waitForEnd(int timeoutMs = kTimeoutMs);
    End end() const { return m_end; }
    // Reads once more, whatever came last: a reset that followed the FIN shows here.
    End recheckEnd();
    // Stops reading: bytes pile up in the kernel's buffers from here on.
    void pauseReading();
    void resumeReading();
    // Our side is done (FIN), reading goes on.
    void shutdownWrite();
    // The socket's pending error (SO_ERROR): ECONNRESET after a reset not read yet.
    int socketError() const;
    QByteArray responseHead() const { return m_head; }
    int descriptor() const { return m_fd; }
    // As the server names the connection's peer: 127.0.0.1:<this client's port>.
    QString remote() const;
    qint64 bytesRead() const { return m_bytesRead; }

private:
    void onReadable();
    void parse();

    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_key;
    QByteArray m_in;
    QByteArray m_head;
    bool m_headDone = false;
    bool m_upgraded = false;
    QList<Frame> m_frames;
    End m_end = End::Open;
    qint64 m_bytesRead = 0;
};

} // namespace pairmatch::test
