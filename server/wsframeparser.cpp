#include "wsframeparser.h"

#include "textframe.h"
#include "utf8validator.h"

#include <QByteArray>
#include <QtEndian>

#include <array>
#include <cstring>

namespace pairmatch {

namespace {

constexpr qsizetype kMaxHeader = 14; // 2 + 8 (64-bit length) + 4 (mask)

// The size of the header whose first two bytes are b0 b1.
qsizetype headerSize(uchar b1)
{
    const uchar len7 = b1 & 0x7F;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) ? 4 : 0);
}

// XORs n bytes with the mask, starting at mask byte `pos`.
void unmask(char *data, qsizetype n, const std::array<uchar, 4> &mask, quint8 pos)
{
    uchar m[4];
    for (int i = 0; i < 4; ++i)
        m[i] = mask[std::size_t((pos + i) & 3)];
    quint32 m32;
    std::memcpy(&m32, m, sizeof m32);
    const quint64 m64 = (quint64(m32) << 32) | m32;
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 w;
        std::memcpy(&w, data + i, sizeof w);
        w ^= m64;
        std::memcpy(data + i, &w, sizeof w);
    }
    for (; i < n; ++i)
        data[i] = char(uchar(data[i]) ^ m[i & 3]);
}

bool isKnownOpcode(quint8 opcode)
{
    switch (opcode) {
    case WsOpcode::Continuation:
    case WsOpcode::Text:
    case WsOpcode::Binary:
    case WsOpcode::Close:
    case WsOpcode::Ping:
    case WsOpcode::Pong:
        return true;
    default:
        return false;
    }
}

} // namespace

struct WsFrameParser::Header {
    bool fin = false;
    quint8 rsv = 0;
    quint8 opcode = 0;
    bool masked = false;
    quint64 length = 0;
    std::array<uchar, 4> mask {};

    void read(const uchar *p)
    {
        fin = p[0] & 0x80;
        rsv = (p[0] >> 4) & 0x7;
        opcode = p[0] & 0x0F;
        masked = p[1] & 0x80;
        const uchar len7 = p[1] & 0x7F;
        qsizetype at = 2;
        if (len7 == 126) {
            length = qFromBigEndian<quint16>(p + 2);
            at = 4;
        } else if (len7 == 127) {
            length = qFromBigEndian<quint64>(p + 2);
            at = 10;
        } else {
            length = len7;
        }
        if (masked)
            std::memcpy(mask.data(), p + at, 4);
    }
};

// What is kept between calls: a header cut short, a frame whose payload is still coming,
// a message whose fragments are still coming.
struct WsFrameParser::Partial {
    std::array<uchar, kMaxHeader> header {};
    quint8 headerHave = 0;

    bool inFrame = false; // a header was read; `remaining` payload bytes are to come
    bool fin = false;
    quint8 opcode = 0;
    quint8 maskPos = 0;
    std::array<uchar, 4> mask {};
    quint64 remaining = 0;

    quint8 messageOpcode = 0; // Text or Binary while a message is begun, else 0
    qint64 messageBytes = 0; // all its frames' lengths so far
    Utf8Validator utf8;
    QByteArray message; // a text message's bytes so far
    QByteArray control; // a control frame's payload so far
    bool delivered = false; // message or control was handed out: cleared on the next call

    bool isIdle() const { return headerHave == 0 && !inFrame && messageOpcode == 0 && !delivered; }
};

WsFrameParser::WsFrameParser() = default;
WsFrameParser::~WsFrameParser() = default;

qsizetype WsFrameParser::heldBytes() const
{
    if (!m_partial)
        return 0;
    return qsizetype(sizeof(Partial)) + m_partial->message.capacity()
        + m_partial->control.capacity();
}

WsFrameParser::Partial &WsFrameParser::partial()
{
    if (!m_partial)
        m_partial = std::make_unique<Partial>();
    return *m_partial;
}

void WsFrameParser::releaseIfIdle()
{
    if (m_partial && m_partial->isIdle())
        m_partial.reset();
}

