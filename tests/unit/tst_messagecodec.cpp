// MessageCodec: decoding (one row per input and the outcome on each endpoint, through both the
// UTF-8 and the UTF-16 entry points), the decoded fields, and every server frame it builds.
#include "messagecodec.h"
#include "textframe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <array>
#include <type_traits>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

// "ok" or the error code's wire name: readable in a failed QCOMPARE.
QString outcome(std::optional<ErrorCode> error)
{
    return error ? QString(errorCodeName(*error)) : u"ok"_s;
}

QString endpointName(Endpoint endpoint)
{
    return endpoint == Endpoint::Matching ? u"matching"_s : u"round"_s;
}

QByteArray repeated(const QByteArray &piece, int times)
{
    return piece.repeated(times);
}

// A user object whose compact form is exactly `bytes` long: {"userId":"a","pad":"xx..."}.
QByteArray userOfSize(qsizetype bytes, const QByteArray &userId = "a")
{
    const QByteArray head = R"({"userId":")" + userId + R"(","pad":")";
    const QByteArray tail = R"("})";
    return head + QByteArray(bytes - head.size() - tail.size(), 'x') + tail;
}

QByteArray entryWith(const QByteArray &user)
{
    return R"({"command":"entry","user":)" + user + '}';
}

QByteArray preparedWith(const QByteArray &user)
{
    return R"({"command":"prepared","token":"t","user":)" + user + '}';
}

QByteArray gameWith(const QByteArray &data)
{
    return R"({"command":"game","data":)" + data + '}';
}

// An independent minifier: drops JSON whitespace outside strings, nothing else.
QByteArray minify(QByteArrayView json)
{
    QByteArray out;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            out += c;
            if (c == '\\') {
                out += json[++i];
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
            out += c;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            out += c;
        }
    }
    return out;
}

QJsonObject parseObject(QByteArrayView payload, QJsonParseError *error = nullptr)
{
    return QJsonDocument::fromJson(payload.toByteArray(), error).object();
}

// The "data" bytes of a game frame's payload, as spliced in.
QByteArray splicedData(QByteArrayView payload, QByteArrayView userId)
{
    const QByteArray head
        = R"({"command":"game","userId":")" + userId.toByteArray() + R"(","data":)";
    constexpr QByteArrayView tail = R"(,"seq":1})";
    if (!payload.startsWith(head) || !payload.endsWith(tail))
        return "<not a game payload>";
    return payload.sliced(head.size(), payload.size() - head.size() - tail.size()).toByteArray();
}

constexpr std::array<Endpoint, 2> kEndpoints {Endpoint::Matching, Endpoint::Round};

} // namespace

class TestMessageCodec final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // decoding: outcome per endpoint, both entry points
    void decodeOutcome_data();
    void decodeOutcome();
    void invalidUtf8_data();
    void invalidUtf8();
    void byteOrderMark();
    void utf16Only_data();
    void utf16Only();

    // decoded fields
    void entryFields();
    void preparedFields();
    void userId_data();
    void userId();
    void userSize_data();
    void userSize();
    void token_data();
    void token();
    void lastSeq_data();
    void lastSeq();
    void lastSeqOnlyCountsInPrepared();
    void replayedAwayBackFrames();
    void dataSize_data();
    void dataSize();
    void deepNestingBalancedIsData();
    void decodeResetsReusedMessage();

    // encoding
    void errorCodeNames();
    void commandNames();
    void fixedFrames_data();
    void fixedFrames();
    void errorFrames();
    void prepareFrame();
    void startFrame();
    void gameFrameAbsentData();
    void gameFrameCompact_data();
    void gameFrameCompact();
    void gameFrameLoneSurrogateUtf16();
    void gameFrameRoundTrip_data();
    void gameFrameRoundTrip();
    void compactUser_data();
    void compactUser();
    void isValidUserId_data();
    void isValidUserId();
};

// ------------------------------------------------------------------------------------------
// Decoding outcomes

