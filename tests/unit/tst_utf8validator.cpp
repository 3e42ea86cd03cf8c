// Utf8Validator: one row per kind of sequence of Unicode's table 3-7 (and the Autobahn
// testsuite's 6.x cases), each with where a validator fed byte by byte must fail, or that
// the text is valid (or only cut short); the verdict must not depend on where the text is
// cut into pieces.
#include "utf8validator.h"

#include <QTest>

using namespace pairmatch;

namespace {

constexpr int kValid = -1; // valid and complete
constexpr int kCutShort = -2; // valid so far, ends inside a character

// Feeds bytes one at a time: the index of the first byte refused, or kValid / kCutShort.
int verdictByteByByte(const QByteArray &bytes)
{
    Utf8Validator v;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (!v.feed(bytes.sliced(i, 1)))
            return int(i);
    }
    return v.isComplete() ? kValid : kCutShort;
}

// The verdict (failed or not, complete or not) fed in the given pieces.
int verdictInPieces(const QList<QByteArray> &pieces)
{
    Utf8Validator v;
    bool ok = true;
    for (const QByteArray &piece : pieces)
        ok = v.feed(piece) && ok;
    if (!ok)
        return 0;
    return v.isComplete() ? kValid : kCutShort;
}

int coarse(int verdict)
{
    return verdict >= 0 ? 0 : verdict;
}

} // namespace

class TestUtf8Validator final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void failsAtTheFirstByteNoValidTextCanHave_data();
    void failsAtTheFirstByteNoValidTextCanHave();
    void verdictDoesNotDependOnWhereTheTextIsCut_data();
    void verdictDoesNotDependOnWhereTheTextIsCut();
    void wholeTextAtOnceAgreesWithByteByByte_data();
    void wholeTextAtOnceAgreesWithByteByByte();
    void staysFailedOnceFailed();
    void everyCodePointOfEachLengthIsValid();
};

void TestUtf8Validator::failsAtTheFirstByteNoValidTextCanHave_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("verdict"); // index of the first bad byte, kValid or kCutShort

    QTest::newRow("empty") << QByteArray() << kValid;
    QTest::newRow("ASCII") << QByteArray("Hello-\x7f") << kValid;
    QTest::newRow("Autobahn 6.2.1: kosme")
        << QByteArray("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5") << kValid;
    QTest::newRow("U+0080, first of 2 bytes") << QByteArray("\xc2\x80") << kValid;
    QTest::newRow("U+07FF, last of 2 bytes") << QByteArray("\xdf\xbf") << kValid;
    QTest::newRow("U+0800, first of 3 bytes") << QByteArray("\xe0\xa0\x80") << kValid;
    QTest::newRow("U+D7FF, below the surrogates") << QByteArray("\xed\x9f\xbf") << kValid;
    QTest::newRow("U+E000, above the surrogates") << QByteArray("\xee\x80\x80") << kValid;
    QTest::newRow("U+FFFE, a noncharacter is UTF-8") << QByteArray("\xef\xbf\xbe") << kValid;
    QTest::newRow("U+FFFF, last of 3 bytes") << QByteArray("\xef\xbf\xbf") << kValid;
    QTest::newRow("U+10000, first of 4 bytes") << QByteArray("\xf0\x90\x80\x80") << kValid;
    QTest::newRow("U+10FFFF, the last code point") << QByteArray("\xf4\x8f\xbf\xbf") << kValid;
    QTest::newRow("ASCII run then U+0080") << QByteArray("0123456789abcdef\xc2\x80") << kValid;

    QTest::newRow("lone continuation byte") << QByteArray("\x80") << 0;
    QTest::newRow("continuation after ASCII run") << QByteArray("abcdefghi\xbf") << 9;
    QTest::newRow("C0: overlong, never valid") << QByteArray("\xc0\x80") << 0;
    QTest::newRow("C1: overlong, never valid") << QByteArray("\xc1\xbf") << 0;
    QTest::newRow("E0 80: overlong 3 bytes, at the 2nd") << QByteArray("\xe0\x80\x80") << 1;
    QTest::newRow("E0 9F: overlong 3 bytes, at the 2nd") << QByteArray("\xe0\x9f\xbf") << 1;
    QTest::newRow("ED A0: surrogate U+D800, at the 2nd") << QByteArray("\xed\xa0\x80") << 1;
    QTest::newRow("ED BF: surrogate U+DFFF, at the 2nd") << QByteArray("\xed\xbf\xbf") << 1;
    QTest::newRow("F0 8F: overlong 4 bytes, at the 2nd") << QByteArray("\xf0\x8f\xbf\xbf") << 1;
    QTest::newRow("F4 90: above U+10FFFF, at the 2nd") << QByteArray("\xf4\x90\x80\x80") << 1;
    QTest::newRow("F5: never valid") << QByteArray("\xf5\x80\x80\x80") << 0;
    QTest::newRow("FE: never valid") << QByteArray("\xfe") << 0;
    QTest::newRow("FF: never valid") << QByteArray("\xff") << 0;
    QTest::newRow("2-byte lead, then ASCII") << QByteArray("\xc2\x41") << 1;
    QTest::newRow("3-byte lead, 1 continuation, then ASCII") << QByteArray("\xe1\x80\x41") << 2;
    QTest::newRow("4-byte lead, 2 continuations, then lead") << QByteArray("\xf1\x80\x80\xc2") << 3;
    // Autobahn 6.3.1: kosme, a surrogate, then "edited": fails at the surrogate's 2nd byte
    QTest::newRow("Autobahn 6.3.1") << QByteArray(
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65"
        "\x64") << 12;

    QTest::newRow("cut short: 2-byte lead") << QByteArray("ab\xc2") << kCutShort;
    QTest::newRow("cut short: E0 A0") << QByteArray("\xe0\xa0") << kCutShort;
    QTest::newRow("cut short: F4 8F BF") << QByteArray("\xf4\x8f\xbf") << kCutShort;
}

