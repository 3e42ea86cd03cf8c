// Server-to-client WebSocket frames (RFC 6455 section 5.2: FIN, unmasked): text frames,
// built once per message so the same bytes can be written to any number of sockets, and the
// control frames a server sends (close, ping, pong).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstring>

namespace pairmatch {

// Frame opcodes (RFC 6455 section 5.2); the others are reserved.
namespace WsOpcode {
inline constexpr quint8 Continuation = 0x0;
inline constexpr quint8 Text = 0x1;
inline constexpr quint8 Binary = 0x2;
inline constexpr quint8 Close = 0x8;
inline constexpr quint8 Ping = 0x9;
inline constexpr quint8 Pong = 0xA;
} // namespace WsOpcode

// A control frame's payload is at most this long (section 5.5); a close reason 2 less.
inline constexpr qsizetype kMaxControlPayload = 125;

// Size of the header of an unmasked frame with this payload size (2, 4 or 10).
constexpr qsizetype textFrameHeaderSize(qsizetype payloadSize)
{
    return payloadSize <= 125 ? 2 : payloadSize <= 0xFFFF ? 4 : 10;
}

// Writes one frame of a known payload size into a single allocation: the header first,
// then the payload appended piece by piece. take() checks the promised size was kept.
class FrameBuilder final
{
public:
    explicit FrameBuilder(qsizetype payloadSize);

    // Inline: a frame is built from a handful of pieces on the per-move path, and a call
    // into the library for each cost more than the copy (callgrind, issue 11).
    FrameBuilder &append(QByteArrayView bytes)
    {
        Q_ASSERT(m_end - m_pos >= bytes.size());
        if (!bytes.isEmpty())
            std::memcpy(m_pos, bytes.data(), size_t(bytes.size()));
        m_pos += bytes.size();
        return *this;
    }
    FrameBuilder &append(char c)
    {
        Q_ASSERT(m_pos < m_end);
        *m_pos++ = c;
        return *this;
    }
    // Room for n bytes at the write position, to be filled by the caller.
    char *grow(qsizetype n)
    {
        Q_ASSERT(m_end - m_pos >= n);
        char *at = m_pos;
        m_pos += n;
        return at;
    }
    QByteArray take();

private:
    QByteArray m_frame;
    char *m_pos = nullptr;
    char *m_end = nullptr;
};

// A whole frame holding this payload.
QByteArray makeTextFrame(QByteArrayView payload);

// The payload of a frame made by FrameBuilder or makeTextFrame (for tests and tools).
QByteArrayView textFramePayload(QByteArrayView frame);

// A close frame with this code and reason; a reason too long for a control frame is cut on
// a character boundary.
QByteArray makeCloseFrame(quint16 code, QByteArrayView reason);
// A close frame without a code: the answer to a peer's close frame that had none.
QByteArray makeEmptyCloseFrame();
// Ping and pong, with a payload of at most kMaxControlPayload bytes (longer is cut).
QByteArray makePingFrame(QByteArrayView payload);
QByteArray makePongFrame(QByteArrayView payload);

} // namespace pairmatch