void TestMessageCodec::decodeOutcome_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("matching");
    QTest::addColumn<QString>("round");

    const auto row = [](const char *name, const QByteArray &input, const char *matching,
                         const char *round) {
        QTest::newRow(name) << input << QString::fromLatin1(matching) << QString::fromLatin1(round);
    };
    const QByteArray entryA = R"({"command":"entry","user":{"userId":"a"}})";
    const QByteArray preparedA = R"({"command":"prepared","user":{"userId":"a"},"token":"t"})";

    // well-formed messages of each command, on each endpoint
    row("entry", entryA, "ok", "unknown_command");
    row("cancel", R"({"command":"cancel"})", "ok", "unknown_command");
    row("prepared", preparedA, "unknown_command", "ok");
    row("game", R"({"command":"game","data":1})", "unknown_command", "ok");
    row("game without data", R"({"command":"game"})", "unknown_command", "ok");
    row("end", R"({"command":"end"})", "unknown_command", "ok");
    row("entry without user on round", R"({"command":"entry"})", "bad_user", "unknown_command");
    row("prepared without user on matching", R"({"command":"prepared"})", "unknown_command",
        "bad_user");

    // not JSON at all
    row("empty", "", "bad_json", "bad_json");
    row("whitespace only", " \t\r\n", "bad_json", "bad_json");
    row("plain text", "hello", "bad_json", "bad_json");
    row("lone brace", "{", "bad_json", "bad_json");
    row("lone closing brace", "}", "bad_json", "bad_json");
    row("truncated after value", R"({"command":"cancel")", "bad_json", "bad_json");
    row("truncated in string", R"({"command":"canc)", "bad_json", "bad_json");
    row("truncated after colon", R"({"command":)", "bad_json", "bad_json");
    row("truncated in nested", R"({"command":"cancel","x":[1,{"a":)", "bad_json", "bad_json");
    row("trailing garbage", R"({"command":"cancel"}x)", "bad_json", "bad_json");
    row("two objects", R"({"command":"cancel"}{"command":"cancel"})", "bad_json", "bad_json");
    row("trailing comma after object", R"({"command":"cancel"},)", "bad_json", "bad_json");
    row("surrounding whitespace", " \t\r\n{ \"command\" : \"cancel\" }\r\n\t ", "ok",
        "unknown_command");
    row("vertical tab is not whitespace", "\x0b{\"command\":\"cancel\"}", "bad_json", "bad_json");
    row("form feed is not whitespace", "{\"command\":\"cancel\"}\x0c", "bad_json", "bad_json");
    row("nbsp is not whitespace", "\xc2\xa0{\"command\":\"cancel\"}", "bad_json", "bad_json");
    row("nul after object", QByteArray(R"({"command":"cancel"})") + '\0', "bad_json", "bad_json");

    // JSON, but not an object
    row("top-level array", R"([{"command":"cancel"}])", "bad_json", "bad_json");
    row("top-level string", R"("cancel")", "bad_json", "bad_json");
    row("top-level number", "42", "bad_json", "bad_json");
    row("top-level null", "null", "bad_json", "bad_json");
    row("top-level true", "true", "bad_json", "bad_json");

    // object syntax
    row("trailing comma in object", R"({"command":"cancel",})", "bad_json", "bad_json");
    row("leading comma in object", R"({,"command":"cancel"})", "bad_json", "bad_json");
    row("double comma", R"({"command":"cancel",,"x":1})", "bad_json", "bad_json");
    row("missing comma", R"({"command":"cancel" "x":1})", "bad_json", "bad_json");
    row("missing colon", R"({"command" "cancel"})", "bad_json", "bad_json");
    row("missing value", R"({"command":"cancel","x":})", "bad_json", "bad_json");
    row("unquoted key", R"({command:"cancel"})", "bad_json", "bad_json");
    row("single-quoted strings", R"({'command':'cancel'})", "bad_json", "bad_json");
    row("number key", R"({1:"cancel","command":"cancel"})", "bad_json", "bad_json");
    row("array in place of object close", R"({"command":"cancel"])", "bad_json", "bad_json");

    // command missing or not a string
    row("empty object", "{}", "bad_json", "bad_json");
    row("empty object spaced", "{ }", "bad_json", "bad_json");
    row("no command", R"({"user":{"userId":"a"}})", "bad_json", "bad_json");
    row("command number", R"({"command":1})", "bad_json", "bad_json");
    row("command null", R"({"command":null})", "bad_json", "bad_json");
    row("command true", R"({"command":true})", "bad_json", "bad_json");
    row("command array", R"({"command":["cancel"]})", "bad_json", "bad_json");
    row("command object", R"({"command":{"name":"cancel"}})", "bad_json", "bad_json");
    row("command key in nested object only", R"({"x":{"command":"cancel"}})", "bad_json",
        "bad_json");
    row("Command is another key", R"({"Command":"cancel"})", "bad_json", "bad_json");
    row("command key with nul", "{\"command\\u0000\":\"cancel\"}", "bad_json", "bad_json");

    // unknown commands
    row("unknown command", R"({"command":"dance"})", "unknown_command", "unknown_command");
    row("empty command", R"({"command":""})", "unknown_command", "unknown_command");
    row("command case differs", R"({"command":"Cancel"})", "unknown_command", "unknown_command");
    row("command with space", R"({"command":"cancel "})", "unknown_command", "unknown_command");
    row("command with nul escape", R"({"command":"cancel\u0000"})", "unknown_command",
        "unknown_command");
    row("server command entried", R"({"command":"entried"})", "unknown_command", "unknown_command");
    row("server command error", R"({"command":"error","code":"bad_json"})", "unknown_command",
        "unknown_command");
    row("long command", R"({"command":")" + QByteArray(300, 'c') + R"("})", "unknown_command",
        "unknown_command");
    row("command prefix of long one", R"({"command":"cancel)" + QByteArray(200, 'x') + R"("})",
        "unknown_command", "unknown_command");
    row("unknown command beats bad user", R"({"command":"dance","user":5})", "unknown_command",
        "unknown_command");
    row("syntax beats unknown command", R"({"command":"dance","x":[})", "bad_json", "bad_json");

    // bad JSON inside a field nobody reads
    row("ignored field unbalanced", R"({"command":"cancel","x":[1,2})", "bad_json", "bad_json");
    row("ignored field bad literal", R"({"command":"cancel","x":tru})", "bad_json", "bad_json");
    row("ignored field bad escape", R"({"command":"cancel","x":"\q"})", "bad_json", "bad_json");
    row("ignored field before command", R"({"x":{"a" 1},"command":"cancel"})", "bad_json",
        "bad_json");
    row("ignored field trailing comma in array", R"({"command":"cancel","x":[1,]})", "bad_json",
        "bad_json");
    row("ignored field trailing comma in object", R"({"command":"cancel","x":{"a":1,}})",
        "bad_json", "bad_json");
    row("ignored field mismatched brackets", R"({"command":"cancel","x":[}]})", "bad_json",
        "bad_json");
    row("ignored field of every kind",
        R"({"command":"cancel","a":[],"b":{},"c":[1,-2.5e+3,"s",true,false,null,{"d":[{}]}]})",
        "ok", "unknown_command");

    // escapes
    row("valid escapes", R"({"command":"cancel","x":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"})", "ok",
        "unknown_command");
    row("escape uppercase hex", R"({"command":"cancel","x":"\u00E9\uABCD"})", "ok",
        "unknown_command");
    row("invalid escape x", R"({"command":"cancel","x":"\x41"})", "bad_json", "bad_json");
    row("invalid escape quote", R"({"command":"cancel","x":"\'"})", "bad_json", "bad_json");
    row("invalid escape U", R"({"command":"cancel","x":"\U0041"})", "bad_json", "bad_json");
    row("invalid escape 0", R"({"command":"cancel","x":"\0"})", "bad_json", "bad_json");
    row("short unicode escape", R"({"command":"cancel","x":"\u12"})", "bad_json", "bad_json");
    row("non-hex unicode escape", R"({"command":"cancel","x":"\u12G4"})", "bad_json", "bad_json");
    row("unicode escape at end", R"({"command":"cancel","x":"\u)", "bad_json", "bad_json");
    row("backslash at end", R"({"command":"cancel","x":"\)", "bad_json", "bad_json");
    row("escaped quote does not end string", R"({"command":"cancel","x":"\"})", "bad_json",
        "bad_json");
    row("escaped command key", R"({"comm\u0061nd":"cancel"})", "ok", "unknown_command");
    row("escaped command value", R"({"command":"c\u0061ncel"})", "ok", "unknown_command");
    row("escaped slash in command", R"({"command":"\/cancel"})", "unknown_command",
        "unknown_command");
    row("escaped user key", R"({"command":"entry","us\u0065r":{"user\u0049d":"\u0061"}})", "ok",
        "unknown_command");
    row("escaped game command", R"({"command":"\u0067ame","d\u0061ta":1})", "unknown_command",
        "ok");

    // raw control characters
    row("raw control char in string",
        "{\"command\":\"cancel\",\"x\":\"a\x01"
        "b\"}",
        "bad_json", "bad_json");
    row("raw tab in string", "{\"command\":\"cancel\",\"x\":\"a\tb\"}", "bad_json", "bad_json");
    row("raw newline in string", "{\"command\":\"cancel\",\"x\":\"a\nb\"}", "bad_json", "bad_json");
    row("raw unit separator in string", "{\"command\":\"cancel\",\"x\":\"\x1f\"}", "bad_json",
        "bad_json");
    row("raw nul in string", QByteArray(R"({"command":"cancel","x":"a)") + '\0' + R"(b"})",
        "bad_json", "bad_json");
    row("raw control char in command",
        "{\"command\":\"can\x01"
        "cel\"}",
        "bad_json", "bad_json");
    row("raw control char in key",
        "{\"comm\x02"
        "and\":\"cancel\"}",
        "bad_json", "bad_json");
    row("raw del in string", "{\"command\":\"cancel\",\"x\":\"\x7f\"}", "ok", "unknown_command");
    row("raw control char outside string", "{\"command\":\"cancel\",\x01\"x\":1}", "bad_json",
        "bad_json");

    // lone surrogate escapes are valid JSON
    row("lone high surrogate escape", R"({"command":"cancel","x":"\uD800"})", "ok",
        "unknown_command");
    row("lone low surrogate escape", R"({"command":"cancel","x":"\uDC00"})", "ok",
        "unknown_command");
    row("reversed surrogate escapes", R"({"command":"cancel","x":"\uDC00\uD800"})", "ok",
        "unknown_command");
    row("high surrogate escape then ascii", R"({"command":"cancel","x":"\uDBFFA"})", "ok",
        "unknown_command");

    // valid UTF-8
    row("two-byte utf8", "{\"command\":\"cancel\",\"x\":\"\xc3\xa9\"}", "ok", "unknown_command");
    row("three-byte utf8", "{\"command\":\"cancel\",\"x\":\"\xe2\x82\xac\"}", "ok",
        "unknown_command");
    row("four-byte utf8", "{\"command\":\"cancel\",\"x\":\"\xf0\x9f\x98\x80\"}", "ok",
        "unknown_command");
    row("highest code point", "{\"command\":\"cancel\",\"x\":\"\xf4\x8f\xbf\xbf\"}", "ok",
        "unknown_command");
    row("utf8 in key", "{\"command\":\"cancel\",\"\xc3\xa9\":1}", "ok", "unknown_command");
    row("utf8 command", "{\"command\":\"canc\xc3\xa9l\"}", "unknown_command", "unknown_command");
    row("utf8 outside string", "{\"command\":\"cancel\",\"x\":\xc3\xa9}", "bad_json", "bad_json");

    // numbers (in an ignored field)
    const auto number = [&](const char *name, const char *text, bool valid) {
        row(name, R"({"command":"cancel","x":)" + QByteArray(text) + '}', valid ? "ok" : "bad_json",
            valid ? "unknown_command" : "bad_json");
    };
    number("number 0", "0", true);
    number("number -0", "-0", true);
    number("number 123", "123", true);
    number("number -123", "-123", true);
    number("number 1.5", "1.5", true);
    number("number -0.25", "-0.25", true);
    number("number 1e5", "1e5", true);
    number("number 1E5", "1E5", true);
    number("number 1e+5", "1e+5", true);
    number("number 1e-5", "1e-5", true);
    number("number 1.5e-05", "1.5e-05", true);
    number("number 0e0", "0e0", true);
    number("number huge exponent", "1e999999", true);
    number("number many digits", "123456789012345678901234567890123456789", true);
    number("number leading zero", "01", false);
    number("number leading zeros", "00", false);
    number("number negative leading zero", "-01", false);
    number("number minus only", "-", false);
    number("number minus space", "- 1", false);
    number("number plus", "+1", false);
    number("number trailing dot", "1.", false);
    number("number leading dot", ".5", false);
    number("number dot exponent", "1.e5", false);
    number("number exponent only", "1e", false);
    number("number exponent sign only", "1e+", false);
    number("number exponent minus only", "1e-", false);
    number("number double sign exponent", "1e+-5", false);
    number("number hex", "0x10", false);
    number("number underscore", "1_000", false);
    number("number NaN", "NaN", false);
    number("number Infinity", "Infinity", false);
    number("number -Infinity", "-Infinity", false);
    number("number two dots", "1.2.3", false);
    number("number minus letter", "-a", false);

    // literals
    number("literal true", "true", true);
    number("literal false", "false", true);
    number("literal null", "null", true);
    number("literal tru", "tru", false);
    number("literal nul", "nul", false);
    number("literal fals", "fals", false);
    number("literal True", "True", false);
    number("literal NULL", "NULL", false);
    number("literal truex", "truex", false);
    number("literal nulll", "nulll", false);
    number("literal undefined", "undefined", false);

    // duplicate keys: the last one counts, as in JavaScript
    row("duplicate command last known", R"({"command":"dance","command":"cancel"})", "ok",
        "unknown_command");
    row("duplicate command last unknown", R"({"command":"cancel","command":"dance"})",
        "unknown_command", "unknown_command");
    row("duplicate command last not string", R"({"command":"cancel","command":1})", "bad_json",
        "bad_json");
    row("duplicate command first not string", R"({"command":1,"command":"cancel"})", "ok",
        "unknown_command");
    row("duplicate command via escape", R"({"command":"cancel","comm\u0061nd":"end"})",
        "unknown_command", "ok");
    row("duplicate user last bad", R"({"command":"entry","user":{"userId":"a"},"user":5})",
        "bad_user", "unknown_command");
    row("duplicate user last good", R"({"command":"entry","user":5,"user":{"userId":"a"}})", "ok",
        "unknown_command");

    // user
    const auto user = [&](const char *name, const QByteArray &userJson, const char *expected) {
        row(QByteArray("entry user " + QByteArray(name)).constData(), entryWith(userJson), expected,
            "unknown_command");
        row(QByteArray("prepared user " + QByteArray(name)).constData(), preparedWith(userJson),
            "unknown_command", expected);
    };
    user("valid", R"({"userId":"alice"})", "ok");
    user("with extra fields", R"({"userId":"alice","name":"Alice","rating":1500})", "ok");
    user("null", "null", "bad_user");
    user("string", R"("alice")", "bad_user");
    user("number", "5", "bad_user");
    user("true", "true", "bad_user");
    user("array", R"([{"userId":"alice"}])", "bad_user");
    user("empty object", "{}", "bad_user");
    user("userId missing", R"({"id":"alice"})", "bad_user");
    user("userId only nested", R"({"profile":{"userId":"alice"}})", "bad_user");
    user("userId empty", R"({"userId":""})", "bad_user");
    user("userId 64 chars", R"({"userId":")" + QByteArray(64, 'u') + R"("})", "ok");
    user("userId 65 chars", R"({"userId":")" + QByteArray(65, 'u') + R"("})", "bad_user");
    user("userId 200 chars", R"({"userId":")" + QByteArray(200, 'u') + R"("})", "bad_user");
    user("userId space", R"({"userId":"a b"})", "bad_user");
    user("userId slash", R"({"userId":"a/b"})", "bad_user");
    user("userId plus", R"({"userId":"a+b"})", "bad_user");
    user("userId escaped newline", R"({"userId":"a\nb"})", "bad_user");
    user("userId escaped nul", R"({"userId":"a\u0000"})", "bad_user");
    user("userId utf8", "{\"userId\":\"\xc3\xa9\"}", "bad_user");
    user("userId escaped non-ascii", R"({"userId":"\u00e9"})", "bad_user");
    user("userId emoji", "{\"userId\":\"\xf0\x9f\x98\x80\"}", "bad_user");
    user("userId number", R"({"userId":5})", "bad_user");
    user("userId null", R"({"userId":null})", "bad_user");
    user("userId array", R"({"userId":["alice"]})", "bad_user");
    user("userId object", R"({"userId":{"id":"alice"}})", "bad_user");
    user("userId every allowed char", R"({"userId":"AZaz09_.@-"})", "ok");
    user("userId escaped ascii", R"({"userId":"\u0061\u0062"})", "ok");
    user("userId 64 escaped chars", R"({"userId":")" + repeated(R"(\u0061)", 64) + R"("})", "ok");
    user("userId 65 escaped chars", R"({"userId":")" + repeated(R"(\u0061)", 65) + R"("})",
        "bad_user");
    user("userId key escaped", R"({"user\u0049d":"alice"})", "ok");
    user("userId duplicate last good", R"({"userId":"a b","userId":"alice"})", "ok");
    user("userId duplicate last bad", R"({"userId":"alice","userId":""})", "bad_user");
    user("userId duplicate last not string", R"({"userId":"alice","userId":1})", "bad_user");
    user("at size limit", userOfSize(2048), "ok");
    user("one over size limit", userOfSize(2049), "too_large");
    user("far over size limit", userOfSize(60000), "too_large");
    user("bad userId over size limit", userOfSize(3000, ""), "bad_user");
    user("missing userId over size limit", R"({"pad":")" + QByteArray(3000, 'x') + R"("})",
        "bad_user");
    row("entry user syntax error", entryWith(R"({"userId":"alice","x":[})"), "bad_json",
        "bad_json");
    row("prepared user syntax error", preparedWith(R"({"userId":"alice","x":[})"), "bad_json",
        "bad_json");
    row("entry missing user", R"({"command":"entry"})", "bad_user", "unknown_command");
    row("prepared missing user", R"({"command":"prepared","token":"t"})", "unknown_command",
        "bad_user");

    // deep nesting: no crash, and unbalanced is bad_json
    const QByteArray deepOpen(100000, '[');
    const QByteArray deepClose(100000, ']');
    row("deep unbalanced array in ignored field", R"({"command":"cancel","x":)" + deepOpen + '}',
        "bad_json", "bad_json");
    row("deep unbalanced array as data", gameWith(deepOpen), "bad_json", "bad_json");
    row("deep unbalanced array one short",
        gameWith(deepOpen + deepClose.first(deepClose.size() - 1)), "bad_json", "bad_json");
    row("deep unbalanced array one extra", gameWith(deepOpen + deepClose + ']'), "bad_json",
        "bad_json");
    row("deep balanced array as data", gameWith(deepOpen + deepClose), "unknown_command", "ok");
    row("deep balanced array in ignored field",
        R"({"command":"cancel","x":)" + deepOpen + deepClose + '}', "ok", "unknown_command");
    row("deep unbalanced objects", gameWith(repeated(R"({"a":)", 50000) + '1'), "bad_json",
        "bad_json");
    row("deep balanced objects",
        gameWith(repeated(R"({"a":)", 50000) + '1' + QByteArray(50000, '}')), "unknown_command",
        "ok");
    row("deep mixed", gameWith(repeated(R"([{"a":)", 30000) + "null" + repeated("}]", 30000)),
        "unknown_command", "ok");
    row("deep mismatched", gameWith(repeated(R"([{"a":)", 30000) + "null" + repeated("]}", 30000)),
        "bad_json", "bad_json");
    row("deep unbalanced in user",
        entryWith(R"({"userId":"a","x":)" + QByteArray(100000, '[') + '}'), "bad_json", "bad_json");
    row("deep balanced in user within limit",
        entryWith(R"({"userId":"a","x":)" + QByteArray(1000, '[') + QByteArray(1000, ']') + '}'),
        "ok", "unknown_command");
    row("deep balanced in user over limit",
        entryWith(R"({"userId":"a","x":)" + deepOpen + deepClose + '}'), "too_large",
        "unknown_command");
}

void TestMessageCodec::decodeOutcome()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, matching);
    QFETCH(QString, round);

    const QString utf16 = QString::fromUtf8(input);
    QCOMPARE(utf16.toUtf8(), input); // the rows are valid UTF-8: both paths see the same text
    const MessageCodec codec;
    for (const Endpoint endpoint : kEndpoints) {
        const QString expected = endpoint == Endpoint::Matching ? matching : round;
        const QString where = endpointName(endpoint);
        ClientMessage m8;
        QCOMPARE(where + u" utf8: "_s + outcome(codec.decode(QByteArrayView(input), endpoint, m8)),
            where + u" utf8: "_s + expected);
        ClientMessage m16;
        QCOMPARE(where + u" utf16: "_s + outcome(codec.decode(QStringView(utf16), endpoint, m16)),
            where + u" utf16: "_s + expected);
    }
}

