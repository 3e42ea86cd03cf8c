// The /metrics text (PrometheusText: the exposition format's escaping, histograms) and how
// moves are timed in batches (MoveTimer, DurationHistogram).
#include "movetimer.h"
#include "prometheustext.h"

#include <QTest>

#include <limits>

using namespace pairmatch;
using namespace Qt::StringLiterals;

class TestPrometheusText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void familyAndSamples();
    void labelValuesEscaped();
    void helpEscaped();
    void doublesReadBack_data();
    void doublesReadBack();
    void histogramIsCumulativeInSeconds();
    void histogramBucketEdges();
    void moveTimerObservesEachBatchOnce();
    void moveTimerIgnoresBatchesWithoutMoves();
};

void TestPrometheusText::familyAndSamples()
{
    PrometheusText out;
    out.family("x_total", "counter", "Things.");
    out.sample("x_total", {{"kind", "a"}, {"code", "7"}}, quint64(3));
    out.sample("x_total", quint64(18446744073709551615ULL));
    QCOMPARE(out.text(),
        QByteArray("# HELP x_total Things.\n# TYPE x_total counter\n"
                   "x_total{kind=\"a\",code=\"7\"} 3\nx_total 18446744073709551615\n"));
}

void TestPrometheusText::labelValuesEscaped()
{
    PrometheusText out;
    out.sample("y", {{"v", "a\\b\"c\nd"}}, quint64(1));
    QCOMPARE(out.text(), QByteArray("y{v=\"a\\\\b\\\"c\\nd\"} 1\n"));
}

void TestPrometheusText::helpEscaped()
{
    PrometheusText out;
    out.family("z", "gauge", "a\\b\nc \"q\"");
    QCOMPARE(out.text(), QByteArray("# HELP z a\\\\b\\nc \"q\"\n# TYPE z gauge\n"));
}

void TestPrometheusText::doublesReadBack_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("ten microseconds") << 1e-5 << QByteArray("1e-05");
    QTest::newRow("a quarter") << 0.25 << QByteArray("0.25");
    QTest::newRow("one") << 1.0 << QByteArray("1");
    QTest::newRow("a third") << 1.0 / 3 << QByteArray("0.3333333333333333");
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
}

void TestPrometheusText::doublesReadBack()
{
    QFETCH(double, value);
    QFETCH(QByteArray, text);
    QCOMPARE(PrometheusText::formatDouble(value), text);
}

void TestPrometheusText::histogramIsCumulativeInSeconds()
{
    DurationHistogram h;
    h.observe(5'000, 2); // 5 us: the 10 us bucket
    h.observe(30'000, 1); // 30 us: the 50 us bucket
    h.observe(2'000'000'000, 4); // 2 s: only +Inf
    PrometheusText out;
    out.histogram("m_seconds", "Time.", h);
    const QByteArray text = out.text();
    QVERIFY(text.startsWith("# HELP m_seconds Time.\n# TYPE m_seconds histogram\n"));
    QVERIFY2(text.contains("m_seconds_bucket{le=\"1e-05\"} 2\n"), text.constData());
    QVERIFY2(text.contains("m_seconds_bucket{le=\"2.5e-05\"} 2\n"), text.constData());
    QVERIFY2(text.contains("m_seconds_bucket{le=\"5e-05\"} 3\n"), text.constData());
    QVERIFY2(text.contains("m_seconds_bucket{le=\"1\"} 3\n"), text.constData());
    QVERIFY2(text.contains("m_seconds_bucket{le=\"+Inf\"} 7\n"), text.constData());
    QVERIFY2(text.contains("m_seconds_count 7\n"), text.constData());
    // 2*5us + 30us + 4*2s = 8.00004 s
    QVERIFY2(text.contains("m_seconds_sum 8.00004\n"), text.constData());
    QCOMPARE(text.count("m_seconds_bucket"), qsizetype(DurationHistogram::kBoundsNs.size() + 1));
}

// A bound is inclusive (le: less than or equal).
void TestPrometheusText::histogramBucketEdges()
{
    DurationHistogram h;
    h.observe(10'000, 1);
    h.observe(10'001, 1);
    QCOMPARE(h.buckets[0], quint64(1));
    QCOMPARE(h.buckets[1], quint64(1));
    QCOMPARE(h.count, quint64(2));
    QCOMPARE(h.sumNs, qint64(20'001));
}

// Three moves relayed between two flushes are one observation of three; a flush with no
// message since the previous one observes nothing.
void TestPrometheusText::moveTimerObservesEachBatchOnce()
{
    MoveTimer timer;
    timer.messageReceived();
    timer.messageReceived();
    timer.messageReceived();
    timer.outputFlushed(3);
    QCOMPARE(timer.histogram().count, quint64(3));
    QVERIFY(timer.histogram().sumNs >= 0);
    timer.outputFlushed(3);
    QCOMPARE(timer.histogram().count, quint64(3));
    timer.messageReceived();
    timer.outputFlushed(5); // two moves of one message each... or any: the total says
    QCOMPARE(timer.histogram().count, quint64(5));
    quint64 inBuckets = 0;
    for (const quint64 n : timer.histogram().buckets)
        inBuckets += n;
    QCOMPARE(inBuckets, quint64(5));
}

// Messages that relayed no move (an entry, an error) leave no observation, and do not
// stretch the next batch: its clock starts with its own first message.
void TestPrometheusText::moveTimerIgnoresBatchesWithoutMoves()
{
    MoveTimer timer;
    timer.messageReceived();
    timer.outputFlushed(0);
    QCOMPARE(timer.histogram().count, quint64(0));
    timer.outputFlushed(0);
    QCOMPARE(timer.histogram().count, quint64(0));
}

QTEST_GUILESS_MAIN(TestPrometheusText)
#include "tst_prometheustext.moc"
