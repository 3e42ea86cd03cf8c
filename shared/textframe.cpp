#include "textframe.h"

#include <QtEndian>

#include <cstring>

namespace pairmatch {

FrameBuilder::FrameBuilder(qsizetype payloadSize)
{
    const qsizetype headerSize = textFrameHeaderSize(payloadSize);
    m_frame
        = QByteArray(headerSize + payloadSize, Qt::Uninitialized); // exactly: resize() rounds up
    auto *p = reinterpret_cast<uchar *>(m_frame.data());
    p[0] = 0x81; // FIN + text
    if (headerSize == 2) {
        p[1] = uchar(payloadSize);
    } else if (headerSize == 4) {
        p[1] = 126;
        qToBigEndian(quint16(payloadSize), p + 2);
    } else {
        p[1] = 127;
        qToBigEndian(quint64(payloadSize), p + 2);
    }
    m_pos = m_frame.data() + headerSize;
    m_end = m_frame.data() + m_frame.size();
}

QByteArray FrameBuilder::take()
{
    Q_ASSERT(m_pos == m_end);
    m_pos = m_end = nullptr;
    return std::move(m_frame);
}

QByteArray makeTextFrame(QByteArrayView payload)
{
    return FrameBuilder(payload.size()).append(payload).take();
}

QByteArrayView textFramePayload(QByteArrayView frame)
{
    if (frame.size() < 2)
        return {};
    const auto len7 = uchar(frame[1]) & 0x7F;
    const qsizetype header = len7 <= 125 ? 2 : len7 == 126 ? 4 : 10;
    return frame.size() >= header ? frame.sliced(header) : QByteArrayView();
}

namespace {

QByteArray controlFrame(quint8 opcode, QByteArrayView head, QByteArrayView payload)
{
    const qsizetype size = head.size() + payload.size();
    Q_ASSERT(size <= kMaxControlPayload);
    QByteArray frame(2 + size, Qt::Uninitialized);
    frame[0] = char(0x80 | opcode);
    frame[1] = char(size);
    if (!head.isEmpty())
        std::memcpy(frame.data() + 2, head.data(), size_t(head.size()));
    if (!payload.isEmpty())
        std::memcpy(frame.data() + 2 + head.size(), payload.data(), size_t(payload.size()));
    return frame;
}

// The first n bytes of text, or fewer so as not to end inside a UTF-8 sequence.
QByteArrayView cutUtf8(QByteArrayView text, qsizetype n)
{
    if (text.size() <= n)
        return text;
    while (n > 0 && (uchar(text[n]) & 0xC0) == 0x80)
        --n; // text[n] continues a sequence that began before the cut
    return text.first(n);
}

} // namespace

QByteArray makeCloseFrame(quint16 code, QByteArrayView reason)
{
    uchar be[2];
    qToBigEndian(code, be);
    return controlFrame(
        WsOpcode::Close, QByteArrayView(be, 2), cutUtf8(reason, kMaxControlPayload - 2));
}

QByteArray makeEmptyCloseFrame()
{
    return controlFrame(WsOpcode::Close, {}, {});
}

QByteArray makePingFrame(QByteArrayView payload)
{
    return controlFrame(
        WsOpcode::Ping, {}, payload.first(qMin(payload.size(), kMaxControlPayload)));
}

QByteArray makePongFrame(QByteArrayView payload)
{
    return controlFrame(
        WsOpcode::Pong, {}, payload.first(qMin(payload.size(), kMaxControlPayload)));
}

} // namespace pairmatch
