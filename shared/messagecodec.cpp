#include "messagecodec.h"

#include "textframe.h"

#include <QVarLengthArray>

#include <array>
#include <type_traits>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// ------------------------------------------------------------------------------------------
// A validating JSON scanner (RFC 8259) over UTF-16 (char16_t) or UTF-8 (char) text.
// It never allocates for scalars, counts the compact UTF-8 size of every value it skips
// (what JSON.stringify would produce, escapes counted as written), and walks nested
// values with an explicit stack, so no input can exhaust the call stack.

constexpr qsizetype kMaxUserIdChars = 64;

// A decoded string, kept only as far as it can matter: keys, command names, user ids and
// tokens are short. Longer strings set `overflow` and then equal nothing.
struct Decoded {
    static constexpr int kCapacity = 128;
    std::array<char16_t, kCapacity> units;
    int size = 0;
    bool overflow = false;

    void clear()
    {
        size = 0;
        overflow = false;
    }
    void push(char16_t c)
    {
        if (size < kCapacity)
            units[std::size_t(size++)] = c;
        else
            overflow = true;
    }
    bool equals(QLatin1StringView s) const
    {
        if (overflow || size != s.size())
            return false;
        for (int i = 0; i < size; ++i) {
            if (units[std::size_t(i)] != char16_t(uchar(s[i].toLatin1())))
                return false;
        }
        return true;
    }
    // The string as bytes, when it is pure ASCII and not overflowed.
    std::optional<QByteArray> ascii() const
    {
        if (overflow)
            return std::nullopt;
        QByteArray out(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i) {
            const char16_t c = units[std::size_t(i)];
            if (c >= 0x80)
                return std::nullopt;
            out[i] = char(c);
        }
        return out;
    }
};

constexpr bool isJsonSpace(char32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

constexpr int hexValue(char32_t c)
{
    if (c >= '0' && c <= '9')
        return int(c - '0');
    if (c >= 'a' && c <= 'f')
        return int(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return int(c - 'A' + 10);
    return -1;
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629, table 3-7 of Unicode), or 0.
int utf8SequenceLength(const char *p, const char *end)
{
    const auto b0 = uchar(p[0]);
    const auto in = [&](qsizetype i, uchar lo, uchar hi) {
        return p + i < end && uchar(p[i]) >= lo && uchar(p[i]) <= hi;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF)
        return in(1, 0x80, 0xBF) ? 2 : 0;
    if (b0 == 0xE0)
        return in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF)
        return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    if (b0 == 0xED)
        return in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
    if (b0 == 0xF0)
        return in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3)
        return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    if (b0 == 0xF4)
        return in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    return 0;
}

constexpr bool isHighSurrogate(char32_t c)
{
    return c >= 0xD800 && c < 0xDC00;
}
constexpr bool isLowSurrogate(char32_t c)
{
    return c >= 0xDC00 && c < 0xE000;
}