WsFrameParser::Event WsFrameParser::fail(CloseCause cause, const char *detail)
{
    m_finished = true;
    m_partial.reset();
    Event e;
    e.kind = Kind::Fail;
    e.cause = cause;
    e.detail = detail;
    return e;
}

// A whole control frame's payload, unmasked.
WsFrameParser::Event WsFrameParser::control(quint8 opcode, QByteArrayView payload)
{
    Event e;
    e.payload = payload;
    if (opcode == WsOpcode::Ping) {
        e.kind = Kind::Ping;
        return e;
    }
    if (opcode == WsOpcode::Pong) {
        e.kind = Kind::Pong;
        return e;
    }
    // close (section 5.5.1): nothing, or a code of 2 bytes and a UTF-8 reason
    if (payload.isEmpty()) {
        e.kind = Kind::Close;
        e.closeCode = CloseCode::NoStatus;
        m_finished = true;
        return e;
    }
    if (payload.size() == 1)
        return fail(CloseCause::ProtocolError, "close frame with a 1-byte payload");
    const auto code = qFromBigEndian<quint16>(payload.data());
    if (!isValidWireCloseCode(code))
        return fail(CloseCause::ProtocolError, "close code not allowed on the wire");
    const QByteArrayView reason = payload.sliced(2);
    if (!Utf8Validator::isValid(reason))
        return fail(CloseCause::InvalidUtf8, "close reason is not UTF-8");
    e.kind = Kind::Close;
    e.closeCode = code;
    e.payload = reason;
    m_finished = true;
    return e;
}

// Completes the next header from the input (and what was kept of it); false when the input
// ended first (the part read is kept).
bool WsFrameParser::takeHeader(Input &in, Header &h)
{
    if (!m_partial || m_partial->headerHave == 0) {
        if (in.size >= 2) {
            const auto *p = reinterpret_cast<const uchar *>(in.data);
            const qsizetype need = headerSize(p[1]);
            if (in.size >= need) { // the usual case: all of it is here
                h.read(p);
                in.data += need;
                in.size -= need;
                return true;
            }
        }
    }
    Partial &p = partial();
    for (;;) {
        const qsizetype need = p.headerHave < 2 ? 2 : headerSize(p.header[1]);
        if (p.headerHave == need) {
            h.read(p.header.data());
            p.headerHave = 0;
            return true;
        }
        const qsizetype n = qMin(need - p.headerHave, in.size);
        if (n == 0)
            return false;
        std::memcpy(p.header.data() + p.headerHave, in.data, std::size_t(n));
        p.headerHave = quint8(p.headerHave + n);
        in.data += n;
        in.size -= n;
    }
}

