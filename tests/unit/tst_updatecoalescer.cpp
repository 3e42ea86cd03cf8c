// UpdateCoalescer (pure): what piles up between two batches for the in-process dashboard is
// the last word per row, records up to their caps, in seq order, and never more than a
// snapshot's worth.
#include "updatecoalescer.h"

#include <QTest>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

using Kind = AdminUpdate::Kind;

quint64 g_seq = 0;

AdminUpdate session(Kind kind, quint64 id, quint64 messagesIn = 0)
{
    AdminUpdate u;
    u.seq = ++g_seq;
    u.kind = kind;
    u.sessionId = id;
    u.session.id = id;
    u.session.messagesIn = messagesIn;
    return u;
}

AdminUpdate queue(Kind kind, quint64 sessionId, qint32 type = 1)
{
    AdminUpdate u;
    u.seq = ++g_seq;
    u.kind = kind;
    u.sessionId = sessionId;
    u.queueEntry.sessionId = sessionId;
    u.queueEntry.type = type;
    return u;
}

AdminUpdate pair(Kind kind, const QString &id, quint64 moves = 0)
{
    AdminUpdate u;
    u.seq = ++g_seq;
    u.kind = kind;
    u.pairId = id;
    u.pair.pairId = id;
    u.pair.moves = moves;
    return u;
}

AdminUpdate record(Kind kind, int n)
{
    AdminUpdate u;
    u.seq = ++g_seq;
    u.kind = kind;
    u.event.detail = QString::number(n);
    u.disconnect.code = n;
    return u;
}

// "opened 3", "closed 4", "joined 5@2", ... in the order taken.
QStringList describe(const QList<AdminUpdate> &updates)
{
    QStringList lines;
    for (const AdminUpdate &u : updates) {
        switch (u.kind) {
        case Kind::SessionOpened:
            lines << u"opened %1 in=%2"_s.arg(u.session.id).arg(u.session.messagesIn);
            break;
        case Kind::SessionChanged:
            lines << u"changed %1 in=%2"_s.arg(u.session.id).arg(u.session.messagesIn);
            break;
        case Kind::SessionClosed:
            lines << u"closed %1"_s.arg(u.sessionId);
            break;
        case Kind::QueueJoined:
            lines << u"joined %1@%2"_s.arg(u.queueEntry.sessionId).arg(u.queueEntry.type);
            break;
        case Kind::QueueLeft:
            lines << u"left %1"_s.arg(u.sessionId);
            break;
        case Kind::PairChanged:
            lines << u"pair %1 moves=%2"_s.arg(u.pair.pairId).arg(u.pair.moves);
            break;
        case Kind::PairRemoved:
            lines << u"removed %1"_s.arg(u.pairId);
            break;
        case Kind::Event:
            lines << u"event %1"_s.arg(u.event.detail);
            break;
        case Kind::Disconnect:
            lines << u"disconnect %1"_s.arg(u.disconnect.code);
            break;
        case Kind::Stats:
            lines << u"stats"_s;
            break;
        case Kind::Draining:
            lines << u"draining %1"_s.arg(u.draining);
            break;
        case Kind::Cluster:
            lines << u"cluster %1"_s.arg(u.cluster.linkUp);
            break;
        }
    }
    return lines;
}

bool inSeqOrder(const QList<AdminUpdate> &updates)
{
    for (qsizetype i = 1; i < updates.size(); ++i) {
        if (updates[i - 1].seq >= updates[i].seq)
            return false;
    }
    return true;
}

} // namespace

class TestUpdateCoalescer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sessionThatCameAndWentCostsNothing();
    void rowChangedManyTimesGoesOutOnceWithItsLastState();
    void newRowGoesOutAsAddedWithItsLastState();
    void rowThatExistedBeforeIsRemoved();
    void queueEntryReplacedIsLeftThenJoined();
    void queueEntryThatCameAndWentCostsNothing();
    void pairRemovedAfterChangesIsRemoved();
    void recordsKeepTheLastOnes();
    void statsAllKeptDrainingLastOnly();
    void takeEmptiesIt();
    void tooManyRowsAsksForASnapshot();
};

void TestUpdateCoalescer::sessionThatCameAndWentCostsNothing()
{
    UpdateCoalescer c;
    for (quint64 id = 1; id <= 1000; ++id) {
        c.add(session(Kind::SessionOpened, id));
        c.add(session(Kind::SessionChanged, id, 5));
        c.add(session(Kind::SessionClosed, id));
    }
    QVERIFY(!c.isEmpty());
    QCOMPARE(describe(c.take()), QStringList());
}

void TestUpdateCoalescer::rowChangedManyTimesGoesOutOnceWithItsLastState()
{
    UpdateCoalescer c;
    for (quint64 n = 1; n <= 10; ++n)
        c.add(session(Kind::SessionChanged, 7, n));
    const QList<AdminUpdate> out = c.take();
    QCOMPARE(describe(out), QStringList {u"changed 7 in=10"_s});
    QCOMPARE(out.first().seq, g_seq); // the last update's number
}