template <typename Char> class Scanner
{
    static_assert(std::is_same_v<Char, char16_t> || std::is_same_v<Char, char>);
    using Unit = std::make_unsigned_t<Char>;

public:
    Scanner(const Char *begin, const Char *end)
        : m_begin(begin)
        , m_p(begin)
        , m_end(end)
    { }

    qsizetype pos() const { return m_p - m_begin; }
    bool atEnd() const { return m_p == m_end; }
    bool peekIs(char c) const { return m_p != m_end && unit() == Unit(c); }

    void skipSpace()
    {
        while (m_p != m_end && isJsonSpace(unit()))
            ++m_p;
    }

    bool eat(char c)
    {
        if (!peekIs(c))
            return false;
        ++m_p;
        return true;
    }

    // A string starting at the opening quote. Adds its compact UTF-8 size to bytes and,
    // when out is given, its decoded code units to out.
    bool string(qsizetype &bytes, Decoded *out)
    {
        ++m_p; // the opening quote (checked by the caller)
        qsizetype n = 2;
        for (;;) {
            if (m_p == m_end)
                return false;
            const char32_t c = unit();
            if (c == '"') {
                ++m_p;
                bytes += n;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                if (++m_p == m_end)
                    return false;
                const char32_t e = unit();
                ++m_p;
                n += 2;
                char16_t decoded = 0;
                switch (e) {
                case '"':
                case '\\':
                case '/':
                    decoded = char16_t(e);
                    break;
                case 'b':
                    decoded = u'\b';
                    break;
                case 'f':
                    decoded = u'\f';
                    break;
                case 'n':
                    decoded = u'\n';
                    break;
                case 'r':
                    decoded = u'\r';
                    break;
                case 't':
                    decoded = u'\t';
                    break;
                case 'u':
                    for (int i = 0; i < 4; ++i, ++m_p) {
                        const int h = m_p == m_end ? -1 : hexValue(unit());
                        if (h < 0)
                            return false;
                        decoded = char16_t(decoded << 4 | h);
                    }
                    n += 4;
                    break;
                default:
                    return false;
                }
                if (out)
                    out->push(decoded);
                continue;
            }
            if (c < 0x80) {
                if (out)
                    out->push(char16_t(c));
                ++m_p;
                ++n;
                continue;
            }
            if constexpr (std::is_same_v<Char, char16_t>) {
                if (isHighSurrogate(c) && m_p + 1 != m_end && isLowSurrogate(Unit(m_p[1]))) {
                    if (out) {
                        out->push(char16_t(c));
                        out->push(m_p[1]);
                    }
                    m_p += 2;
                    n += 4;
                } else {
                    // A lone surrogate is written out as U+FFFD.
                    const bool lone = isHighSurrogate(c) || isLowSurrogate(c);
                    if (out)
                        out->push(lone ? u'\uFFFD' : char16_t(c));
                    ++m_p;
                    n += lone || c >= 0x800 ? 3 : 2;
                }
            } else {
                const int len = utf8SequenceLength(m_p, m_end);
                if (len == 0)
                    return false;
                if (out)
                    out->push(u'\uFFFD'); // only ASCII is ever compared
                m_p += len;
                n += len;
            }
        }
    }

    bool number(qsizetype &bytes)
    {
        const Char *start = m_p;
        eat('-');
        if (eat('0')) {
        } else if (!digits()) {
            return false;
        }
        if (eat('.') && !digits())
            return false;
        if (eat('e') || eat('E')) {
            if (!eat('+'))
                eat('-');
            if (!digits())
                return false;
        }
        bytes += m_p - start;
        return true;
    }

    // Any JSON value, nested as deep as the input allows.
    bool value(qsizetype &bytes)
    {
        enum : quint8 { InArray, InObject };
        QVarLengthArray<quint8, 64> stack;
        bool expectKey = false; // in an object, after '{' or ','
        for (;;) {
            skipSpace();
            if (m_p == m_end)
                return false;
            if (expectKey) {
                if (!peekIs('"') || !string(bytes, nullptr))
                    return false;
                skipSpace();
                if (!eat(':'))
                    return false;
                ++bytes;
                skipSpace();
                if (m_p == m_end)
                    return false;
                expectKey = false;
            }
            // a value
            const char32_t c = unit();
            if (c == '{' || c == '[') {
                ++m_p;
                ++bytes;
                skipSpace();
                if (eat(c == '{' ? '}' : ']')) {
                    ++bytes;
                } else {
                    stack.append(c == '{' ? InObject : InArray);
                    expectKey = c == '{';
                    continue;
                }
            } else if (c == '"') {
                if (!string(bytes, nullptr))
                    return false;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                if (!number(bytes))
                    return false;
            } else if (c == 't') {
                if (!word("true", bytes))
                    return false;
            } else if (c == 'f') {
                if (!word("false", bytes))
                    return false;
            } else if (c == 'n') {
                if (!word("null", bytes))
                    return false;
            } else {
                return false;
            }
            // after a value: close containers or go on to the next element
            for (;;) {
                if (stack.isEmpty())
                    return true;
                skipSpace();
                const bool inObject = stack.last() == InObject;
                if (eat(',')) {
                    ++bytes;
                    expectKey = inObject;
                    break;
                }
                if (!eat(inObject ? '}' : ']'))
                    return false;
                ++bytes;
                stack.removeLast();
            }
        }
    }

private:
    Unit unit() const { return Unit(*m_p); }

    bool digits()
    {
        const Char *start = m_p;
        while (m_p != m_end && unit() >= '0' && unit() <= '9')
            ++m_p;
        return m_p != start;
    }

    bool word(const char *w, qsizetype &bytes)
    {
        qsizetype n = 0;
        for (; w[n]; ++n) {
            if (m_p == m_end || unit() != Unit(w[n]))
                return false;
            ++m_p;
        }
        bytes += n;
        return true;
    }

    const Char *m_begin;
    const Char *m_p;
    const Char *m_end;
};

