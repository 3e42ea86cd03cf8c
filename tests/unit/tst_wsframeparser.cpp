// WsFrameParser: one row per rule of RFC 6455 a server enforces on what a client sends (the
// Autobahn testsuite's sections 1-7 that apply to a parser), each with the events it must
// produce, the last one the close code the connection fails with. Every row is checked
// with the bytes whole, one at a time, and cut in two at every place: the events must not
// depend on how the bytes arrive. Then what it keeps: nothing for whole frames (a text
// frame is handed out where it lies), and never more than the limits.
#include "textframe.h"
#include "wireclient.h"
#include "wsframeparser.h"

#include <QTest>
#include <QtEndian>

using namespace pairmatch;
using pairmatch::test::WireClient;

namespace {

using Kind = WsFrameParser::Kind;

struct FrameSpec {
    quint8 opcode = WsOpcode::Text;
    QByteArray payload;
    bool fin = true;
    bool masked = true;
    quint8 rsv = 0; // bits 0-2: RSV3, RSV2, RSV1
    int lengthForm = 0; // 0: the shortest; 16 or 64: that extended length
    bool topBit = false; // 64-bit length with its most significant bit set
};

// A frame as a client sends it: masked (unless asked not to).
QByteArray clientFrame(const FrameSpec &f)
{
    return WireClient::clientFrame(
        f.opcode, f.payload, f.fin, f.masked, f.rsv, f.lengthForm, f.topBit);
}

QByteArray frame(quint8 opcode, const QByteArray &payload, bool fin = true)
{
    return clientFrame({opcode, payload, fin});
}

QByteArray closePayload(quint16 code, const QByteArray &reason = {})
{
    uchar be[2];
    qToBigEndian(code, be);
    return QByteArray(reinterpret_cast<const char *>(be), 2) + reason;
}

const char *causeCode(CloseCause cause)
{
    switch (closeCause(cause).code) {
    case CloseCode::ProtocolError:
        return "1002";
    case CloseCode::InvalidPayload:
        return "1007";
    case CloseCode::TooBig:
        return "1009";
    default:
        return "?";
    }
}

// An event as a line: "text:Hello", "binary:5", "ping:abc", "close:1000:bye", "fail:1002".
QByteArray describe(const WsFrameParser::Event &e)
{
    switch (e.kind) {
    case Kind::NeedMore:
        return "needmore";
    case Kind::Text:
        return "text:" + e.payload.toByteArray();
    case Kind::Binary:
        return "binary:" + QByteArray::number(e.messageBytes);
    case Kind::Ping:
        return "ping:" + e.payload.toByteArray();
    case Kind::Pong:
        return "pong:" + e.payload.toByteArray();
    case Kind::Close:
        return "close:" + QByteArray::number(e.closeCode) + ':' + e.payload.toByteArray();
    case Kind::Fail:
        return QByteArray("fail:") + causeCode(e.cause);
    }
    return {};
}

WsFrameParser::Limits testLimits()
{
    return {1024, 2048};
}

// Feeds the pieces in turn (each copied, as reads would bring them) and lists the events,
// up to the parser's last (Close or Fail).
QByteArrayList run(const QByteArrayList &pieces, WsFrameParser::Limits limits = testLimits())
{
    WsFrameParser parser;
    QByteArrayList events;
    for (QByteArray piece : pieces) {
        WsFrameParser::Input in {piece.data(), piece.size()};
        while (!parser.isFinished()) {
            const WsFrameParser::Event e = parser.next(in, limits);
            if (e.kind == Kind::NeedMore)
                break;
            events += describe(e);
        }
        if (parser.isFinished())
            break;
    }
    return events;
}

QByteArrayList bytesOneByOne(const QByteArray &bytes)
{
    QByteArrayList pieces;
    for (char c : bytes)
        pieces += QByteArray(1, c);
    return pieces;
}

QByteArray kosme()
{
    return QByteArray("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
}

} // namespace

class TestWsFrameParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventsFollowTheRfc_data();
    void eventsFollowTheRfc();
    void eventsDoNotDependOnHowBytesArrive_data();
    void eventsDoNotDependOnHowBytesArrive();
    void wholeTextFrameIsHandedOutWhereItLies();
    void idleParserKeepsNothing();
    void invalidUtf8FailsBeforeTheMessageEnds();
    void sizeLimitsAreCheckedFromTheHeader();
    void fragmentsKeptStayWithinTheMessageLimit();
};

