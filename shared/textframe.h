// Server-to-client WebSocket text frames (RFC 6455 section 5.2: FIN, opcode 1, unmasked),
// built once per message so the same bytes can be written to any number of sockets.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pairmatch {

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

    FrameBuilder &append(QByteArrayView bytes);
    FrameBuilder &append(char c);
    // Room for n bytes at the write position, to be filled by the caller.
    char *grow(qsizetype n);
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

} // namespace pairmatch
