// libFuzzer target for MessageCodec::decode and what it relays (gameFrame, compactUser).
//
// Each input is decoded on both endpoints as UTF-8 bytes, as UTF-16 (QString::fromUtf8), and
// as raw UTF-16 code units (which reach lone surrogates). Invariants, checked with abort():
// - a successful decode is a command of that endpoint with valid fields;
// - a game's frame is well-formed: its data is the compact form of the message's data
//   (whitespace outside strings dropped, nothing else changed), exactly dataBytes long, and
//   the payload parses with QJsonDocument to {"command":"game","userId":...,"data":...};
// - compactUser is exactly userBytes long, compact, and parses to an object with that userId;
// - for valid UTF-8, the UTF-8 and UTF-16 paths agree on the outcome and relay the same bytes;
// - tighter limits only ever turn a success into too_large.
#include "messagecodec.h"
#include "textframe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <type_traits>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

[[noreturn]] void violated(const char *what, int line)
{
    std::fprintf(stderr, "fuzz_messagecodec: invariant violated at line %d: %s\n", line, what);
    std::abort();
}

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition))                                                                          \
            violated(#condition, __LINE__);                                                        \
    } while (false)

constexpr Endpoint kEndpoints[] = {Endpoint::Matching, Endpoint::Round};
constexpr qsizetype kSmallLimit = 64;

// What an independent reading of compact JSON text finds: the text with whitespace outside
// strings dropped, the deepest nesting, and whether a number may be out of double's range
// (QJsonDocument refuses those, RFC 8259 allows them).
struct Compacted {
    QByteArray text;
    int maxDepth = 0;
    bool bigNumber = false;
};

Compacted compacted(QByteArrayView json)
{
    Compacted c;
    bool inString = false;
    int depth = 0;
    qsizetype numberStart = -1;
    const auto endNumber = [&](qsizetype end) {
        if (numberStart < 0)
            return;
        const QByteArrayView number = json.sliced(numberStart, end - numberStart);
        if (number.contains('e') || number.contains('E') || number.size() > 300)
            c.bigNumber = true;
        numberStart = -1;
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char ch = json[i];
        if (inString) {
            c.text += ch;
            if (ch == '\\' && i + 1 < json.size())
                c.text += json[++i];
            else if (ch == '"')
                inString = false;
            continue;
        }
        const bool numberChar = (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.'
            || ch == 'e' || ch == 'E';
        if (numberChar && numberStart < 0)
            numberStart = i;
        else if (!numberChar)
            endNumber(i);
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
            continue;
        if (ch == '"')
            inString = true;
        if (ch == '[' || ch == '{')
            c.maxDepth = std::max(c.maxDepth, ++depth);
        if (ch == ']' || ch == '}')
            --depth;
        c.text += ch;
    }
    endNumber(json.size());
    return c;
}

// Parses with QJsonDocument; false only where QJsonDocument's own limits (nesting deeper than
// 1024, a number beyond double) explain a refusal.
std::optional<QJsonObject> parseObject(QByteArrayView payload, const Compacted &shape)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload.toByteArray(), &error);
    if (error.error == QJsonParseError::DeepNesting && shape.maxDepth >= 1000)
        return std::nullopt;
    if (error.error == QJsonParseError::IllegalNumber && shape.bigNumber)
        return std::nullopt;
    if (error.error != QJsonParseError::NoError) {
        std::fprintf(
            stderr, "QJsonDocument: %s at %d\n", qPrintable(error.errorString()), error.offset);
        violated("relayed JSON does not parse", __LINE__);
    }
    FUZZ_CHECK(doc.isObject());
    return doc.object();
}

// The outcome of one decode, in a form two paths can be compared by.
struct Outcome {
    std::optional<ErrorCode> error;
    Command command = Command::Entry;
    QByteArray relayed; // compactUser or the game frame
    QByteArray userId;
    QByteArray token;
    bool hasToken = false;
    qint64 lastSeq = -1;
    qsizetype dataBytes = 0;
    bool dataTooLarge = false;

    bool operator==(const Outcome &) const = default;
};

// The UTF-8 bytes of a span of the message's source (for the UTF-8 path: the bytes as sent).
QByteArray sourceBytes(const ClientMessage &m, Span span)
{
    return m.source.visit([&](auto view) -> QByteArray {
        if constexpr (std::is_same_v<decltype(view), QUtf8StringView>) {
            return QByteArray(view.data() + span.begin, span.end - span.begin);
        } else {
            return QByteArray(); // UTF-16: compared with the UTF-8 path instead
        }
    });
}