void TestWsFrameParser::eventsFollowTheRfc_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArrayList>("events");

    const QByteArray hello("Hello");
    // Autobahn 1.x: framing of text and binary messages of every length form
    QTest::newRow("1.1 text, one frame")
        << frame(WsOpcode::Text, hello) << QByteArrayList {"text:Hello"};
    QTest::newRow("1.1 text, empty") << frame(WsOpcode::Text, {}) << QByteArrayList {"text:"};
    QTest::newRow("1.1 text, 125 bytes") << frame(WsOpcode::Text, QByteArray(125, 'a'))
                                         << QByteArrayList {"text:" + QByteArray(125, 'a')};
    QTest::newRow("1.1 text, 126 bytes (16-bit length)") << frame(
        WsOpcode::Text, QByteArray(126, 'b')) << QByteArrayList {"text:" + QByteArray(126, 'b')};
    QTest::newRow("1.1 text, 1024 bytes in a 64-bit length")
        << clientFrame({WsOpcode::Text, QByteArray(1024, 'c'), true, true, 0, 64})
        << QByteArrayList {"text:" + QByteArray(1024, 'c')};
    QTest::newRow("1.1 text, 5 bytes in a 16-bit length (not minimal: taken)")
        << clientFrame({WsOpcode::Text, hello, true, true, 0, 16}) << QByteArrayList {"text:Hello"};
    QTest::newRow("1.2 binary") << frame(WsOpcode::Binary, QByteArray(300, '\0'))
                                << QByteArrayList {"binary:300"};
    QTest::newRow("1.2 binary, empty")
        << frame(WsOpcode::Binary, {}) << QByteArrayList {"binary:0"};
    QTest::newRow("two text frames back to back") << frame(WsOpcode::Text, "a")
            + frame(WsOpcode::Text, "b") << QByteArrayList {"text:a", "text:b"};

    // Autobahn 2.x: pings and pongs
    QTest::newRow("2.1 ping, empty") << frame(WsOpcode::Ping, {}) << QByteArrayList {"ping:"};
    QTest::newRow("2.2 ping with payload")
        << frame(WsOpcode::Ping, "Hello, world!") << QByteArrayList {"ping:Hello, world!"};
    QTest::newRow("2.4 ping of 125 bytes") << frame(WsOpcode::Ping, QByteArray(125, 'p'))
                                           << QByteArrayList {"ping:" + QByteArray(125, 'p')};
    QTest::newRow("2.5 ping of 126 bytes")
        << frame(WsOpcode::Ping, QByteArray(126, 'p')) << QByteArrayList {"fail:1002"};
    QTest::newRow("2.7 unsolicited pong") << frame(WsOpcode::Pong, {}) << QByteArrayList {"pong:"};
    QTest::newRow("2.8 unsolicited pong with payload")
        << frame(WsOpcode::Pong, "unsolicited") << QByteArrayList {"pong:unsolicited"};
    QTest::newRow("2.10 ten pings")
        << frame(WsOpcode::Ping, "x").repeated(10) << QByteArrayList(10, "ping:x");

    // Autobahn 3.x: reserved bits
    for (quint8 rsv : {1, 2, 4, 7}) {
        QTest::addRow("3.x RSV bits %d on a text frame", rsv) << clientFrame(
            {WsOpcode::Text, hello, true, true, rsv}) << QByteArrayList {"fail:1002"};
    }
    QTest::newRow("3.x RSV bit on a ping")
        << clientFrame({WsOpcode::Ping, hello, true, true, 4}) << QByteArrayList {"fail:1002"};
    QTest::newRow("3.2 good frame, then RSV bits: the good one counts")
        << frame(WsOpcode::Text, hello) + clientFrame({WsOpcode::Text, hello, true, true, 2})
        << QByteArrayList {"text:Hello", "fail:1002"};

    // Autobahn 4.x: reserved opcodes
    for (quint8 op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        QTest::addRow("4.x reserved opcode %X", op)
            << frame(op, hello) << QByteArrayList {"fail:1002"};
    }

    // Autobahn 5.x: fragmentation
    QTest::newRow("5.1 fragmented ping")
        << frame(WsOpcode::Ping, "a", false) + frame(0, "b") << QByteArrayList {"fail:1002"};
    QTest::newRow("5.2 fragmented pong")
        << frame(WsOpcode::Pong, "a", false) + frame(0, "b") << QByteArrayList {"fail:1002"};
    QTest::newRow("fragmented close")
        << frame(WsOpcode::Close, closePayload(1000), false) << QByteArrayList {"fail:1002"};
    QTest::newRow("5.3 text in two fragments") << frame(WsOpcode::Text, "fragment1", false)
            + frame(0, "fragment2") << QByteArrayList {"text:fragment1fragment2"};
    QTest::newRow("5.6 ping between fragments") << frame(WsOpcode::Text, "fragment1", false)
            + frame(WsOpcode::Ping, "ping")
            + frame(0, "fragment2") << QByteArrayList {"ping:ping", "text:fragment1fragment2"};
    QTest::newRow("5.6 pong between fragments") << frame(WsOpcode::Text, "a", false)
            + frame(WsOpcode::Pong, "p") + frame(0, "b", false)
            + frame(0, "c") << QByteArrayList {"pong:p", "text:abc"};
    QTest::newRow("5.9 continuation, no message begun")
        << frame(0, "x") << QByteArrayList {"fail:1002"};
    QTest::newRow("5.9 continuation after a whole message")
        << frame(WsOpcode::Text, "a") + frame(0, "b") << QByteArrayList {"text:a", "fail:1002"};
    QTest::newRow("5.18 text inside a fragmented text") << frame(WsOpcode::Text, "a", false)
            + frame(WsOpcode::Text, "b") << QByteArrayList {"fail:1002"};
    QTest::newRow("binary inside a fragmented text") << frame(WsOpcode::Text, "a", false)
            + frame(WsOpcode::Binary, "b") << QByteArrayList {"fail:1002"};
    QTest::newRow("5.19 text in 5 fragments, pings between") << frame(WsOpcode::Text, "f1", false)
            + frame(0, "f2", false) + frame(WsOpcode::Ping, "p1") + frame(0, "f3", false)
            + frame(0, "f4", false) + frame(WsOpcode::Ping, "p2")
            + frame(0, "f5") << QByteArrayList {"ping:p1", "ping:p2", "text:f1f2f3f4f5"};
    QTest::newRow("binary in fragments")
        << frame(WsOpcode::Binary, "ab", false) + frame(0, "cde") << QByteArrayList {"binary:5"};
    QTest::newRow("empty fragments") << frame(WsOpcode::Text, {}, false) + frame(0, {}, false)
            + frame(0, {}) << QByteArrayList {"text:"};

    // Autobahn 6.x: UTF-8 in text messages, split anywhere
    QTest::newRow("6.2.1 kosme") << frame(WsOpcode::Text, kosme())
                                 << QByteArrayList {"text:" + kosme()};
    QTest::newRow("6.2.3 kosme, a character split between fragments")
        << frame(WsOpcode::Text, kosme().first(3), false) + frame(0, kosme().sliced(3))
        << QByteArrayList {"text:" + kosme()};
    QTest::newRow("6.2.4 kosme, one byte a fragment") << [] {
        QByteArray b;
        const QByteArray k = kosme();
        for (qsizetype i = 0; i < k.size(); ++i)
            b += frame(i == 0 ? WsOpcode::Text : WsOpcode::Continuation, k.sliced(i, 1),
                i == k.size() - 1);
        return b;
    }() << QByteArrayList {"text:" + kosme()};
    QTest::newRow("6.3.1 invalid UTF-8 in a text frame") << frame(WsOpcode::Text,
        QByteArray("\xce\xba\xed\xa0\x80"
                   "edited")) << QByteArrayList {"fail:1007"};
    QTest::newRow("6.x text ends inside a character")
        << frame(WsOpcode::Text, QByteArray("ab\xc2")) << QByteArrayList {"fail:1007"};
    QTest::newRow("6.x fragmented text ends inside a character")
        << frame(WsOpcode::Text, "ab", false) + frame(0, QByteArray("\xe2\x82"))
        << QByteArrayList {"fail:1007"};
    QTest::newRow("binary is not UTF-8 checked")
        << frame(WsOpcode::Binary, QByteArray("\xff\xfe")) << QByteArrayList {"binary:2"};

    // Autobahn 7.x: the close frame
    QTest::newRow("7.1.1 close, no code")
        << frame(WsOpcode::Close, {}) << QByteArrayList {"close:1005:"};
    QTest::newRow("7.3.2 close of 1 byte")
        << frame(WsOpcode::Close, "a") << QByteArrayList {"fail:1002"};
    QTest::newRow("7.3.3 close 1000")
        << frame(WsOpcode::Close, closePayload(1000)) << QByteArrayList {"close:1000:"};
    QTest::newRow("7.3.4 close 1000 with a reason") << frame(WsOpcode::Close,
        closePayload(1000, "Hello World!")) << QByteArrayList {"close:1000:Hello World!"};
    QTest::newRow("7.3.5 close with a reason of 123 bytes")
        << frame(WsOpcode::Close, closePayload(1000, QByteArray(123, '*')))
        << QByteArrayList {"close:1000:" + QByteArray(123, '*')};
    QTest::newRow("7.3.6 close with a reason of 124 bytes") << frame(WsOpcode::Close,
        closePayload(1000, QByteArray(124, '*'))) << QByteArrayList {"fail:1002"};
    QTest::newRow("7.5.1 close reason not UTF-8")
        << frame(WsOpcode::Close, closePayload(1000, QByteArray("\xce\xba\xed\xa0\x80")))
        << QByteArrayList {"fail:1007"};
    for (quint16 code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
             3000, 3999, 4000, 4999}) {
        QTest::addRow("7.7 close code %d is allowed", code) << frame(WsOpcode::Close,
            closePayload(code)) << QByteArrayList {"close:" + QByteArray::number(code) + ':'};
    }
    for (quint16 code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        QTest::addRow("7.9 close code %d is not", code)
            << frame(WsOpcode::Close, closePayload(code)) << QByteArrayList {"fail:1002"};
    }
    QTest::newRow("close after text; nothing after the close is read") << frame(WsOpcode::Text, "a")
            + frame(WsOpcode::Close, closePayload(1000))
            + frame(WsOpcode::Text, "b") << QByteArrayList {"text:a", "close:1000:"};
    QTest::newRow("close between fragments")
        << frame(WsOpcode::Text, "a", false) + frame(WsOpcode::Close, closePayload(1001))
        << QByteArrayList {"close:1001:"};

    // RFC 6455 section 5.1: a client's frames are masked
    QTest::newRow("5.1 unmasked text")
        << clientFrame({WsOpcode::Text, hello, true, false}) << QByteArrayList {"fail:1002"};
    QTest::newRow("5.1 unmasked ping")
        << clientFrame({WsOpcode::Ping, hello, true, false}) << QByteArrayList {"fail:1002"};
    QTest::newRow("5.1 unmasked close")
        << clientFrame({WsOpcode::Close, closePayload(1000), true, false})
        << QByteArrayList {"fail:1002"};
    QTest::newRow("5.2 64-bit length with its top bit set") << clientFrame(
        {WsOpcode::Text, {}, true, true, 0, 64, true}) << QByteArrayList {"fail:1002"};

    // the limits: 1024 a frame, 2048 a message (testLimits())
    QTest::newRow("frame at the limit") << frame(WsOpcode::Text, QByteArray(1024, 'x'))
                                        << QByteArrayList {"text:" + QByteArray(1024, 'x')};
    QTest::newRow("frame over the limit")
        << frame(WsOpcode::Text, QByteArray(1025, 'x')) << QByteArrayList {"fail:1009"};
    QTest::newRow("binary frame over the limit")
        << frame(WsOpcode::Binary, QByteArray(1025, 'x')) << QByteArrayList {"fail:1009"};
    QTest::newRow("message at the limit, in fragments")
        << frame(WsOpcode::Text, QByteArray(1024, 'x'), false) + frame(0, QByteArray(1024, 'y'))
        << QByteArrayList {"text:" + QByteArray(1024, 'x') + QByteArray(1024, 'y')};
    QTest::newRow("message over the limit, in fragments")
        << frame(WsOpcode::Text, QByteArray(1024, 'x'), false)
            + frame(0, QByteArray(1024, 'y'), false) + frame(0, "z")
        << QByteArrayList {"fail:1009"};
}