// Bytes that are not UTF-8: bad_json on the UTF-8 path. The same bytes read with
// QString::fromUtf8 (which substitutes U+FFFD) are valid text when inside a string.
void TestMessageCodec::invalidUtf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("inString");

    const QList<std::pair<const char *, QByteArray>> sequences {
        {"ff", "\xff"},
        {"fe", "\xfe"},
        {"lone continuation", "\x80"},
        {"overlong nul", "\xc0\x80"},
        {"overlong slash", "\xc1\xaf"},
        {"overlong three-byte", "\xe0\x80\xaf"},
        {"overlong four-byte", "\xf0\x80\x80\xaf"},
        {"encoded high surrogate", "\xed\xa0\x80"},
        {"encoded low surrogate", "\xed\xbf\xbf"},
        {"above U+10FFFF", "\xf4\x90\x80\x80"},
        {"f5 lead", "\xf5\x80\x80\x80"},
        {"truncated two-byte", "\xc3"},
        {"truncated three-byte", "\xe2\x82"},
        {"truncated four-byte", "\xf0\x9f\x98"},
        {"two-byte bad continuation", "\xc3\x41"},
        {"latin1 e-acute", "\xe9t\xe9"},
    };
    for (const auto &[name, seq] : sequences) {
        QTest::addRow("in string: %s", name)
            << QByteArray(R"({"command":"cancel","x":"a)" + seq + R"(b"})") << true;
        QTest::addRow("in key: %s", name)
            << QByteArray(R"({"command":"cancel",")" + seq + R"(":1})") << true;
        QTest::addRow("in command: %s", name)
            << QByteArray(R"({"command":"cancel)" + seq + R"("})") << true;
        QTest::addRow("at string end: %s", name)
            << QByteArray(R"({"command":"cancel","x":")" + seq) << false;
        QTest::addRow("outside string: %s", name)
            << QByteArray(R"({"command":"cancel","x":1)" + seq + '}') << false;
    }
}