// Copies the JSON value [p, end) as compact UTF-8 into [out, outEnd): whitespace outside
// strings dropped, UTF-16 encoded as UTF-8 (a lone surrogate as U+FFFD). Never writes past
// outEnd; returns the end of what it wrote.
template <typename Char> char *writeCompact(const Char *p, const Char *end, char *out, char *outEnd)
{
    using Unit = std::make_unsigned_t<Char>;
    bool inString = false;
    const auto put = [&](char32_t b) {
        if (out != outEnd)
            *out++ = char(b);
    };
    while (p != end) {
        const char32_t c = Unit(*p);
        if (!inString) {
            ++p;
            if (isJsonSpace(c))
                continue;
            if (c == '"')
                inString = true;
            put(c);
            continue;
        }
        if (c == '"') {
            inString = false;
            put(c);
            ++p;
        } else if (c == '\\') {
            put(c);
            put(Unit(p[1])); // always ASCII in a validated string
            p += 2;
        } else if (c < 0x80) {
            put(c);
            ++p;
        } else if constexpr (std::is_same_v<Char, char16_t>) {
            char32_t cp = c;
            if (isHighSurrogate(c) && p + 1 != end && isLowSurrogate(Unit(p[1]))) {
                cp = 0x10000 + ((c - 0xD800) << 10) + (Unit(p[1]) - 0xDC00);
                ++p;
            } else if (isHighSurrogate(c) || isLowSurrogate(c)) {
                cp = 0xFFFD;
            }
            ++p;
            if (cp < 0x800) {
                put(0xC0 | (cp >> 6));
                put(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                put(0xE0 | (cp >> 12));
                put(0x80 | ((cp >> 6) & 0x3F));
                put(0x80 | (cp & 0x3F));
            } else {
                put(0xF0 | (cp >> 18));
                put(0x80 | ((cp >> 12) & 0x3F));
                put(0x80 | ((cp >> 6) & 0x3F));
                put(0x80 | (cp & 0x3F));
            }
        } else {
            put(c); // validated UTF-8, copied byte by byte
            ++p;
        }
    }
    return out;
}

// Fills exactly n bytes at out with the compact form of the span of the message.
void writeCompactSpan(const ClientMessage &m, Span span, char *out, qsizetype n)
{
    char *const outEnd = out + n;
    char *written = m.source.visit([&](auto view) {
        using View = decltype(view);
        if constexpr (std::is_same_v<View, QStringView>) {
            const char16_t *base = view.utf16();
            return writeCompact(base + span.begin, base + span.end, out, outEnd);
        } else if constexpr (std::is_same_v<View, QUtf8StringView>) {
            const char *base = view.data();
            return writeCompact(base + span.begin, base + span.end, out, outEnd);
        } else { // QLatin1StringView: never produced by decode()
            Q_UNREACHABLE();
            return out;
        }
    });
    // The scanner counted these bytes; a difference would be a bug, and the frame stays
    // well-formed JSON either way (trailing spaces are insignificant).
    Q_ASSERT(written == outEnd);
    while (written != outEnd)
        *written++ = ' ';
}

enum class Field : quint8 { Other, Command, User, Data, Token, LastSeq };

Field fieldOf(const Decoded &key)
{
    if (key.equals("command"_L1))
        return Field::Command;
    if (key.equals("user"_L1))
        return Field::User;
    if (key.equals("data"_L1))
        return Field::Data;
    if (key.equals("token"_L1))
        return Field::Token;
    if (key.equals("lastSeq"_L1))
        return Field::LastSeq;
    return Field::Other;
}

std::optional<Command> commandOf(const Decoded &name)
{
    if (name.equals("game"_L1))
        return Command::Game;
    if (name.equals("entry"_L1))
        return Command::Entry;
    if (name.equals("prepared"_L1))
        return Command::Prepared;
    if (name.equals("end"_L1))
        return Command::End;
    if (name.equals("cancel"_L1))
        return Command::Cancel;
    return std::nullopt;
}

Endpoint endpointOf(Command c)
{
    return c == Command::Entry || c == Command::Cancel ? Endpoint::Matching : Endpoint::Round;
}

bool isUserIdChar(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c == '.' || c == '@' || c == '-';
}

// The userId of a (syntactically valid) user object, or nothing when it has none or a bad one.
// As in JavaScript, the last of duplicate keys counts.
template <typename Char> std::optional<QByteArray> userIdOf(const Char *begin, const Char *end)
{
    Scanner<Char> s(begin, end);
    if (!s.eat('{'))
        return std::nullopt; // not an object
    Decoded key;
    Decoded id;
    bool idIsString = false;
    qsizetype ignored = 0;
    s.skipSpace();
    if (!s.eat('}')) {
        for (;;) {
            s.skipSpace();
            key.clear();
            if (!s.string(ignored, &key))
                return std::nullopt;
            s.skipSpace();
            s.eat(':');
            s.skipSpace();
            if (key.equals("userId"_L1)) {
                idIsString = s.peekIs('"');
                id.clear();
                if (!(idIsString ? s.string(ignored, &id) : s.value(ignored)))
                    return std::nullopt;
            } else if (!s.value(ignored)) {
                return std::nullopt;
            }
            s.skipSpace();
            if (!s.eat(','))
                break;
        }
    }
    if (!idIsString || id.overflow || id.size < 1 || id.size > kMaxUserIdChars)
        return std::nullopt;
    for (int i = 0; i < id.size; ++i) {
        if (!isUserIdChar(id.units[std::size_t(i)]))
            return std::nullopt;
    }
    return id.ascii();
}

// A `lastSeq`: a JSON number written as a whole number, 0 to 2^53 ("7", not "7.0" or "7e0").
template <typename Char> std::optional<qint64> seqOf(const Char *begin, const Char *end)
{
    constexpr qint64 kMaxSeq = qint64(1) << 53;
    if (begin == end || (*begin == Char('0') && end - begin > 1) || end - begin > 16)
        return std::nullopt;
    qint64 n = 0;
    for (const Char *p = begin; p != end; ++p) {
        if (*p < Char('0') || *p > Char('9'))
            return std::nullopt;
        n = n * 10 + qint64(*p - Char('0'));
    }
    if (n > kMaxSeq)
        return std::nullopt;
    return n;
}

template <typename Char>
std::optional<ErrorCode> decodeText(const Char *text, qsizetype length, Endpoint endpoint,
    const CodecLimits &limits, ClientMessage &out)
{
    Scanner<Char> s(text, text + length);
    Decoded key;
    Decoded command;
    Decoded token;
    bool commandIsString = false;
    bool tokenIsString = false;
    Span user;
    Span data;
    Span lastSeq;
    qsizetype userBytes = 0;
    qsizetype dataBytes = 0;

    s.skipSpace();
    if (!s.eat('{'))
        return ErrorCode::BadJson;
    s.skipSpace();
    if (!s.eat('}')) {
        for (;;) {
            s.skipSpace();
            key.clear();
            qsizetype ignored = 0;
            if (!s.peekIs('"') || !s.string(ignored, &key))
                return ErrorCode::BadJson;
            s.skipSpace();
            if (!s.eat(':'))
                return ErrorCode::BadJson;
            s.skipSpace();
            const qsizetype start = s.pos();
            qsizetype bytes = 0;
            bool ok = true;
            switch (fieldOf(key)) {
            case Field::Command:
                commandIsString = s.peekIs('"');
                command.clear();
                ok = commandIsString ? s.string(bytes, &command) : s.value(bytes);
                break;
            case Field::Token:
                tokenIsString = s.peekIs('"');
                token.clear();
                ok = tokenIsString ? s.string(bytes, &token) : s.value(bytes);
                break;
            case Field::User:
                ok = s.value(bytes);
                user = {start, s.pos()};
                userBytes = bytes;
                break;
            case Field::Data:
                ok = s.value(bytes);
                data = {start, s.pos()};
                dataBytes = bytes;
                break;
            case Field::LastSeq:
                ok = s.value(bytes);
                lastSeq = {start, s.pos()};
                break;
            case Field::Other:
                ok = s.value(bytes);
                break;
            }
            if (!ok)
                return ErrorCode::BadJson;
            s.skipSpace();
            if (s.eat(','))
                continue;
            if (s.eat('}'))
                break;
            return ErrorCode::BadJson;
        }
    }
    s.skipSpace();
    if (!s.atEnd() || !commandIsString)
        return ErrorCode::BadJson;
    const std::optional<Command> cmd = commandOf(command);
    if (!cmd || endpointOf(*cmd) != endpoint)
        return ErrorCode::UnknownCommand;

    out.command = *cmd;
    if constexpr (std::is_same_v<Char, char16_t>)
        out.source = QStringView(text, length);
    else
        out.source = QUtf8StringView(text, length);
    out.user = {};
    out.userBytes = 0;
    out.userId.clear();
    out.token.clear();
    out.hasToken = false;
    out.lastSeq = -1;
    out.data = {};
    out.dataBytes = 4;
    out.dataTooLarge = false;

    switch (*cmd) {
    case Command::Entry:
    case Command::Prepared: {
        if (!user.isValid())
            return ErrorCode::BadUser;
        std::optional<QByteArray> id = userIdOf(text + user.begin, text + user.end);
        if (!id)
            return ErrorCode::BadUser;
        if (userBytes > limits.maxUserBytes)
            return ErrorCode::TooLarge;
        out.user = user;
        out.userBytes = userBytes;
        out.userId = std::move(*id);
        if (*cmd == Command::Prepared && tokenIsString) {
            if (std::optional<QByteArray> t = token.ascii()) {
                out.token = std::move(*t);
                out.hasToken = true;
            }
        }
        if (*cmd == Command::Prepared && lastSeq.isValid()) {
            const std::optional<qint64> seq = seqOf(text + lastSeq.begin, text + lastSeq.end);
            if (!seq)
                return ErrorCode::BadSeq;
            out.lastSeq = *seq;
        }
        break;
    }
    case Command::Game:
        if (data.isValid()) {
            out.data = data;
            out.dataBytes = dataBytes;
        }
        out.dataTooLarge = out.dataBytes > limits.maxDataBytes;
        break;
    case Command::Cancel:
    case Command::End:
        break;
    }
    return std::nullopt;
}

// {"command":"...","userId":"<userId>"}: head is everything up to the id's opening quote.
QByteArray userFrame(QByteArrayView head, QByteArrayView userId)
{
    return FrameBuilder(head.size() + userId.size() + 2)
        .append(head)
        .append(userId)
        .append("\"}")
        .take();
}

// n in decimal, written at the end of buf; the digits as a view into buf.
QByteArrayView decimal(quint64 n, char (&buf)[24])
{
    char *p = buf + sizeof buf;
    do {
        *--p = char('0' + n % 10);
        n /= 10;
    } while (n);
    return QByteArrayView(p, buf + sizeof buf - p);
}

QByteArray buildErrorFrame(ErrorCode code)
{
    QByteArray payload = R"({"command":"error","code":")";
    const QLatin1StringView name = errorCodeName(code);
    payload += QByteArrayView(name.data(), name.size());
    payload += R"(","message":")";
    const QLatin1StringView text = errorCodeMessage(code);
    QByteArray message(text.data(), text.size());
    message.replace('\\', R"(\\)").replace('"', R"(\")");
    payload += message;
    payload += R"("})";
    return makeTextFrame(payload);
}

} // namespace