void TestWsFrameParser::eventsFollowTheRfc()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArrayList, events);
    QCOMPARE(run({bytes}), events);
}

void TestWsFrameParser::eventsDoNotDependOnHowBytesArrive_data()
{
    eventsFollowTheRfc_data();
}

void TestWsFrameParser::eventsDoNotDependOnHowBytesArrive()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArrayList, events);
    QCOMPARE(run(bytesOneByOne(bytes)), events);
    for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
        const QByteArrayList got = run({bytes.first(cut), bytes.sliced(cut)});
        QVERIFY2(got == events,
            qPrintable(
                QStringLiteral("cut at %1: %2").arg(cut).arg(QString::fromLatin1(got.join(' ')))));
    }
}

// The usual message: one whole text frame in the bytes read. Unmasked where it lies and
// handed out as a view of them: no copy, nothing kept.
void TestWsFrameParser::wholeTextFrameIsHandedOutWhereItLies()
{
    QByteArray bytes = frame(WsOpcode::Text, "{\"command\":\"game\",\"data\":1}")
        + frame(WsOpcode::Text, "second");
    WsFrameParser parser;
    WsFrameParser::Input in {bytes.data(), bytes.size()};
    const WsFrameParser::Event first = parser.next(in, testLimits());
    QCOMPARE(first.kind, Kind::Text);
    QCOMPARE(first.payload, QByteArrayView("{\"command\":\"game\",\"data\":1}"));
    QCOMPARE(first.payload.data(), bytes.constData() + 6); // 2 header bytes, 4 of mask
    QVERIFY(!parser.holdsState());
    const WsFrameParser::Event second = parser.next(in, testLimits());
    QCOMPARE(second.kind, Kind::Text);
    QCOMPARE(second.payload.data(), bytes.constData() + bytes.size() - 6);
    QCOMPARE(parser.next(in, testLimits()).kind, Kind::NeedMore);
    QCOMPARE(in.size, 0);
    QVERIFY(!parser.holdsState());
    QCOMPARE(parser.heldBytes(), 0);
}