void TestMessageCodec::invalidUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, inString);

    const MessageCodec codec;
    for (const Endpoint endpoint : kEndpoints) {
        ClientMessage m;
        QCOMPARE(outcome(codec.decode(QByteArrayView(bytes), endpoint, m)), u"bad_json"_s);
    }
    // Read as UTF-16 the bad bytes are U+FFFD: a string holding them is well-formed.
    const QString text = QString::fromUtf8(bytes);
    ClientMessage m;
    const QString expected = !inString            ? u"bad_json"_s
        : bytes.contains(R"("command":"cancel")") ? u"ok"_s
                                                  : u"unknown_command"_s;
    QCOMPARE(outcome(codec.decode(QStringView(text), Endpoint::Matching, m)), expected);
}

// A byte order mark is not JSON whitespace (RFC 8259 section 8.1: do not add one).
void TestMessageCodec::byteOrderMark()
{
    const QByteArray input = "\xef\xbb\xbf{\"command\":\"end\"}";
    ClientMessage m;
    QCOMPARE(
        outcome(MessageCodec().decode(QByteArrayView(input), Endpoint::Round, m)), u"bad_json"_s);
    const QString text = QChar(char16_t(0xFEFF)) + u"{\"command\":\"end\"}"_s;
    QCOMPARE(outcome(MessageCodec().decode(QStringView(text), Endpoint::Round, m)), u"bad_json"_s);
}

// UTF-16 text that no UTF-8 input produces: lone surrogates, raw.
void TestMessageCodec::utf16Only_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("round");

    const QChar high(char16_t(0xD800));
    const QChar low(char16_t(0xDC00));
    QTest::newRow("lone high surrogate in string")
        << u"{\"command\":\"game\",\"data\":\"a"_s + high + u"b\"}"_s << u"ok"_s;
    QTest::newRow("lone low surrogate in string")
        << u"{\"command\":\"game\",\"data\":\""_s + low + u"\"}"_s << u"ok"_s;
    QTest::newRow("high surrogate at string end")
        << u"{\"command\":\"game\",\"data\":\""_s + high + u"\"}"_s << u"ok"_s;
    QTest::newRow("high surrogate at text end")
        << u"{\"command\":\"game\",\"data\":\""_s + high << u"bad_json"_s;
    QTest::newRow("lone surrogate in key")
        << u"{\"command\":\"game\",\""_s + high + u"\":1}"_s << u"ok"_s;
    QTest::newRow("lone surrogate outside string")
        << u"{\"command\":\"game\",\"data\":1"_s + high + u"}"_s << u"bad_json"_s;
    QTest::newRow("lone surrogate in userId")
        << u"{\"command\":\"prepared\",\"token\":\"t\",\"user\":{\"userId\":\"a"_s + high
            + u"\"}}"_s
        << u"bad_user"_s;
    QTest::newRow("ideographic space before object")
        << u"\u3000{\"command\":\"end\"}"_s << u"bad_json"_s;
    QTest::newRow("fullwidth brace") << u"\uFF5B\"command\":\"end\"}"_s << u"bad_json"_s;
    QTest::newRow("non-ascii digit in number")
        << u"{\"command\":\"game\",\"data\":\u0661}"_s << u"bad_json"_s;
}

void TestMessageCodec::utf16Only()
{
    QFETCH(QString, text);
    QFETCH(QString, round);
    ClientMessage m;
    QCOMPARE(outcome(MessageCodec().decode(QStringView(text), Endpoint::Round, m)), round);
}

// ------------------------------------------------------------------------------------------
// Decoded fields

void TestMessageCodec::entryFields()
{
    const QByteArray input = R"({ "user" : { "userId" : "alice_1", "rating" : 1500,
        "tags" : [ "a b", "\u00e9", "é" ] }, "command" : "entry", "token" : "ignored" })";
    const QByteArray compact = R"({"userId":"alice_1","rating":1500,"tags":["a b","\u00e9","é"]})";
    const QString utf16 = QString::fromUtf8(input);
    const MessageCodec codec;

    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Matching, m8)), u"ok"_s);
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Matching, m16)), u"ok"_s);
    for (const ClientMessage *m : {&m8, &m16}) {
        QCOMPARE(m->command, Command::Entry);
        QCOMPARE(m->userId, "alice_1");
        QCOMPARE(m->userBytes, compact.size());
        QCOMPARE(MessageCodec::compactUser(*m), compact);
        QVERIFY(m->user.isValid());
        QCOMPARE(m->hasToken, false); // a token is only read from `prepared`
        QVERIFY(m->token.isEmpty());
        QVERIFY(!m->data.isValid());
        QCOMPARE(m->dataTooLarge, false);
    }
    // The spans refer into the text it was decoded from.
    QCOMPARE(m8.source.data(), static_cast<const void *>(input.constData()));
    QCOMPARE(m8.source.size(), input.size());
    QVERIFY(m8.source.visit([](auto v) { return std::is_same_v<decltype(v), QUtf8StringView>; }));
    QCOMPARE(m16.source.data(), static_cast<const void *>(utf16.constData()));
    QCOMPARE(m16.source.size(), utf16.size());
    QVERIFY(m16.source.visit([](auto v) { return std::is_same_v<decltype(v), QStringView>; }));
    QCOMPARE(input.sliced(m8.user.begin, m8.user.end - m8.user.begin).front(), '{');
    QCOMPARE(input.sliced(m8.user.begin, m8.user.end - m8.user.begin).back(), '}');
}

void TestMessageCodec::preparedFields()
{
    const QByteArray input = R"({"command":"prepared","token":"AbC-_0123456789abcdefgh",)"
                             R"("user":{"userId":"bob","x":[1, 2]}})";
    const MessageCodec codec;
    ClientMessage m;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.command, Command::Prepared);
    QCOMPARE(m.userId, "bob");
    QCOMPARE(m.hasToken, true);
    QCOMPARE(m.token, "AbC-_0123456789abcdefgh");
    QCOMPARE(MessageCodec::compactUser(m), R"({"userId":"bob","x":[1,2]})");
    QCOMPARE(m.userBytes, 26);
}

void TestMessageCodec::userId_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("userId");

    QTest::newRow("plain") << QByteArray(R"({"userId":"alice"})") << QByteArray("alice");
    QTest::newRow("every allowed char")
        << QByteArray(R"({"userId":"AZaz09_.@-"})") << QByteArray("AZaz09_.@-");
    QTest::newRow("one char") << QByteArray(R"({"userId":"x"})") << QByteArray("x");
    QTest::newRow("64 chars") << QByteArray(R"({"userId":")" + QByteArray(64, 'k') + R"("})")
                              << QByteArray(64, 'k');
    QTest::newRow("escapes decoded")
        << QByteArray(R"({"userId":"\u0061\u002d\u0042"})") << QByteArray("a-B");
    QTest::newRow("not first key")
        << QByteArray(R"({"name":"userId","userId":"bob","rating":1})") << QByteArray("bob");
    QTest::newRow("nested userId ignored")
        << QByteArray(R"({"userId":"bob","profile":{"userId":"mallory"}})") << QByteArray("bob");
    QTest::newRow("duplicate last wins")
        << QByteArray(R"({"userId":"first","userId":"second"})") << QByteArray("second");
    QTest::newRow("escaped key") << QByteArray(R"({"\u0075serId":"bob"})") << QByteArray("bob");
    QTest::newRow("spaced") << QByteArray(" { \"userId\" :\t\"bob\" \n} ") << QByteArray("bob");
}

