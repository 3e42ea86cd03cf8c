// The server's text frames (textframe.h): header sizes, FrameBuilder, makeTextFrame and
// textFramePayload.
#include "textframe.h"

#include <QTest>

#include <cstring>

using namespace pairmatch;

class TestTextFrame final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void header_data();
    void header();
    void builderPieces();
    void payloadOfShortInput();
};

void TestTextFrame::header_data()
{
    QTest::addColumn<qsizetype>("payloadSize");
    QTest::addColumn<QByteArray>("header");

    QTest::newRow("0") << qsizetype(0) << QByteArray("\x81\x00", 2);
    QTest::newRow("1") << qsizetype(1) << QByteArray("\x81\x01", 2);
    QTest::newRow("125") << qsizetype(125) << QByteArray("\x81\x7d", 2);
    QTest::newRow("126") << qsizetype(126) << QByteArray("\x81\x7e\x00\x7e", 4);
    QTest::newRow("127") << qsizetype(127) << QByteArray("\x81\x7e\x00\x7f", 4);
    QTest::newRow("256") << qsizetype(256) << QByteArray("\x81\x7e\x01\x00", 4);
    QTest::newRow("65535") << qsizetype(65535) << QByteArray("\x81\x7e\xff\xff", 4);
    QTest::newRow("65536") << qsizetype(65536)
                           << QByteArray("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
    QTest::newRow("1048577") << qsizetype(1048577)
                             << QByteArray("\x81\x7f\x00\x00\x00\x00\x00\x10\x00\x01", 10);
}

void TestTextFrame::header()
{
    QFETCH(qsizetype, payloadSize);
    QFETCH(QByteArray, header);

    QCOMPARE(textFrameHeaderSize(payloadSize), header.size());
    QByteArray payload(payloadSize, Qt::Uninitialized);
    for (qsizetype i = 0; i < payloadSize; ++i)
        payload[i] = char('a' + i % 26);

    const QByteArray made = makeTextFrame(payload);
    QCOMPARE(made.size(), header.size() + payloadSize);
    QCOMPARE(made.first(header.size()), header);
    QVERIFY(made.sliced(header.size()) == payload);
    QVERIFY(textFramePayload(made) == payload);

    const QByteArray built = FrameBuilder(payloadSize).append(payload).take();
    QVERIFY(built == made);
}

void TestTextFrame::builderPieces()
{
    FrameBuilder builder(11);
    builder.append("abc").append(',');
    char *room = builder.grow(4);
    std::memcpy(room, "WXYZ", 4);
    builder.append(QByteArrayView("xyz"));
    const QByteArray frame = builder.take();
    QCOMPARE(frame,
        QByteArray("\x81\x0b"
                   "abc,WXYZxyz"));
    QCOMPARE(textFramePayload(frame), "abc,WXYZxyz");
}

void TestTextFrame::payloadOfShortInput()
{
    QVERIFY(textFramePayload({}).isEmpty());
    QVERIFY(textFramePayload("\x81").isEmpty());
    QVERIFY(textFramePayload(QByteArrayView("\x81\x7e\x00", 3)).isEmpty()); // header cut short
    QCOMPARE(textFramePayload(QByteArrayView("\x81\x00", 2)).size(), 0);
}

QTEST_GUILESS_MAIN(TestTextFrame)
#include "tst_textframe.moc"