std::optional<ErrorCode> MessageCodec::decode(
    QStringView text, Endpoint endpoint, ClientMessage &out) const
{
    return decodeText(text.utf16(), text.size(), endpoint, m_limits, out);
}

std::optional<ErrorCode> MessageCodec::decode(
    QByteArrayView utf8, Endpoint endpoint, ClientMessage &out) const
{
    return decodeText(utf8.data(), utf8.size(), endpoint, m_limits, out);
}

QByteArray MessageCodec::compactUser(const ClientMessage &message)
{
    Q_ASSERT(message.user.isValid());
    QByteArray out(message.userBytes, Qt::Uninitialized);
    writeCompactSpan(message, message.user, out.data(), out.size());
    return out;
}

const QByteArray &MessageCodec::entriedFrame()
{
    static const QByteArray frame = makeTextFrame(R"({"command":"entried"})");
    return frame;
}

const QByteArray &MessageCodec::cancelledFrame()
{
    static const QByteArray frame = makeTextFrame(R"({"command":"cancelled"})");
    return frame;
}

const QByteArray &MessageCodec::waitFrame()
{
    static const QByteArray frame = makeTextFrame(R"({"command":"wait"})");
    return frame;
}

const QByteArray &MessageCodec::endedFrame()
{
    static const QByteArray frame = makeTextFrame(R"({"command":"ended"})");
    return frame;
}