void TestMessageCodec::userId()
{
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, userId);
    const MessageCodec codec;
    const QByteArray entry = entryWith(user);
    const QByteArray prepared = preparedWith(user);
    const QString entry16 = QString::fromUtf8(entry);
    const QString prepared16 = QString::fromUtf8(prepared);
    ClientMessage m;
    QCOMPARE(outcome(codec.decode(QByteArrayView(entry), Endpoint::Matching, m)), u"ok"_s);
    QCOMPARE(m.userId, userId);
    QCOMPARE(outcome(codec.decode(QStringView(entry16), Endpoint::Matching, m)), u"ok"_s);
    QCOMPARE(m.userId, userId);
    QCOMPARE(outcome(codec.decode(QByteArrayView(prepared), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.userId, userId);
    QCOMPARE(outcome(codec.decode(QStringView(prepared16), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.userId, userId);
    QCOMPARE(MessageCodec::compactUser(m), minify(user.trimmed()));
}

// The user limit counts compact UTF-8 bytes: whitespace outside strings is free, every
// character inside a string counts as UTF-8 (escapes as written).
void TestMessageCodec::userSize_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<qsizetype>("compactBytes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("at limit") << userOfSize(2048) << qsizetype(2048) << u"ok"_s;
    QTest::newRow("one over") << userOfSize(2049) << qsizetype(2049) << u"too_large"_s;
    QTest::newRow("one under") << userOfSize(2047) << qsizetype(2047) << u"ok"_s;

    // 2048 compact bytes, with 3000 bytes of whitespace between the tokens
    QByteArray spaced = userOfSize(2048);
    spaced.replace("\":\"", "\" \t\r\n : \r\n\t \"").replace(",", QByteArray(3000, ' ') + ',');
    spaced = "  \n" + spaced + "\n  ";
    QTest::newRow("at limit with whitespace") << spaced << qsizetype(2048) << u"ok"_s;
    QByteArray spacedOver = userOfSize(2049);
    spacedOver.replace(",", QByteArray(100, '\n') + ',');
    QTest::newRow("one over with whitespace") << spacedOver << qsizetype(2049) << u"too_large"_s;

    // whitespace inside a string counts
    QByteArray innerSpaces = userOfSize(2049);
    innerSpaces.replace("xxxx", "x  x");
    QTest::newRow("spaces inside strings count")
        << innerSpaces << qsizetype(2049) << u"too_large"_s;

    // non-ASCII: 2 bytes each for U+00E9 (é), 6 for the escape \u00e9, 4 for U+1F600
    const QByteArray head = R"({"userId":"a","pad":")";
    const QByteArray tail = R"("})";
    const qsizetype room = 2048 - head.size() - tail.size(); // 2025
    QTest::newRow("two-byte chars at limit")
        << QByteArray(head + repeated("\xc3\xa9", int(room / 2)) + QByteArray(room % 2, 'x') + tail)
        << qsizetype(2048) << u"ok"_s;
    QTest::newRow("two-byte chars one over") << QByteArray(
        head + repeated("\xc3\xa9", int(room / 2)) + QByteArray(room % 2 + 1, 'x') + tail)
                                             << qsizetype(2049) << u"too_large"_s;
    QTest::newRow("four-byte chars at limit") << QByteArray(
        head + repeated("\xf0\x9f\x98\x80", int(room / 4)) + QByteArray(room % 4, 'x') + tail)
                                              << qsizetype(2048) << u"ok"_s;
    QTest::newRow("four-byte chars one over") << QByteArray(
        head + repeated("\xf0\x9f\x98\x80", int(room / 4)) + QByteArray(room % 4 + 1, 'x') + tail)
                                              << qsizetype(2049) << u"too_large"_s;
    QTest::newRow("escapes count as written") << QByteArray(
        head + repeated(R"(\u00e9)", int(room / 6)) + QByteArray(room % 6, 'x') + tail)
                                              << qsizetype(2048) << u"ok"_s;
}

void TestMessageCodec::userSize()
{
    QFETCH(QByteArray, user);
    QFETCH(qsizetype, compactBytes);
    QFETCH(QString, expected);

    QCOMPARE(minify(user.trimmed()).size(), compactBytes); // the row is what it claims
    const MessageCodec codec;
    const QByteArray input = entryWith(user);
    const QString utf16 = QString::fromUtf8(input);
    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Matching, m8)), expected);
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Matching, m16)), expected);
    if (expected == "ok"_L1) {
        QCOMPARE(m8.userBytes, compactBytes);
        QCOMPARE(m16.userBytes, compactBytes);
        QCOMPARE(MessageCodec::compactUser(m8), minify(user.trimmed()));
        QCOMPARE(MessageCodec::compactUser(m16), minify(user.trimmed()));
    }
}

void TestMessageCodec::token_data()
{
    QTest::addColumn<QByteArray>("tokenField"); // inserted as is; empty: no token
    QTest::addColumn<bool>("hasToken");
    QTest::addColumn<QByteArray>("token");

    QTest::newRow("string") << QByteArray(R"("token":"s3cr3t")") << true << QByteArray("s3cr3t");
    QTest::newRow("empty string") << QByteArray(R"("token":"")") << true << QByteArray();
    QTest::newRow("escapes decoded")
        << QByteArray(R"("token":"a\u0062\/c")") << true << QByteArray("ab/c");
    QTest::newRow("128 chars") << QByteArray(R"("token":")" + QByteArray(128, 't') + '"') << true
                               << QByteArray(128, 't');
    QTest::newRow("duplicate last wins")
        << QByteArray(R"("token":"one","token":"two")") << true << QByteArray("two");
    QTest::newRow("duplicate last not string")
        << QByteArray(R"("token":"one","token":1)") << false << QByteArray();
    QTest::newRow("absent") << QByteArray() << false << QByteArray();
    QTest::newRow("number") << QByteArray(R"("token":12345)") << false << QByteArray();
    QTest::newRow("null") << QByteArray(R"("token":null)") << false << QByteArray();
    QTest::newRow("true") << QByteArray(R"("token":true)") << false << QByteArray();
    QTest::newRow("array") << QByteArray(R"("token":["s3cr3t"])") << false << QByteArray();
    QTest::newRow("object") << QByteArray(R"("token":{"token":"s3cr3t"})") << false << QByteArray();
    QTest::newRow("nested only") << QByteArray(R"("x":{"token":"s3cr3t"})") << false
                                 << QByteArray();
    QTest::newRow("non-ascii") << QByteArray("\"token\":\"\xc3\xa9\"") << false << QByteArray();
}

void TestMessageCodec::lastSeq_data()
{
    QTest::addColumn<QByteArray>("field"); // inserted as is; empty: none
    QTest::addColumn<QString>("result");
    QTest::addColumn<qint64>("lastSeq");

    QTest::newRow("absent") << QByteArray() << u"ok"_s << qint64(-1);
    QTest::newRow("0") << QByteArray(R"("lastSeq":0)") << u"ok"_s << qint64(0);
    QTest::newRow("7") << QByteArray(R"("lastSeq":7)") << u"ok"_s << qint64(7);
    QTest::newRow("spaces") << QByteArray(R"("lastSeq" :  12 )") << u"ok"_s << qint64(12);
    QTest::newRow("2^53") << QByteArray(R"("lastSeq":9007199254740992)") << u"ok"_s
                          << qint64(9007199254740992);
    QTest::newRow("last wins") << QByteArray(R"("lastSeq":1,"lastSeq":2)") << u"ok"_s << qint64(2);
    QTest::newRow("2^53+1") << QByteArray(R"("lastSeq":9007199254740993)") << u"bad_seq"_s
                            << qint64(-1);
    QTest::newRow("20 digits") << QByteArray(R"("lastSeq":12345678901234567890)") << u"bad_seq"_s
                               << qint64(-1);
    QTest::newRow("negative") << QByteArray(R"("lastSeq":-1)") << u"bad_seq"_s << qint64(-1);
    QTest::newRow("fraction") << QByteArray(R"("lastSeq":1.5)") << u"bad_seq"_s << qint64(-1);
    QTest::newRow("7.0") << QByteArray(R"("lastSeq":7.0)") << u"bad_seq"_s << qint64(-1);
    QTest::newRow("exponent") << QByteArray(R"("lastSeq":1e2)") << u"bad_seq"_s << qint64(-1);
    QTest::newRow("string") << QByteArray(R"("lastSeq":"3")") << u"bad_seq"_s << qint64(-1);
    QTest::newRow("null") << QByteArray(R"("lastSeq":null)") << u"bad_seq"_s << qint64(-1);
    QTest::newRow("array") << QByteArray(R"("lastSeq":[3])") << u"bad_seq"_s << qint64(-1);
    QTest::newRow("not json") << QByteArray(R"("lastSeq":01)") << u"bad_json"_s << qint64(-1);
}

// `lastSeq`: a whole number from 0 to 2^53, else bad_seq (after the user's checks).
void TestMessageCodec::lastSeq()
{
    QFETCH(QByteArray, field);
    QFETCH(QString, result);
    QFETCH(qint64, lastSeq);

    const QByteArray input = R"({"command":"prepared","token":"t","user":{"userId":"u"})"
        + (field.isEmpty() ? QByteArray() : ',' + field) + '}';
    const QString utf16 = QString::fromUtf8(input);
    const MessageCodec codec;
    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Round, m8)), result);
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Round, m16)), result);
    if (result == "ok"_L1) {
        QCOMPARE(m8.lastSeq, lastSeq);
        QCOMPARE(m16.lastSeq, lastSeq);
    }
    // a bad user is answered first
    const QByteArray badUser = R"({"command":"prepared","user":{"userId":""},"lastSeq":-1})";
    ClientMessage m;
    QCOMPARE(outcome(codec.decode(QByteArrayView(badUser), Endpoint::Round, m)), u"bad_user"_s);
}

void TestMessageCodec::lastSeqOnlyCountsInPrepared()
{
    const MessageCodec codec;
    ClientMessage m;
    QCOMPARE(outcome(codec.decode(QByteArrayView(R"({"command":"game","lastSeq":"x","data":1})"),
                 Endpoint::Round, m)),
        u"ok"_s);
    QCOMPARE(m.lastSeq, qint64(-1));
    QCOMPARE(outcome(codec.decode(
                 QByteArrayView(R"({"command":"entry","user":{"userId":"u"},"lastSeq":-5})"),
                 Endpoint::Matching, m)),
        u"ok"_s);
    QCOMPARE(m.lastSeq, qint64(-1));
}