Outcome checked(const MessageCodec &codec, Endpoint endpoint, std::optional<ErrorCode> error,
    const ClientMessage &m)
{
    Outcome o;
    o.error = error;
    if (error) {
        FUZZ_CHECK(*error == ErrorCode::BadJson || *error == ErrorCode::UnknownCommand
            || *error == ErrorCode::BadUser || *error == ErrorCode::TooLarge
            || (*error == ErrorCode::BadSeq && endpoint == Endpoint::Round));
        return o;
    }
    o.command = m.command;
    const bool matching = m.command == Command::Entry || m.command == Command::Cancel;
    FUZZ_CHECK(matching == (endpoint == Endpoint::Matching));

    switch (m.command) {
    case Command::Entry:
    case Command::Prepared: {
        FUZZ_CHECK(m.user.isValid());
        FUZZ_CHECK(MessageCodec::isValidUserId(m.userId));
        FUZZ_CHECK(m.userBytes >= 14 && m.userBytes <= codec.limits().maxUserBytes);
        if (m.command == Command::Entry)
            FUZZ_CHECK(!m.hasToken && m.token.isEmpty() && m.lastSeq == -1);
        FUZZ_CHECK(m.lastSeq >= -1 && m.lastSeq <= (qint64(1) << 53));
        if (!m.hasToken)
            FUZZ_CHECK(m.token.isEmpty());
        const QByteArray user = MessageCodec::compactUser(m);
        FUZZ_CHECK(user.size() == m.userBytes);
        const Compacted shape = compacted(user);
        FUZZ_CHECK(shape.text == user); // already compact
        if (const QByteArray source = sourceBytes(m, m.user); !source.isEmpty())
            FUZZ_CHECK(compacted(source).text == user);
        if (const auto object = parseObject(user, shape)) {
            // duplicate keys: the last counts, for QJsonDocument as for the codec
            FUZZ_CHECK(object->value(u"userId"_s).toString().toUtf8() == m.userId);
        }
        o.relayed = user;
        o.userId = m.userId;
        o.token = m.token;
        o.hasToken = m.hasToken;
        o.lastSeq = m.lastSeq;
        break;
    }
    case Command::Game: {
        FUZZ_CHECK(m.dataBytes >= 1);
        FUZZ_CHECK(m.dataTooLarge == (m.dataBytes > codec.limits().maxDataBytes));
        if (!m.data.isValid())
            FUZZ_CHECK(m.dataBytes == 4);
        const QByteArray frame = MessageCodec::gameFrame("fuzz.user", m, 42);
        const QByteArrayView payload = textFramePayload(frame);
        FUZZ_CHECK(frame.size() == textFrameHeaderSize(payload.size()) + payload.size());
        constexpr QByteArrayView head = R"({"command":"game","userId":"fuzz.user","data":)";
        constexpr QByteArrayView tail = R"(,"seq":42})";
        FUZZ_CHECK(payload.startsWith(head) && payload.endsWith(tail));
        const QByteArrayView data
            = payload.sliced(head.size(), payload.size() - head.size() - tail.size());
        FUZZ_CHECK(data.size() == m.dataBytes);
        const Compacted shape = compacted(data);
        FUZZ_CHECK(shape.text == data); // compact: nothing left to drop
        if (!m.data.isValid())
            FUZZ_CHECK(data == "null");
        else if (const QByteArray source = sourceBytes(m, m.data); !source.isEmpty())
            FUZZ_CHECK(compacted(source).text == data); // nothing but whitespace dropped
        if (const auto object = parseObject(payload, shape)) {
            FUZZ_CHECK(object->size() == 4);
            FUZZ_CHECK(object->value(u"command"_s).toString() == "game"_L1);
            FUZZ_CHECK(object->value(u"seq"_s).toInteger() == 42);
            FUZZ_CHECK(object->value(u"userId"_s).toString() == "fuzz.user"_L1);
            FUZZ_CHECK(object->contains(u"data"_s));
        }
        o.relayed = frame;
        o.dataBytes = m.dataBytes;
        o.dataTooLarge = m.dataTooLarge;
        break;
    }
    case Command::Cancel:
    case Command::End:
        break;
    }
    return o;
}

template <typename Text>
Outcome decodeChecked(const MessageCodec &codec, Text text, Endpoint endpoint)
{
    ClientMessage m;
    const std::optional<ErrorCode> error = codec.decode(text, endpoint, m);
    return checked(codec, endpoint, error, m);
}

// A codec with tight limits agrees with the default one, except that a user over the tight
// limit is too_large and data over it is flagged.
void checkLimits(const Outcome &normal, const Outcome &tight)
{
    if (normal.error) {
        // bad_seq comes after the user's checks: with a user over the tight limit, too_large
        FUZZ_CHECK(tight.error == normal.error
            || (normal.error == ErrorCode::BadSeq && tight.error == ErrorCode::TooLarge));
        return;
    }
    if (normal.command == Command::Entry || normal.command == Command::Prepared) {
        if (normal.relayed.size() > kSmallLimit) {
            FUZZ_CHECK(tight.error == ErrorCode::TooLarge);
            return;
        }
    }
    FUZZ_CHECK(!tight.error);
    FUZZ_CHECK(tight.command == normal.command && tight.relayed == normal.relayed);
    if (normal.command == Command::Game)
        FUZZ_CHECK(tight.dataTooLarge == (normal.dataBytes > kSmallLimit));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const MessageCodec codec;
    static const MessageCodec tight(CodecLimits {kSmallLimit, kSmallLimit});

    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString utf16 = QString::fromUtf8(bytes);
    // valid UTF-8 (and no byte order mark, which QString::fromUtf8 drops) reads the same both ways
    const bool sameText = utf16.toUtf8() == bytes;

    // raw UTF-16 code units, lone surrogates included
    QString raw(qsizetype(size / 2), Qt::Uninitialized);
    for (qsizetype i = 0; i < raw.size(); ++i)
        raw[i] = QChar(char16_t(data[2 * i] | data[2 * i + 1] << 8));

    for (const Endpoint endpoint : kEndpoints) {
        const Outcome fromUtf8 = decodeChecked(codec, bytes, endpoint);
        const Outcome fromUtf16 = decodeChecked(codec, QStringView(utf16), endpoint);
        if (sameText)
            FUZZ_CHECK(fromUtf8 == fromUtf16);
        else
            FUZZ_CHECK(fromUtf8.error.has_value()); // not UTF-8: never accepted as such
        checkLimits(fromUtf8, decodeChecked(tight, bytes, endpoint));
        checkLimits(fromUtf16, decodeChecked(tight, QStringView(utf16), endpoint));
        decodeChecked(codec, QStringView(raw), endpoint);
    }
    return 0;
}