const QByteArray &MessageCodec::noneFrame()
{
    static const QByteArray frame = makeTextFrame(R"({"command":"none"})");
    return frame;
}

const QByteArray &MessageCodec::invalidFrame()
{
    static const QByteArray frame = makeTextFrame(R"({"command":"invalid"})");
    return frame;
}

const QByteArray &MessageCodec::errorFrame(ErrorCode code)
{
    static const std::array<QByteArray, kErrorCodeCount> frames = [] {
        std::array<QByteArray, kErrorCodeCount> all;
        for (int i = 0; i < kErrorCodeCount; ++i)
            all[std::size_t(i)] = buildErrorFrame(ErrorCode(i));
        return all;
    }();
    return frames[std::size_t(code)];
}

QByteArray MessageCodec::prepareFrame(qint32 type, int seed, QByteArrayView pairId,
    QByteArrayView token, QByteArrayView newcomerUser, QByteArrayView waiterUser)
{
    QByteArray payload;
    payload.reserve(112 + pairId.size() + token.size() + newcomerUser.size() + waiterUser.size());
    payload += R"({"command":"prepare","type":)";
    payload += QByteArray::number(type);
    payload += R"(,"seed":)";
    payload += QByteArray::number(seed);
    payload += R"(,"pairId":")";
    payload += pairId;
    payload += R"(","token":")";
    payload += token;
    payload += R"(","users":[)";
    payload += newcomerUser;
    payload += ',';
    payload += waiterUser;
    payload += "]}";
    return makeTextFrame(payload);
}