void TestMessageCodec::replayedAwayBackFrames()
{
    ClientMessage m;
    QCOMPARE(outcome(MessageCodec().decode(
                 QByteArrayView(R"({"command":"game","data":[1]})"), Endpoint::Round, m)),
        u"ok"_s);
    const QByteArray live = MessageCodec::gameFrame("alice", m, 12);
    const QByteArray again = MessageCodec::replayedFrame(textFramePayload(live));
    QCOMPARE(textFramePayload(again),
        R"({"command":"game","userId":"alice","data":[1],"seq":12,"replayed":true})");
    QCOMPARE(again.size(),
        textFrameHeaderSize(textFramePayload(again).size()) + textFramePayload(again).size());
    // across the 125-byte header boundary
    const QByteArray big = R"({"command":"game","data":")" + QByteArray(60, 'x') + R"("})";
    QCOMPARE(outcome(MessageCodec().decode(QByteArrayView(big), Endpoint::Round, m)), u"ok"_s);
    const QByteArray bigLive = MessageCodec::gameFrame("alice", m, 1);
    QVERIFY(textFramePayload(bigLive).size() <= 125);
    const QByteArray bigAgain = MessageCodec::replayedFrame(textFramePayload(bigLive));
    QVERIFY(textFramePayload(bigAgain).size() > 125);
    QCOMPARE(uchar(bigAgain[1]), uchar(126));
    QCOMPARE(parseObject(textFramePayload(bigAgain))[u"replayed"_s], QJsonValue(true));
    QCOMPARE(
        textFramePayload(MessageCodec::awayFrame("bob")), R"({"command":"away","userId":"bob"})");
    QCOMPARE(
        textFramePayload(MessageCodec::backFrame("bob")), R"({"command":"back","userId":"bob"})");
}

void TestMessageCodec::token()
{
    QFETCH(QByteArray, tokenField);
    QFETCH(bool, hasToken);
    QFETCH(QByteArray, token);

    const QByteArray input = R"({"command":"prepared","user":{"userId":"u"})"
        + (tokenField.isEmpty() ? QByteArray() : ',' + tokenField) + '}';
    const QString utf16 = QString::fromUtf8(input);
    const MessageCodec codec;
    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Round, m8)), u"ok"_s);
    QCOMPARE(m8.hasToken, hasToken);
    QCOMPARE(m8.token, token);
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Round, m16)), u"ok"_s);
    QCOMPARE(m16.hasToken, hasToken);
    QCOMPARE(m16.token, token);
}

// The data limit is reported, not an error: the pair's state is checked first.
void TestMessageCodec::dataSize_data()
{
    QTest::addColumn<QByteArray>("data"); // empty: no data field
    QTest::addColumn<qsizetype>("dataBytes");
    QTest::addColumn<bool>("tooLarge");

    const auto str = [](qsizetype bytes) {
        return '"' + QByteArray(bytes - 2, 's') + '"';
    };
    QTest::newRow("absent") << QByteArray() << qsizetype(4) << false;
    QTest::newRow("null") << QByteArray("null") << qsizetype(4) << false;
    QTest::newRow("number") << QByteArray("-1.5e+10") << qsizetype(8) << false;
    QTest::newRow("string at limit") << str(16384) << qsizetype(16384) << false;
    QTest::newRow("string one over") << str(16385) << qsizetype(16385) << true;
    QTest::newRow("array at limit")
        << QByteArray('[' + repeated("1,", 8190) + "10]") << qsizetype(16384) << false;
    QTest::newRow("array one over")
        << QByteArray('[' + repeated("1,", 8190) + "100]") << qsizetype(16385) << true;
    // 16384 compact bytes spread over more than 40000 bytes with whitespace between tokens
    QTest::newRow("at limit with whitespace")
        << QByteArray("[ \n\t" + repeated("1 ,\r\n ", 8190) + "10 ]") << qsizetype(16384) << false;
    QTest::newRow("one over with whitespace")
        << QByteArray("[" + repeated("1\n,", 8190) + "100\n]") << qsizetype(16385) << true;
    QTest::newRow("spaces inside string count")
        << QByteArray('"' + QByteArray(16383, ' ') + '"') << qsizetype(16385) << true;
    QTest::newRow("object at limit")
        << QByteArray(R"({"k":)" + str(16384 - 6) + '}') << qsizetype(16384) << false;
    QTest::newRow("two-byte chars at limit")
        << QByteArray('"' + repeated("\xc3\xa9", 8191) + '"') << qsizetype(16384) << false;
    QTest::newRow("two-byte chars one over")
        << QByteArray('"' + repeated("\xc3\xa9", 8191) + "x\"") << qsizetype(16385) << true;
    QTest::newRow("escapes at limit")
        << QByteArray('"' + repeated(R"(\n)", 8191) + '"') << qsizetype(16384) << false;
}

void TestMessageCodec::dataSize()
{
    QFETCH(QByteArray, data);
    QFETCH(qsizetype, dataBytes);
    QFETCH(bool, tooLarge);

    const QByteArray input = data.isEmpty() ? QByteArray(R"({"command":"game"})") : gameWith(data);
    const QString utf16 = QString::fromUtf8(input);
    const MessageCodec codec;
    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Round, m8)), u"ok"_s);
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Round, m16)), u"ok"_s);
    for (const ClientMessage *m : {&m8, &m16}) {
        QCOMPARE(m->command, Command::Game);
        QCOMPARE(m->dataBytes, dataBytes);
        QCOMPARE(m->dataTooLarge, tooLarge);
        QCOMPARE(m->data.isValid(), !data.isEmpty());
    }
    const QByteArray expected = data.isEmpty() ? QByteArray("null") : minify(data);
    QCOMPARE(expected.size(), dataBytes);
    QCOMPARE(splicedData(textFramePayload(MessageCodec::gameFrame("u", m8, 1)), "u"), expected);
    QCOMPARE(splicedData(textFramePayload(MessageCodec::gameFrame("u", m16, 1)), "u"), expected);
}