void TestUpdateCoalescer::newRowGoesOutAsAddedWithItsLastState()
{
    UpdateCoalescer c;
    c.add(session(Kind::SessionOpened, 8));
    c.add(session(Kind::SessionChanged, 8, 3));
    QCOMPARE(describe(c.take()), QStringList {u"opened 8 in=3"_s});
}

void TestUpdateCoalescer::rowThatExistedBeforeIsRemoved()
{
    UpdateCoalescer c;
    c.add(session(Kind::SessionChanged, 9, 1));
    c.add(session(Kind::SessionClosed, 9));
    QCOMPARE(describe(c.take()), QStringList {u"closed 9"_s});
}

void TestUpdateCoalescer::queueEntryReplacedIsLeftThenJoined()
{
    UpdateCoalescer c;
    c.add(queue(Kind::QueueLeft, 4)); // waiting since before: cancel, then entry again
    c.add(queue(Kind::QueueJoined, 4, 2));
    c.add(queue(Kind::QueueLeft, 4));
    c.add(queue(Kind::QueueJoined, 4, 3));
    const QList<AdminUpdate> out = c.take();
    QCOMPARE(describe(out), (QStringList {u"left 4"_s, u"joined 4@3"_s}));
    QVERIFY(inSeqOrder(out));
}

void TestUpdateCoalescer::queueEntryThatCameAndWentCostsNothing()
{
    UpdateCoalescer c;
    c.add(queue(Kind::QueueJoined, 5));
    c.add(queue(Kind::QueueLeft, 5));
    QCOMPARE(describe(c.take()), QStringList());
}

void TestUpdateCoalescer::pairRemovedAfterChangesIsRemoved()
{
    UpdateCoalescer c;
    c.add(pair(Kind::PairChanged, u"p"_s, 1));
    c.add(pair(Kind::PairChanged, u"p"_s, 2));
    c.add(pair(Kind::PairRemoved, u"p"_s));
    c.add(pair(Kind::PairChanged, u"q"_s, 1));
    c.add(pair(Kind::PairChanged, u"q"_s, 4));
    // a pair's first report does not say whether it is new: its removal always goes out
    QCOMPARE(describe(c.take()), (QStringList {u"removed p"_s, u"pair q moves=4"_s}));
}

void TestUpdateCoalescer::recordsKeepTheLastOnes()
{
    UpdateCoalescer c(UpdateCoalescer::Limits {3, 100});
    for (int n = 1; n <= 5; ++n) {
        c.add(record(Kind::Event, n));
        c.add(record(Kind::Disconnect, 100 + n));
    }
    QCOMPARE(describe(c.take()),
        (QStringList {u"event 3"_s, u"disconnect 103"_s, u"event 4"_s, u"disconnect 104"_s,
            u"event 5"_s, u"disconnect 105"_s}));
}

void TestUpdateCoalescer::statsAllKeptDrainingLastOnly()
{
    UpdateCoalescer c;
    AdminUpdate stats;
    stats.kind = Kind::Stats;
    AdminUpdate drain;
    drain.kind = Kind::Draining;
    for (int i = 0; i < 3; ++i) {
        stats.seq = ++g_seq;
        c.add(stats);
        drain.seq = ++g_seq;
        drain.draining = i % 2 == 0;
        c.add(drain);
    }
    QCOMPARE(
        describe(c.take()), (QStringList {u"stats"_s, u"stats"_s, u"stats"_s, u"draining 1"_s}));
}

void TestUpdateCoalescer::takeEmptiesIt()
{
    UpdateCoalescer c;
    QVERIFY(c.isEmpty());
    c.add(session(Kind::SessionOpened, 11));
    c.add(record(Kind::Event, 1));
    QCOMPARE(c.take().size(), 2);
    QVERIFY(c.isEmpty());
    QCOMPARE(c.take().size(), 0);
}

void TestUpdateCoalescer::tooManyRowsAsksForASnapshot()
{
    UpdateCoalescer c(UpdateCoalescer::Limits {10, 100});
    for (quint64 id = 1; id <= 100; ++id)
        c.add(session(Kind::SessionOpened, 1000 + id));
    QVERIFY(!c.overflowed());
    c.add(session(Kind::SessionOpened, 2000));
    QVERIFY(c.overflowed());
    QVERIFY(c.isEmpty()); // what piled up is dropped, and what comes next until clear()
    c.add(session(Kind::SessionOpened, 2001));
    QVERIFY(c.isEmpty());
    c.clear();
    QVERIFY(!c.overflowed());
    c.add(session(Kind::SessionOpened, 2002));
    QCOMPARE(describe(c.take()), QStringList {u"opened 2002 in=0"_s});
}

QTEST_GUILESS_MAIN(TestUpdateCoalescer)
#include "tst_updatecoalescer.moc"
