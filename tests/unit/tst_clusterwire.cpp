// The cluster's batch format (clusterwire.h): what is written is read back, record for
// record; a cut or malformed batch stops the reading with an error, never a wrong record.
#include "clusterwire.h"

#include <QTest>

using namespace pairmatch;
using namespace Qt::StringLiterals;

class TestClusterWire final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripOfEveryRecordKind();
    void cutBatchIsAnErrorAtEveryLength();
    void badVersionOrCauseIsAnError();
};

namespace {

QByteArray sampleBatch()
{
    ClusterBatchWriter w({"node-a", 0x1122334455667788ULL, 3, 42});
    w.frame(7, "\x81\x05hello");
    w.close(8, CloseCause::Replaced);
    w.seat(9, SeatState::Started);
    w.matched(10, "prepare-frame");
    w.bind(11, "pairId123");
    w.text(11, R"({"command":"game","data":1})");
    w.gone(12);
    w.reset(5);
    return w.bytes();
}

} // namespace

void TestClusterWire::roundTripOfEveryRecordKind()
{
    const QByteArray batch = sampleBatch(); // the reader views it: it must outlive the reader
    ClusterBatchReader r(batch);
    QVERIFY(r.headerOk());
    QCOMPARE(r.header().sender, QByteArray("node-a"));
    QCOMPARE(r.header().instance, 0x1122334455667788ULL);
    QCOMPARE(r.header().epoch, 3u);
    QCOMPARE(r.header().seq, 42u);
    ClusterRecord rec;
    const auto next = [&](ClusterRecord::Kind kind, ConnId conn) {
        return r.next(rec) && rec.kind == kind && rec.conn == conn;
    };
    QVERIFY(next(ClusterRecord::Kind::Frame, 7));
    QCOMPARE(rec.bytes, QByteArray("\x81\x05hello"));
    QVERIFY(next(ClusterRecord::Kind::Close, 8));
    QCOMPARE(CloseCause(rec.small), CloseCause::Replaced);
    QVERIFY(next(ClusterRecord::Kind::Seat, 9));
    QCOMPARE(SeatState(rec.small), SeatState::Started);
    QVERIFY(next(ClusterRecord::Kind::Matched, 10));
    QCOMPARE(rec.bytes, QByteArray("prepare-frame"));
    QVERIFY(next(ClusterRecord::Kind::Bind, 11));
    QCOMPARE(rec.bytes, QByteArray("pairId123"));
    QVERIFY(next(ClusterRecord::Kind::Text, 11));
    QCOMPARE(rec.bytes, QByteArray(R"({"command":"game","data":1})"));
    QVERIFY(next(ClusterRecord::Kind::Gone, 12));
    QVERIFY(next(ClusterRecord::Kind::Reset, 0));
    QCOMPARE(rec.epoch, 5u);
    QVERIFY(!r.next(rec));
    QVERIFY(!r.error());
}

void TestClusterWire::cutBatchIsAnErrorAtEveryLength()
{
    const QByteArray whole = sampleBatch();
    for (qsizetype n = 0; n < whole.size(); ++n) {
        ClusterBatchReader r(QByteArrayView(whole).first(n));
        ClusterRecord rec;
        int records = 0;
        while (r.next(rec))
            ++records;
        // a cut batch never reads as complete: either the header or a record is short
        const bool endsOnRecordBoundary = r.headerOk() && !r.error();
        if (endsOnRecordBoundary)
            QVERIFY2(records < 8, qPrintable(u"cut at %1 read as whole"_s.arg(n)));
        else
            QVERIFY2(!r.headerOk() || r.error(), qPrintable(u"cut at %1"_s.arg(n)));
    }
}

void TestClusterWire::badVersionOrCauseIsAnError()
{
    QByteArray b = sampleBatch();
    b[0] = 9;
    QVERIFY(!ClusterBatchReader(b).headerOk());

    ClusterBatchWriter w({"n", 1, 0, 1});
    w.close(1, CloseCause::Kicked);
    QByteArray bad = w.bytes();
    bad[bad.size() - 1] = char(200); // no such cause
    ClusterBatchReader r(bad);
    ClusterRecord rec;
    QVERIFY(!r.next(rec));
    QVERIFY(r.error());
}

QTEST_GUILESS_MAIN(TestClusterWire)
#include "tst_clusterwire.moc"