void TestMessageCodec::deepNestingBalancedIsData()
{
    const MessageCodec codec;
    // within the data limit: 8000 deep is 16000 bytes
    const QByteArray within = QByteArray(8000, '[') + QByteArray(8000, ']');
    const QByteArray input = gameWith(within);
    ClientMessage m;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.dataBytes, 16000);
    QCOMPARE(m.dataTooLarge, false);
    QCOMPARE(splicedData(textFramePayload(MessageCodec::gameFrame("u", m, 1)), "u"), within);

    // far over it: decoded, flagged
    const QByteArray over = gameWith(QByteArray(100000, '[') + QByteArray(100000, ']'));
    QCOMPARE(outcome(codec.decode(QByteArrayView(over), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.dataBytes, 200000);
    QCOMPARE(m.dataTooLarge, true);
}

void TestMessageCodec::decodeResetsReusedMessage()
{
    const MessageCodec codec;
    const QByteArray prepared = R"({"command":"prepared","user":{"userId":"bob"},"token":"tk"})";
    const QByteArray game = R"({"command":"game","data":[1, 2]})";
    const QByteArray end = R"({"command":"end"})";
    ClientMessage m;
    QCOMPARE(outcome(codec.decode(QByteArrayView(prepared), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.hasToken, true);
    QCOMPARE(outcome(codec.decode(QByteArrayView(game), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.command, Command::Game);
    QCOMPARE(m.hasToken, false);
    QVERIFY(m.token.isEmpty());
    QVERIFY(m.userId.isEmpty());
    QVERIFY(!m.user.isValid());
    QCOMPARE(m.userBytes, 0);
    QCOMPARE(m.dataBytes, 5);
    QCOMPARE(outcome(codec.decode(QByteArrayView(end), Endpoint::Round, m)), u"ok"_s);
    QCOMPARE(m.command, Command::End);
    QVERIFY(!m.data.isValid());
    QCOMPARE(m.dataBytes, 4);
    QCOMPARE(m.dataTooLarge, false);
}

// ------------------------------------------------------------------------------------------
// Encoding

void TestMessageCodec::errorCodeNames()
{
    const QList<QLatin1StringView> expected {"bad_json"_L1, "bad_frame"_L1, "unknown_command"_L1,
        "bad_user"_L1, "duplicate_user"_L1, "already_queued"_L1, "not_queued"_L1, "unknown_pair"_L1,
        "not_in_pair"_L1, "already_seated"_L1, "not_prepared"_L1, "not_started"_L1, "ended"_L1,
        "too_large"_L1, "rate_limited"_L1, "draining"_L1, "unavailable"_L1, "bad_seq"_L1,
        "replay_unavailable"_L1};
    QCOMPARE(kErrorCodeCount, expected.size());
    for (int i = 0; i < kErrorCodeCount; ++i) {
        QCOMPARE(errorCodeName(ErrorCode(i)), expected[i]);
        QVERIFY2(errorCodeMessage(ErrorCode(i)).size() > 10, expected[i].data());
    }
}

void TestMessageCodec::commandNames()
{
    QCOMPARE(commandName(Command::Entry), "entry"_L1);
    QCOMPARE(commandName(Command::Cancel), "cancel"_L1);
    QCOMPARE(commandName(Command::Prepared), "prepared"_L1);
    QCOMPARE(commandName(Command::Game), "game"_L1);
    QCOMPARE(commandName(Command::End), "end"_L1);
}

void TestMessageCodec::fixedFrames_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("command");

    QTest::newRow("entried") << MessageCodec::entriedFrame() << u"entried"_s;
    QTest::newRow("cancelled") << MessageCodec::cancelledFrame() << u"cancelled"_s;
    QTest::newRow("wait") << MessageCodec::waitFrame() << u"wait"_s;
    QTest::newRow("ended") << MessageCodec::endedFrame() << u"ended"_s;
    QTest::newRow("none") << MessageCodec::noneFrame() << u"none"_s;
    QTest::newRow("invalid") << MessageCodec::invalidFrame() << u"invalid"_s;
}

void TestMessageCodec::fixedFrames()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, command);
    const QByteArray payload = textFramePayload(frame).toByteArray();
    QCOMPARE(payload, R"({"command":")" + command.toLatin1() + R"("})");
    QCOMPARE(uchar(frame[0]), uchar(0x81));
    QCOMPARE(uchar(frame[1]), uchar(payload.size()));
    QCOMPARE(frame.size(), payload.size() + 2);
    QJsonParseError error;
    QCOMPARE(parseObject(payload, &error), QJsonObject({{u"command"_s, command}}));
    QCOMPARE(error.error, QJsonParseError::NoError);
}

void TestMessageCodec::errorFrames()
{
    for (int i = 0; i < kErrorCodeCount; ++i) {
        const auto code = ErrorCode(i);
        const QByteArray &frame = MessageCodec::errorFrame(code);
        QCOMPARE(&MessageCodec::errorFrame(code), &frame); // built once
        QJsonParseError error;
        const QJsonObject object = parseObject(textFramePayload(frame), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(object.size(), 3);
        QCOMPARE(object[u"command"_s].toString(), u"error"_s);
        QCOMPARE(object[u"code"_s].toString(), QString(errorCodeName(code)));
        QCOMPARE(object[u"message"_s].toString(), QString(errorCodeMessage(code)));
        QVERIFY(!object[u"message"_s].toString().isEmpty());
        QCOMPARE(
            textFramePayload(frame).size() + textFrameHeaderSize(textFramePayload(frame).size()),
            frame.size());
    }
    // The message with quotes in it survives escaping.
    const QJsonObject badJson
        = parseObject(textFramePayload(MessageCodec::errorFrame(ErrorCode::BadJson)));
    QCOMPARE(badJson[u"message"_s].toString(),
        u"Every message must be a JSON object with a string \"command\"."_s);
}

void TestMessageCodec::prepareFrame()
{
    const QByteArray newcomer = R"({"userId":"bob","rating":1500})";
    const QByteArray waiter = R"({"userId":"alice","name":"A \"quoted\" é"})";
    const QByteArray frame = MessageCodec::prepareFrame(
        2147483647, 10000, "PAIR-id_0123456789abcd", "TOKEN-x_0123456789abcd", newcomer, waiter);
    const QByteArrayView payload = textFramePayload(frame);
    QCOMPARE(payload,
        R"({"command":"prepare","type":2147483647,"seed":10000,"pairId":"PAIR-id_0123456789abcd",)"
        R"("token":"TOKEN-x_0123456789abcd","users":[{"userId":"bob","rating":1500},)"
        R"({"userId":"alice","name":"A \"quoted\" é"}]})");
    QJsonParseError error;
    const QJsonObject object = parseObject(payload, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(object.size(), 6);
    QCOMPARE(object[u"command"_s].toString(), u"prepare"_s);
    QCOMPARE(object[u"type"_s].toInteger(), 2147483647);
    QCOMPARE(object[u"seed"_s].toInteger(), 10000);
    QCOMPARE(object[u"pairId"_s].toString(), u"PAIR-id_0123456789abcd"_s);
    QCOMPARE(object[u"token"_s].toString(), u"TOKEN-x_0123456789abcd"_s);
    const QJsonArray users = object[u"users"_s].toArray();
    QCOMPARE(users.size(), 2);
    QCOMPARE(users[0].toObject(), parseObject(newcomer));
    QCOMPARE(users[1].toObject(), parseObject(waiter));
    QCOMPARE(users[1][u"name"_s].toString(), u"A \"quoted\" é"_s);

    const QJsonObject zero = parseObject(textFramePayload(
        MessageCodec::prepareFrame(0, 1, "p", "t", R"({"userId":"a"})", R"({"userId":"b"})")));
    QCOMPARE(zero[u"type"_s].toInteger(), 0);
    QCOMPARE(zero[u"seed"_s].toInteger(), 1);
}

void TestMessageCodec::startFrame()
{
    const QByteArray first = R"({"userId":"alice","x":[1,2]})";
    const QByteArray second = R"({"userId":"bob"})";
    const QByteArray frame = MessageCodec::startFrame(first, second, 0);
    const QByteArrayView payload = textFramePayload(frame);
    QCOMPARE(payload,
        R"({"command":"start","users":[{"userId":"alice","x":[1,2]},{"userId":"bob"}],"seq":0})");
    QCOMPARE(frame.size(), payload.size() + 2);
    QJsonParseError error;
    const QJsonObject object = parseObject(payload, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(object.size(), 3);
    QCOMPARE(object[u"seq"_s].toInteger(), 0);
    QCOMPARE(object[u"users"_s].toArray(), QJsonArray({parseObject(first), parseObject(second)}));

    // a start frame over 125 bytes gets the 16-bit length header
    const QByteArray big = R"({"userId":"c","pad":")" + QByteArray(200, 'p') + R"("})";
    const QByteArray bigFrame = MessageCodec::startFrame(big, second, 0);
    QCOMPARE(uchar(bigFrame[1]), uchar(126));
    QCOMPARE(textFramePayload(bigFrame).size(), bigFrame.size() - 4);
    QCOMPARE(
        parseObject(textFramePayload(bigFrame))[u"users"_s][0][u"pad"_s].toString().size(), 200);
}

void TestMessageCodec::gameFrameAbsentData()
{
    const QByteArray input = R"({"command":"game"})";
    ClientMessage m;
    QCOMPARE(outcome(MessageCodec().decode(QByteArrayView(input), Endpoint::Round, m)), u"ok"_s);
    const QByteArray frame = MessageCodec::gameFrame("alice", m, 1);
    QCOMPARE(textFramePayload(frame), R"({"command":"game","userId":"alice","data":null,"seq":1})");
    const QJsonObject object = parseObject(textFramePayload(frame));
    QCOMPARE(object.size(), 4);
    QVERIFY(object.contains(u"data"_s));
    QVERIFY(object[u"data"_s].isNull());
}

// gameFrame splices the data compactly: whitespace outside strings dropped, strings byte for
// byte (escapes and non-ASCII untouched).
void TestMessageCodec::gameFrameCompact_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("compact");

    QTest::newRow("object spaced") << QByteArray("{ \"a\" : [ 1 , 2 ] ,\n\t\"b\" :{ } }")
                                   << QByteArray(R"({"a":[1,2],"b":{}})");
    QTest::newRow("string spaces kept")
        << QByteArray(R"("  two  spaces  ")") << QByteArray(R"("  two  spaces  ")");
    QTest::newRow("escapes untouched")
        << QByteArray(
               R"([ "q\"uote" , "back\\slash" , "\/" , "\b\f\n\r\t" , "\u00e9\uD83D\uDE00" ])")
        << QByteArray(R"(["q\"uote","back\\slash","\/","\b\f\n\r\t","\u00e9\uD83D\uDE00"])");
    QTest::newRow("escaped quote then spaces") << QByteArray(R"({ "k" : "a\" , \"b" , "z" : 1 })")
                                               << QByteArray(R"({"k":"a\" , \"b","z":1})");
    QTest::newRow("escaped backslash before quote")
        << QByteArray(R"([ "a\\" , "b" ])") << QByteArray(R"(["a\\","b"])");
    QTest::newRow("non-ascii untouched")
        << QByteArray("{ \"card\" : \"A\xe2\x99\xa0 \xc3\xa9 \xf0\x9f\x98\x80\" }")
        << QByteArray("{\"card\":\"A\xe2\x99\xa0 \xc3\xa9 \xf0\x9f\x98\x80\"}");
    QTest::newRow("non-ascii key")
        << QByteArray("{ \"\xc3\xa9\" : 1 }") << QByteArray("{\"\xc3\xa9\":1}");
    QTest::newRow("numbers as written")
        << QByteArray("[ -0 , 1.50 , 1E+02 , -2.5e-3 , 123456789012345678901234567890 ]")
        << QByteArray("[-0,1.50,1E+02,-2.5e-3,123456789012345678901234567890]");
    QTest::newRow("literals") << QByteArray("[ true ,false, null ]")
                              << QByteArray("[true,false,null]");
    QTest::newRow("scalar string") << QByteArray(R"("x")") << QByteArray(R"("x")");
    QTest::newRow("scalar number") << QByteArray("42") << QByteArray("42");
    QTest::newRow("null") << QByteArray("null") << QByteArray("null");
    QTest::newRow("empty containers") << QByteArray("[ [ ] , { } ]") << QByteArray("[[],{}]");
    QTest::newRow("userId inside data stays data")
        << QByteArray(R"({ "userId" : "mallory" })") << QByteArray(R"({"userId":"mallory"})");
    QTest::newRow("duplicate keys kept")
        << QByteArray(R"({"a":1, "a":2})") << QByteArray(R"({"a":1,"a":2})");
    QTest::newRow("lone surrogate escape kept")
        << QByteArray(R"([ "\uD800" ])") << QByteArray(R"(["\uD800"])");
}

