// libFuzzer target for WsFrameParser: arbitrary byte streams as a client could send them.
//
// Input: byte 0 picks the limits, byte 1 how the stream is cut into reads, the rest is the
// stream. It is parsed twice, whole and cut, each read in a buffer of its own (so reading
// past a read is a sanitizer error). Invariants, checked with abort():
// - every event is well formed: a Fail's cause is 1002, 1007 or 1009 and comes last, as
//   does a Close, whose code is allowed on the wire (or 1005, none) and whose reason is
//   UTF-8; a Text message is UTF-8 and within the message limit; a Ping or Pong payload is
//   at most 125 bytes; a Binary message is within the message limit;
// - NeedMore consumes the whole read;
// - what the parser keeps never exceeds the message limit and a control frame (with its
//   own bookkeeping);
// - the events do not depend on how the stream was cut.
#include "closecodes.h"
#include "textframe.h"
#include "utf8validator.h"
#include "wsframeparser.h"

#include <QByteArray>
#include <QByteArrayList>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

using namespace pairmatch;

namespace {

[[noreturn]] void violated(const char *what, int line)
{
    std::fprintf(stderr, "fuzz_wsframeparser: invariant violated at line %d: %s\n", line, what);
    std::abort();
}

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition))                                                                          \
            violated(#condition, __LINE__);                                                        \
    } while (false)

using Kind = WsFrameParser::Kind;

// What the parser may keep at most besides a message: the state of a frame begun and a
// control frame's payload.
constexpr qsizetype kBookkeeping = 512 + kMaxControlPayload;

QByteArray describe(const WsFrameParser::Event &e)
{
    QByteArray d = QByteArray::number(int(e.kind)) + ':';
    switch (e.kind) {
    case Kind::Text:
    case Kind::Ping:
    case Kind::Pong:
        return d + e.payload.toByteArray();
    case Kind::Binary:
        return d + QByteArray::number(e.messageBytes);
    case Kind::Close:
        return d + QByteArray::number(e.closeCode) + ':' + e.payload.toByteArray();
    case Kind::Fail:
        return d + QByteArray::number(closeCause(e.cause).code);
    case Kind::NeedMore:
        break;
    }
    return d;
}

void checkEvent(const WsFrameParser::Event &e, const WsFrameParser::Limits &limits)
{
    switch (e.kind) {
    case Kind::NeedMore:
        return;
    case Kind::Text:
        FUZZ_CHECK(Utf8Validator::isValid(e.payload));
        FUZZ_CHECK(e.payload.size() <= limits.maxMessageBytes);
        return;
    case Kind::Binary:
        FUZZ_CHECK(e.messageBytes >= 0 && e.messageBytes <= limits.maxMessageBytes);
        return;
    case Kind::Ping:
    case Kind::Pong:
        FUZZ_CHECK(e.payload.size() <= kMaxControlPayload);
        return;
    case Kind::Close:
        FUZZ_CHECK(e.closeCode == CloseCode::NoStatus || isValidWireCloseCode(e.closeCode));
        FUZZ_CHECK(e.payload.size() <= kMaxControlPayload - 2);
        FUZZ_CHECK(Utf8Validator::isValid(e.payload));
        return;
    case Kind::Fail: {
        const quint16 code = closeCause(e.cause).code;
        FUZZ_CHECK(code == CloseCode::ProtocolError || code == CloseCode::InvalidPayload
            || code == CloseCode::TooBig);
        FUZZ_CHECK(e.detail && std::strlen(e.detail) > 0);
        return;
    }
    }
    violated("unknown event kind", __LINE__);
}

// Parses the stream in reads of the given sizes (the last takes the rest).
QByteArrayList parse(
    const uint8_t *data, size_t size, const WsFrameParser::Limits &limits, uint8_t cutSeed)
{
    WsFrameParser parser;
    QByteArrayList events;
    size_t at = 0;
    uint32_t rng = cutSeed * 2654435761u + 1;
    while (at < size && !parser.isFinished()) {
        size_t n = size - at;
        if (cutSeed != 0) { // pieces of 1 to 64 bytes
            rng = rng * 1103515245u + 12345u;
            n = std::min<size_t>(n, 1 + (rng >> 16) % 64);
        }
        // a read of its own: the parser must not look past it
        std::unique_ptr<char[]> read(new char[n]);
        std::memcpy(read.get(), data + at, n);
        at += n;
        WsFrameParser::Input in {read.get(), qsizetype(n)};
        for (;;) {
            const qsizetype before = in.size;
            const WsFrameParser::Event e = parser.next(in, limits);
            FUZZ_CHECK(in.size <= before && in.size >= 0);
            FUZZ_CHECK(parser.heldBytes() <= limits.maxMessageBytes + kBookkeeping);
            checkEvent(e, limits);
            if (e.kind == Kind::NeedMore) {
                FUZZ_CHECK(in.size == 0);
                break;
            }
            events += describe(e);
            if (e.kind == Kind::Close || e.kind == Kind::Fail) {
                FUZZ_CHECK(parser.isFinished());
                return events;
            }
        }
    }
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    // limits from tiny to the defaults, the message limit at least the frame limit
    const qint64 frameLimits[] = {0, 1, 125, 126, 1024, 65535, 65536};
    WsFrameParser::Limits limits;
    limits.maxFrameBytes = frameLimits[data[0] % 7];
    limits.maxMessageBytes = limits.maxFrameBytes * (1 + (data[0] >> 4) % 4);
    const uint8_t cutSeed = data[1];
    data += 2;
    size -= 2;

    const QByteArrayList whole = parse(data, size, limits, 0);
    if (cutSeed != 0) {
        const QByteArrayList cut = parse(data, size, limits, cutSeed);
        FUZZ_CHECK(cut == whole);
    }
    return 0;
}
