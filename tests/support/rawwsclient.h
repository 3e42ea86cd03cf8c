// A WebSocket client written by hand over a plain QTcpSocket, for what QWebSocket will not do:
// send any HTTP request and read the exact status line, complete a handshake and then stay
// silent (a dead peer that never answers pings), or stop reading altogether (a slow reader).
// Waits are bounded and spin the event loop, never sleep.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpSocket>

#include <optional>

namespace pairmatch::test {

class RawWsClient final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kTimeoutMs = 5000;

    enum Opcode : quint8 {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xA,
    };

    struct Frame {
        quint8 opcode = 0;
        bool fin = true;
        QByteArray payload;
    };

    explicit RawWsClient(QObject *parent = nullptr);
    ~RawWsClient() override;
    Q_DISABLE_COPY_MOVE(RawWsClient)

    // TCP only; true once connected to 127.0.0.1:port.
    bool connectTo(quint16 port, int timeoutMs = kTimeoutMs);
    // Writes bytes as they are (an HTTP request, part of one, a hand-made frame...).
    void writeRaw(const QByteArray &bytes);

    // Waits for the response head (through the empty line) and returns its status code;
    // -1 when none came within timeoutMs (or the connection ended without one).
    int readResponseStatus(int timeoutMs = kTimeoutMs);
    // The response head read by readResponseStatus(), e.g. "HTTP/1.1 404 Not Found\r\n...".
    QByteArray responseHead() const { return m_head; }
    QByteArray statusLine() const { return m_head.left(m_head.indexOf("\r\n")); }

    // connectTo + upgrade request + 101 with the right Sec-WebSocket-Accept.
    bool open(quint16 port, const QByteArray &path, int timeoutMs = kTimeoutMs);

    // Frames to the server (masked, as a client must).
    void sendFrame(quint8 opcode, const QByteArray &payload, bool fin = true);
    void sendText(const QByteArray &utf8) { sendFrame(Text, utf8); }
    // A text frame of the message as compact JSON.
    void send(const QJsonObject &message);
    void sendClose(quint16 code);

    // Off (the default): pings are counted and never answered, as by a peer whose cable was
    // pulled. On: each ping is answered with a pong carrying its payload.
    void setAnswerPings(bool answer) { m_answerPings = answer; }
    int pingsReceived() const { return m_pings; }
    bool waitForPings(int count, int timeoutMs = kTimeoutMs);

    // Stops taking bytes from the kernel: the server's sends pile up in its own buffers.
    void pauseReading();
    void resumeReading();

    // The next data frame (text, binary or continuation) not yet taken; nothing on timeout.
    std::optional<Frame> nextDataFrame(int timeoutMs = kTimeoutMs);
    // Takes data frames until the server's close frame has come (true) or timeoutMs passed.
    bool waitForCloseFrame(int timeoutMs = kTimeoutMs);
    bool closeFrameReceived() const { return m_closeCode >= 0; }
    int closeCode() const { return m_closeCode; }
    // The first byte of the close frame: FIN, RSV bits, opcode (0x88 when well formed).
    quint8 closeFrameHead() const { return m_closeHead; }
    QByteArray closeReason() const { return m_closeReason; }
    // All data frames taken or skipped so far, in order (skipped by waitForCloseFrame too).
    qsizetype dataFramesSeen() const { return m_dataSeen; }

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool waitDisconnected(int timeoutMs = kTimeoutMs);
    // Bytes that came after the response head or the last frame and do not form a frame yet.
    qsizetype unparsedBytes() const { return m_buffer.size(); }
    QTcpSocket &socket() { return m_socket; }

private:
    // The upgrade request open() sends: its own key, which the 101 must answer.
    QByteArray handshakeRequest(const QByteArray &path) const;
    void onReadyRead();
    void parseFrames();

    QTcpSocket m_socket;
    QByteArray m_key;
    QByteArray m_buffer;
    QByteArray m_head;
    bool m_headDone = false;
    bool m_upgraded = false;
    bool m_paused = false;
    bool m_answerPings = false;
    int m_pings = 0;
    int m_closeCode = -1;
    quint8 m_closeHead = 0;
    QByteArray m_closeReason;
    QList<Frame> m_frames; // data frames not taken yet
    qsizetype m_dataSeen = 0;
};

// A WebSocket upgrade request as a browser would send it, with a fixed key, for requests
// written by hand: `authorization`, unless null, goes in an Authorization header (an empty
// one too).
QByteArray upgradeRequest(const QByteArray &path, const QByteArray &authorization = {},
    const QByteArray &method = "GET", const QByteArray &version = "HTTP/1.1");

// One HTTP exchange over raw TCP: the response head as the server sent it.
struct HttpAnswer {
    QByteArray head; // through the empty line; empty when none came
    bool closedByServer = false; // the server ended the connection afterwards
    QByteArray statusLine() const { return head.left(head.indexOf("\r\n")); }
    // The status of an "HTTP/1.1 NNN ..." status line; -1 for anything else.
    int status() const;
};

// Sends `request` to 127.0.0.1:port, reads the response head, then waits for the server to
// end the connection.
HttpAnswer httpExchange(quint16 port, const QByteArray &request);

} // namespace pairmatch::test