// A frame cut short is kept only until it is whole; a fragmented message only until its
// last fragment: then the parser holds nothing again.
void TestWsFrameParser::idleParserKeepsNothing()
{
    WsFrameParser parser;
    const auto feed = [&](QByteArray bytes) {
        QByteArrayList events;
        WsFrameParser::Input in {bytes.data(), bytes.size()};
        for (;;) {
            const WsFrameParser::Event e = parser.next(in, testLimits());
            if (e.kind == Kind::NeedMore)
                return events;
            events += describe(e);
        }
    };
    const QByteArray text = frame(WsOpcode::Text, "Hello");
    QCOMPARE(feed(text.first(1)), QByteArrayList {}); // half a header
    QVERIFY(parser.holdsState());
    QCOMPARE(feed(text.sliced(1, 7)), QByteArrayList {}); // header and 2 payload bytes
    QVERIFY(parser.holdsState());
    QCOMPARE(feed(text.sliced(8)), QByteArrayList {"text:Hello"});
    QCOMPARE(feed({}), QByteArrayList {}); // the next call lets go of the message
    QVERIFY(!parser.holdsState());

    QCOMPARE(feed(frame(WsOpcode::Text, "frag", false)), QByteArrayList {});
    QVERIFY(parser.holdsState());
    QCOMPARE(feed(frame(WsOpcode::Ping, "p")), QByteArrayList {"ping:p"});
    QVERIFY(parser.holdsState()); // the message is still begun
    QCOMPARE(feed(frame(0, "ment")), QByteArrayList {"text:fragment"});
    QCOMPARE(feed({}), QByteArrayList {});
    QVERIFY(!parser.holdsState());
    QCOMPARE(parser.heldBytes(), 0);
}