QByteArray MessageCodec::startFrame(
    QByteArrayView firstUser, QByteArrayView secondUser, quint64 seq)
{
    return startFrame(usersArray(firstUser, secondUser), seq);
}

QByteArray MessageCodec::usersArray(QByteArrayView firstUser, QByteArrayView secondUser)
{
    QByteArray users;
    users.reserve(firstUser.size() + secondUser.size() + 3);
    users.append('[').append(firstUser).append(',').append(secondUser).append(']');
    return users;
}

QByteArray MessageCodec::startFrame(QByteArrayView users, quint64 seq)
{
    constexpr QByteArrayView head = R"({"command":"start","users":)";
    constexpr QByteArrayView mid = R"(,"seq":)";
    char digits[24];
    const QByteArrayView number = decimal(seq, digits);
    return FrameBuilder(head.size() + users.size() + mid.size() + number.size() + 1)
        .append(head)
        .append(users)
        .append(mid)
        .append(number)
        .append('}')
        .take();
}

QByteArray MessageCodec::gameFrame(QByteArrayView userId, const ClientMessage &move, quint64 seq)
{
    constexpr QByteArrayView head = R"({"command":"game","userId":")";
    constexpr QByteArrayView mid = R"(","data":)";
    constexpr QByteArrayView seqKey = R"(,"seq":)";
    char digits[24];
    const QByteArrayView number = decimal(seq, digits);
    FrameBuilder frame(head.size() + userId.size() + mid.size() + move.dataBytes + seqKey.size()
        + number.size() + 1);
    frame.append(head).append(userId).append(mid);
    if (move.data.isValid())
        writeCompactSpan(move, move.data, frame.grow(move.dataBytes), move.dataBytes);
    else
        frame.append("null");
    frame.append(seqKey).append(number).append('}');
    return frame.take();
}

QByteArray MessageCodec::replayedFrame(QByteArrayView payload)
{
    // {"command":"game",...,"seq":N} -> {"command":"game",...,"seq":N,"replayed":true}
    constexpr QByteArrayView mark = R"(,"replayed":true})";
    Q_ASSERT(payload.endsWith('}'));
    const QByteArrayView body = payload.first(payload.size() - 1);
    return FrameBuilder(body.size() + mark.size()).append(body).append(mark).take();
}

QByteArray MessageCodec::awayFrame(QByteArrayView userId)
{
    return userFrame(R"({"command":"away","userId":")", userId);
}

QByteArray MessageCodec::backFrame(QByteArrayView userId)
{
    return userFrame(R"({"command":"back","userId":")", userId);
}

bool MessageCodec::isValidUserId(QByteArrayView s)
{
    if (s.isEmpty() || s.size() > kMaxUserIdChars)
        return false;
    for (char c : s) {
        if (!isUserIdChar(char16_t(uchar(c))))
            return false;
    }
    return true;
}

} // namespace pairmatch