void TestMessageCodec::gameFrameCompact()
{
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, compact);

    const QByteArray input
        = "{ \"command\" : \"game\" , \"data\" :\n" + data + "\n, \"userId\": \"mallory\" }";
    const QString utf16 = QString::fromUtf8(input);
    const MessageCodec codec;
    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Round, m8)), u"ok"_s);
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Round, m16)), u"ok"_s);
    QCOMPARE(m8.dataBytes, compact.size());
    QCOMPARE(m16.dataBytes, compact.size());
    const QByteArray frame8 = MessageCodec::gameFrame("alice", m8, 1);
    const QByteArray frame16 = MessageCodec::gameFrame("alice", m16, 1);
    QCOMPARE(frame16, frame8);
    QCOMPARE(textFramePayload(frame8),
        R"({"command":"game","userId":"alice","data":)" + compact + R"(,"seq":1})");
    QJsonParseError error;
    const QJsonObject object = parseObject(textFramePayload(frame8), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(object[u"userId"_s].toString(), u"alice"_s); // the server's, not the message's
}

void TestMessageCodec::gameFrameLoneSurrogateUtf16()
{
    // Raw lone surrogates only occur in UTF-16 text: they are written as U+FFFD.
    QString text = u"{\"command\":\"game\",\"data\":[\""_s;
    text += QChar(char16_t(0xD800));
    text += u"\",\""_s;
    text += QChar(char16_t(0xDC00));
    text += QChar(char16_t(0xD800)); // reversed pair: two lone ones
    text += u"\",\"\U0001F600\"]}"_s;
    ClientMessage m;
    QCOMPARE(outcome(MessageCodec().decode(QStringView(text), Endpoint::Round, m)), u"ok"_s);
    const QByteArray expected
        = "[\"\xef\xbf\xbd\",\"\xef\xbf\xbd\xef\xbf\xbd\",\"\xf0\x9f\x98\x80\"]";
    QCOMPARE(m.dataBytes, expected.size());
    QCOMPARE(splicedData(textFramePayload(MessageCodec::gameFrame("u", m, 1)), "u"), expected);
}

// Property: for each JSON value, the spliced compact form re-parses to the same value, its size
// is dataBytes, and it is what an independent minifier makes of the input.
void TestMessageCodec::gameFrameRoundTrip_data()
{
    QTest::addColumn<QByteArray>("value");

    const QList<QByteArray> values {
        "0",
        "-1",
        "3.25",
        "-1.5e-7",
        "1E+300",
        "9007199254740993",
        "true",
        "false",
        "null",
        R"("")",
        R"("plain")",
        R"("tab\tnew\nline")",
        R"("\u0000\u001f\u007f")",
        R"("\"\\\/")",
        "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
        R"("\u00e9\u20AC\ud83d\ude00")",
        "[]",
        "{}",
        "[ 1 , [ 2 , [ 3 , [ ] ] ] ]",
        R"({ "a" : { "b" : { "c" : [ null , true , "x y" ] } } })",
        R"([ { "move" : "draw" , "cards" : [ "A\u2660" , "10\u2665" ] , "n" : -0.5 } ])",
        "\t\n\r [\t\n\r1\t\n\r]\t\n\r",
        R"({"":""," ":" ","\"":"\\"})",
        QByteArray(500, '[') + QByteArray(500, ']'),
        '"' + QByteArray(10000, 'z') + '"',
    };
    int i = 0;
    for (const QByteArray &v : values) {
        QByteArray name = v.left(24);
        for (char &c : name)
            c = uchar(c) < 0x20 || uchar(c) >= 0x7f ? '.' : c;
        QTest::addRow("%d %s", i++, name.constData()) << v;
    }
}

void TestMessageCodec::gameFrameRoundTrip()
{
    QFETCH(QByteArray, value);

    const QByteArray expectedCompact = minify(value.trimmed());
    QJsonParseError error;
    const QJsonValue expected = parseObject(R"({"v":)" + value + '}', &error).value(u"v"_s);
    QCOMPARE(error.error, QJsonParseError::NoError);

    const QByteArray input = gameWith(value);
    const QString utf16 = QString::fromUtf8(input);
    const MessageCodec codec;
    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Round, m8)), u"ok"_s);
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Round, m16)), u"ok"_s);
    for (const ClientMessage *m : {&m8, &m16}) {
        const QByteArray frame = MessageCodec::gameFrame("player.1", *m, 1);
        const QByteArrayView payload = textFramePayload(frame);
        QCOMPARE(frame.size(), textFrameHeaderSize(payload.size()) + payload.size());
        const QByteArray spliced = splicedData(payload, "player.1");
        QCOMPARE(spliced, expectedCompact);
        QCOMPARE(spliced.size(), m->dataBytes);
        const QJsonObject object = parseObject(payload, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(object.size(), 4);
        QCOMPARE(object[u"command"_s].toString(), u"game"_s);
        QCOMPARE(object[u"userId"_s].toString(), u"player.1"_s);
        QCOMPARE(object[u"seq"_s].toInteger(), 1);
        QCOMPARE(object[u"data"_s], expected);
    }
}

void TestMessageCodec::compactUser_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("compact");

    QTest::newRow("already compact")
        << QByteArray(R"({"userId":"a"})") << QByteArray(R"({"userId":"a"})");
    QTest::newRow("spaced") << QByteArray(
        "{ \"userId\" : \"a\" ,\n\t\"name\" : \"A  B\" , \"n\" : [ 1 , 2 ] }")
                            << QByteArray(R"({"userId":"a","name":"A  B","n":[1,2]})");
    QTest::newRow("escapes and non-ascii")
        << QByteArray("{ \"userId\" : \"a\", \"name\" : \"\\\"\xc3\xa9\\u00e9\" }")
        << QByteArray("{\"userId\":\"a\",\"name\":\"\\\"\xc3\xa9\\u00e9\"}");
    QTest::newRow("escaped userId kept as written")
        << QByteArray(R"({ "userId" : "\u0061" })") << QByteArray(R"({"userId":"\u0061"})");
}

void TestMessageCodec::compactUser()
{
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, compact);
    const QByteArray input = entryWith(user);
    const QString utf16 = QString::fromUtf8(input);
    const MessageCodec codec;
    ClientMessage m8;
    QCOMPARE(outcome(codec.decode(QByteArrayView(input), Endpoint::Matching, m8)), u"ok"_s);
    QCOMPARE(MessageCodec::compactUser(m8), compact);
    QCOMPARE(m8.userBytes, compact.size());
    ClientMessage m16;
    QCOMPARE(outcome(codec.decode(QStringView(utf16), Endpoint::Matching, m16)), u"ok"_s);
    QCOMPARE(MessageCodec::compactUser(m16), compact);
    QCOMPARE(m16.userBytes, compact.size());
    QJsonParseError error;
    QCOMPARE(parseObject(MessageCodec::compactUser(m8), &error), parseObject(user));
    QCOMPARE(error.error, QJsonParseError::NoError);
}

void TestMessageCodec::isValidUserId_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<bool>("valid");
    QTest::newRow("letters") << QByteArray("Alice") << true;
    QTest::newRow("all classes") << QByteArray("aZ09_.@-") << true;
    QTest::newRow("one") << QByteArray("x") << true;
    QTest::newRow("64") << QByteArray(64, '9') << true;
    QTest::newRow("65") << QByteArray(65, '9') << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("space") << QByteArray("a b") << false;
    QTest::newRow("plus") << QByteArray("a+b") << false;
    QTest::newRow("slash") << QByteArray("a/b") << false;
    QTest::newRow("quote") << QByteArray("a\"b") << false;
    QTest::newRow("backslash") << QByteArray("a\\b") << false;
    QTest::newRow("nul") << QByteArray("a\0b", 3) << false;
    QTest::newRow("utf8") << QByteArray("\xc3\xa9") << false;
    QTest::newRow("high byte") << QByteArray("a\xff") << false;
}

void TestMessageCodec::isValidUserId()
{
    QFETCH(QByteArray, id);
    QFETCH(bool, valid);
    QCOMPARE(MessageCodec::isValidUserId(id), valid);
}

QTEST_GUILESS_MAIN(TestMessageCodec)
#include "tst_messagecodec.moc"
