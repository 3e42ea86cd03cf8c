// The server's side of RFC 6455 framing (pure, incremental): what a client sends is read
// frame by frame from the bytes as they arrive, cut anywhere, and every rule a server must
// enforce is checked, with the close code the connection fails with:
//  - 1002: an unmasked frame (section 5.1), RSV bits without an extension, a reserved
//    opcode, a control frame that is fragmented or over 125 bytes, a continuation frame with
//    no message begun or a new message inside a fragmented one, a 64-bit length with its top
//    bit set, a close frame of 1 byte or with a code not allowed on the wire (closecodes.h);
//  - 1007: a text message that is not UTF-8, found at its first bad byte even across
//    fragments (a character may be split between fragments); a close reason not UTF-8;
//  - 1009: a frame or a whole message over the limits, known from the header before any of
//    its payload is kept.
//
// Zero copies on the usual path: a whole unfragmented text frame in the input is unmasked in
// place and handed out as a view of the input. Only a frame cut by the end of the input or a
// fragmented message is kept, in a state that exists only while there is one: an idle
// connection's parser is one null pointer. A binary message is only counted, never kept
// (the protocol answers it with an error whatever it holds).
#pragma once

#include "closecodes.h"

#include <QByteArrayView>

#include <memory>

namespace pairmatch {

class WsFrameParser final
{
public:
    struct Limits {
        qint64 maxFrameBytes = 64 * 1024; // one data frame's payload
        qint64 maxMessageBytes = 64 * 1024; // a message, its fragments together
    };

    // The bytes to parse. Masked payloads are unmasked where they are; next() advances it
    // past what it consumed.
    struct Input {
        char *data = nullptr;
        qsizetype size = 0;
    };

    enum class Kind : quint8 {
        NeedMore, // the input is consumed (kept where a frame is unfinished): feed more
        Text, // a whole text message, valid UTF-8
        Binary, // a whole binary message (its size only)
        Ping,
        Pong,
        Close, // the peer's close frame, well formed; the parser is finished
        Fail, // the connection fails with cause's code; the parser is finished
    };

    struct Event {
        Kind kind = Kind::NeedMore;
        // Text: the message. Ping, Pong: the payload. Close: the reason (UTF-8). A view of
        // the input or of the parser's own buffer: valid until the next call to next().
        QByteArrayView payload;
        quint16 closeCode = 0; // Close: the peer's code; CloseCode::NoStatus when none
        CloseCause cause = CloseCause::ProtocolError; // Fail: ProtocolError, InvalidUtf8, TooBig
        const char *detail = ""; // Fail: what was wrong, for logs and tests
        qint64 messageBytes = 0; // Binary: the message's size
    };

    WsFrameParser();
    ~WsFrameParser();
    Q_DISABLE_COPY_MOVE(WsFrameParser)

    // The next event in the input (or NeedMore once it is all consumed). Not to be called
    // again once it returned Close or Fail.
    Event next(Input &input, const Limits &limits);

    bool isFinished() const { return m_finished; }
    // Whether it keeps anything (a frame begun, a fragmented message): false when idle.
    bool holdsState() const { return m_partial != nullptr; }
    // The heap it holds for this connection, in bytes (0 when idle).
    qsizetype heldBytes() const;

private:
    struct Partial;
    struct Header;

    Event fail(CloseCause cause, const char *detail);
    Event control(quint8 opcode, QByteArrayView payload);
    bool takeHeader(Input &input, Header &header);
    Partial &partial();
    void releaseIfIdle();

    std::unique_ptr<Partial> m_partial;
    bool m_finished = false;
};

} // namespace pairmatch