WsFrameParser::Event WsFrameParser::next(Input &in, const Limits &limits)
{
    Q_ASSERT(!m_finished);
    if (m_partial && m_partial->delivered) {
        m_partial->delivered = false;
        if (m_partial->messageOpcode == 0)
            m_partial->message = QByteArray();
        if (!m_partial->inFrame)
            m_partial->control = QByteArray();
    }
    for (;;) {
        if (!m_partial || !m_partial->inFrame) {
            if (in.size == 0) {
                releaseIfIdle();
                return {};
            }
            Header h;
            if (!takeHeader(in, h))
                return {};
            // The header alone decides whether the frame is acceptable.
            const bool control = h.opcode & 0x8;
            const bool inMessage = m_partial && m_partial->messageOpcode != 0;
            if (h.rsv != 0)
                return fail(CloseCause::ProtocolError, "RSV bits set, no extension agreed");
            if (!isKnownOpcode(h.opcode))
                return fail(CloseCause::ProtocolError, "reserved opcode");
            if (!h.masked)
                return fail(CloseCause::ProtocolError, "unmasked client frame");
            if (control) {
                if (!h.fin)
                    return fail(CloseCause::ProtocolError, "fragmented control frame");
                if (h.length > quint64(kMaxControlPayload))
                    return fail(CloseCause::ProtocolError, "control frame over 125 bytes");
                if (h.opcode == WsOpcode::Close && h.length == 1)
                    return fail(CloseCause::ProtocolError, "close frame with a 1-byte payload");
            } else {
                if (h.opcode == WsOpcode::Continuation && !inMessage)
                    return fail(CloseCause::ProtocolError, "continuation frame, no message begun");
                if (h.opcode != WsOpcode::Continuation && inMessage)
                    return fail(CloseCause::ProtocolError, "new message inside a fragmented one");
                if (h.length >> 63)
                    return fail(CloseCause::ProtocolError, "frame length with its top bit set");
                if (h.length > quint64(limits.maxFrameBytes))
                    return fail(CloseCause::TooBig, "frame over the size limit");
                const qint64 before = inMessage ? m_partial->messageBytes : 0;
                if (before + qint64(h.length) > limits.maxMessageBytes)
                    return fail(CloseCause::TooBig, "message over the size limit");
            }

            const auto length = qsizetype(h.length);
            const bool whole = in.size >= length;
            if (whole && (control || (!inMessage && h.fin))) {
                // A whole frame that is a whole message: handed out from the input.
                unmask(in.data, length, h.mask, 0);
                const QByteArrayView payload(in.data, length);
                in.data += length;
                in.size -= length;
                if (control)
                    return this->control(h.opcode, payload);
                releaseIfIdle();
                if (h.opcode == WsOpcode::Binary) {
                    Event e;
                    e.kind = Kind::Binary;
                    e.messageBytes = length;
                    return e;
                }
                if (!Utf8Validator::isValid(payload))
                    return fail(CloseCause::InvalidUtf8, "text message is not UTF-8");
                Event e;
                e.kind = Kind::Text;
                e.payload = payload;
                return e;
            }
            Partial &p = partial();
            p.inFrame = true;
            p.fin = h.fin;
            p.opcode = h.opcode;
            p.mask = h.mask;
            p.maskPos = 0;
            p.remaining = h.length;
            if (control) {
                p.control.reserve(length);
            } else {
                if (h.opcode != WsOpcode::Continuation) {
                    p.messageOpcode = h.opcode;
                    p.messageBytes = 0;
                    p.utf8.reset();
                }
                p.messageBytes += length;
            }
        }

        // The payload of the frame begun, as far as the input goes.
        Partial &p = *m_partial;
        const bool control = p.opcode & 0x8;
        const auto n = qsizetype(qMin<quint64>(p.remaining, quint64(in.size)));
        if (n > 0) {
            unmask(in.data, n, p.mask, p.maskPos);
            const QByteArrayView chunk(in.data, n);
            in.data += n;
            in.size -= n;
            p.remaining -= quint64(n);
            p.maskPos = quint8((p.maskPos + n) & 3);
            if (control) {
                p.control.append(chunk);
            } else if (p.messageOpcode == WsOpcode::Text) {
                if (!p.utf8.feed(chunk))
                    return fail(CloseCause::InvalidUtf8, "text message is not UTF-8");
                const qsizetype needed = p.message.size() + n;
                if (p.message.capacity() < needed) {
                    // grow as bytes come, never past the message limit
                    const qsizetype doubled = qMax<qsizetype>(2 * p.message.capacity(), 256);
                    p.message.reserve(
                        qMax(needed, qsizetype(qMin<qint64>(doubled, limits.maxMessageBytes))));
                }
                p.message.append(chunk);
            }
        }
        if (p.remaining > 0)
            return {}; // the input is consumed
        p.inFrame = false;
        if (control) {
            p.delivered = true;
            return this->control(p.opcode, p.control);
        }
        if (!p.fin)
            continue; // the next fragment
        const quint8 opcode = p.messageOpcode;
        p.messageOpcode = 0;
        if (opcode == WsOpcode::Binary) {
            Event e;
            e.kind = Kind::Binary;
            e.messageBytes = p.messageBytes;
            releaseIfIdle();
            return e;
        }
        if (!p.utf8.isComplete())
            return fail(CloseCause::InvalidUtf8, "text message ends inside a character");
        p.delivered = true;
        Event e;
        e.kind = Kind::Text;
        e.payload = p.message;
        return e;
    }
}

} // namespace pairmatch