// RFC 6455 section 8.1 lets an endpoint fail as soon as the text cannot be valid: the first
// fragment's bad byte is enough, its last fragment never has to come.
void TestWsFrameParser::invalidUtf8FailsBeforeTheMessageEnds()
{
    QByteArray first = frame(WsOpcode::Text,
        QByteArray("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"), false);
    QCOMPARE(run({first}), QByteArrayList {"fail:1007"});
    // and within a frame: the bytes up to the bad one suffice (Autobahn 6.4.x)
    const QByteArray whole = frame(WsOpcode::Text,
        QByteArray("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80\x65\x64\x69\x74"
                   "\x65\x64"));
    const qsizetype badByte = 6 + 12; // header, mask, then \xf4 \x90: refused at \x90
    QCOMPARE(run({whole.first(badByte + 1)}), QByteArrayList {"fail:1007"});
    QCOMPARE(run({whole.first(badByte)}), QByteArrayList {});
}

// A frame or message over the limit fails from its header alone: none of its payload needs
// to arrive, and none is kept.
void TestWsFrameParser::sizeLimitsAreCheckedFromTheHeader()
{
    QByteArray header = clientFrame({WsOpcode::Text, QByteArray(70'000, 'x')}).first(14);
    WsFrameParser parser;
    WsFrameParser::Input in {header.data(), 10}; // not all of the header yet
    QCOMPARE(parser.next(in, testLimits()).kind, Kind::NeedMore);
    QVERIFY(parser.heldBytes() < 200); // the header so far, no payload
    in = {header.data() + 10, 4};
    const WsFrameParser::Event e = parser.next(in, testLimits());
    QCOMPARE(e.kind, Kind::Fail);
    QCOMPARE(e.cause, CloseCause::TooBig);
    QCOMPARE(parser.heldBytes(), 0);

    // a message: the fragment that would take it over the limit fails by its header
    QByteArray frames = frame(WsOpcode::Binary, QByteArray(1000, 'x'), false)
        + frame(0, QByteArray(1000, 'y'), false);
    const QByteArray over = frame(0, QByteArray(100, 'z'));
    frames += over.first(8); // its header (2 + 4 mask) and 2 payload bytes
    QCOMPARE(run({frames}), QByteArrayList {"fail:1009"});
}

// What a connection can make the parser keep is bounded by the message limit (and a
// control frame's 125 bytes): the memory a peer can pin is known.
void TestWsFrameParser::fragmentsKeptStayWithinTheMessageLimit()
{
    const WsFrameParser::Limits limits {1024, 4096};
    WsFrameParser parser;
    qsizetype most = 0;
    QByteArray bytes;
    for (int i = 0; i < 4; ++i)
        bytes += frame(
            i == 0 ? WsOpcode::Text : WsOpcode::Continuation, QByteArray(1024, 'a'), false);
    bytes += frame(WsOpcode::Ping, QByteArray(125, 'p')).first(60); // a ping cut short
    for (qsizetype at = 0; at < bytes.size(); at += 7) {
        QByteArray piece = bytes.sliced(at, qMin<qsizetype>(7, bytes.size() - at));
        WsFrameParser::Input in {piece.data(), piece.size()};
        while (parser.next(in, limits).kind != Kind::NeedMore) { }
        most = qMax(most, parser.heldBytes());
    }
    QVERIFY2(most <= limits.maxMessageBytes + 125 + 256, qPrintable(QString::number(most)));
    QVERIFY(most >= limits.maxMessageBytes); // it did keep the message
}

QTEST_GUILESS_MAIN(TestWsFrameParser)
#include "tst_wsframeparser.moc"
