// The frames the server sends besides text (RFC 6455 sections 5.2 and 5.5): close with a
// code and a reason, close without a code, ping and pong; each checked byte by byte, with
// a control frame's payload never over 125 bytes and a cut reason still UTF-8.
#include "textframe.h"
#include "utf8validator.h"

#include <QTest>

using namespace pairmatch;

class TestServerFrames final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closeFrameHoldsCodeAndReason();
    void closeReasonIsCutOnACharacterBoundary();
    void emptyCloseFrameHasNoCode();
    void pingAndPongCarryTheirPayload_data();
    void pingAndPongCarryTheirPayload();
};

void TestServerFrames::closeFrameHoldsCodeAndReason()
{
    QCOMPARE(makeCloseFrame(1008, "rate limited"), QByteArray("\x88\x0e\x03\xf0rate limited"));
    QCOMPARE(makeCloseFrame(4001, {}), QByteArray("\x88\x02\x0f\xa1"));
}

// A reason over 123 bytes does not fit a control frame: it is cut, never in the middle of
// a character (the peer would fail the connection with 1007 for it).
void TestServerFrames::closeReasonIsCutOnACharacterBoundary()
{
    const QByteArray ascii(200, 'a');
    QByteArray frame = makeCloseFrame(1000, ascii);
    QCOMPARE(frame.size(), 2 + 125);
    QCOMPARE(uchar(frame[1]), uchar(125));

    const QByteArray euros = QByteArray("\xe2\x82\xac").repeated(50); // 150 bytes
    frame = makeCloseFrame(1000, euros);
    QCOMPARE(frame.size(), 2 + 2 + 123); // 41 whole characters
    QVERIFY(Utf8Validator::isValid(QByteArrayView(frame).sliced(4)));
    frame = makeCloseFrame(1000, "x" + euros);
    QCOMPARE(frame.size(), 2 + 2 + 121); // "x" and 40 characters: the 41st does not fit
    QVERIFY(Utf8Validator::isValid(QByteArrayView(frame).sliced(4)));
}

void TestServerFrames::emptyCloseFrameHasNoCode()
{
    QCOMPARE(makeEmptyCloseFrame(), QByteArray("\x88\x00", 2));
}

void TestServerFrames::pingAndPongCarryTheirPayload_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("8 bytes") << QByteArray("\x00\x01\x02\x03\x04\x05\x06\x07", 8);
    QTest::newRow("125 bytes") << QByteArray(125, 'z');
}

void TestServerFrames::pingAndPongCarryTheirPayload()
{
    QFETCH(QByteArray, payload);
    const QByteArray head = QByteArray(1, char(payload.size()));
    QCOMPARE(makePingFrame(payload), "\x89" + head + payload);
    QCOMPARE(makePongFrame(payload), "\x8a" + head + payload);
}

QTEST_GUILESS_MAIN(TestServerFrames)
#include "tst_serverframes.moc"