void TestUtf8Validator::failsAtTheFirstByteNoValidTextCanHave()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, verdict);
    QCOMPARE(verdictByteByByte(bytes), verdict);
}

void TestUtf8Validator::verdictDoesNotDependOnWhereTheTextIsCut_data()
{
    failsAtTheFirstByteNoValidTextCanHave_data();
}

void TestUtf8Validator::verdictDoesNotDependOnWhereTheTextIsCut()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, verdict);
    const int expected = coarse(verdict);
    for (qsizetype a = 0; a <= bytes.size(); ++a) {
        for (qsizetype b = a; b <= bytes.size(); ++b) {
            const QList<QByteArray> pieces {
                bytes.first(a), bytes.sliced(a, b - a), bytes.sliced(b)};
            QVERIFY2(verdictInPieces(pieces) == expected,
                qPrintable(QStringLiteral("cut at %1 and %2").arg(a).arg(b)));
        }
    }
}

void TestUtf8Validator::wholeTextAtOnceAgreesWithByteByByte_data()
{
    failsAtTheFirstByteNoValidTextCanHave_data();
}

void TestUtf8Validator::wholeTextAtOnceAgreesWithByteByByte()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, verdict);
    QCOMPARE(Utf8Validator::isValid(bytes), verdict == kValid);
    Utf8Validator v;
    QCOMPARE(v.feed(bytes), verdict < 0);
    QCOMPARE(v.hasFailed(), verdict >= 0);
}

void TestUtf8Validator::staysFailedOnceFailed()
{
    Utf8Validator v;
    QVERIFY(!v.feed("\xff"));
    QVERIFY(!v.feed("valid ASCII"));
    QVERIFY(v.hasFailed());
    QVERIFY(!v.isComplete());
    v.reset();
    QVERIFY(v.feed("valid ASCII"));
    QVERIFY(v.isComplete());
}

// Every code point, encoded by hand, surrogates excepted: valid; every surrogate: invalid.
void TestUtf8Validator::everyCodePointOfEachLengthIsValid()
{
    const auto encode = [](char32_t cp) {
        QByteArray b;
        if (cp < 0x80) {
            b += char(cp);
        } else if (cp < 0x800) {
            b += char(0xC0 | (cp >> 6));
            b += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            b += char(0xE0 | (cp >> 12));
            b += char(0x80 | ((cp >> 6) & 0x3F));
            b += char(0x80 | (cp & 0x3F));
        } else {
            b += char(0xF0 | (cp >> 18));
            b += char(0x80 | ((cp >> 12) & 0x3F));
            b += char(0x80 | ((cp >> 6) & 0x3F));
            b += char(0x80 | (cp & 0x3F));
        }
        return b;
    };
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        if (Utf8Validator::isValid(encode(cp)) == surrogate)
            QFAIL(qPrintable(QStringLiteral("U+%1").arg(quint32(cp), 4, 16, QLatin1Char('0'))));
    }
}

QTEST_GUILESS_MAIN(TestUtf8Validator)
#include "tst_utf8validator.moc"
