// ChangeJournal (pure): what piles up between two batches for the in-process dashboard is a
// verdict per row key (added, changed, replaced, removed; nothing for a row that came and
// went), the records up to their caps, and never more than a snapshot's worth.
#include "changejournal.h"

#include <QTest>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

using Verdict = ChangeJournal::Verdict;

QString verdictName(Verdict v)
{
    switch (v) {
    case Verdict::Added:
        return u"added"_s;
    case Verdict::Changed:
        return u"changed"_s;
    case Verdict::Replaced:
        return u"replaced"_s;
    case Verdict::Removed:
        return u"removed"_s;
    }
    return u"?"_s;
}

// "session 3 added", "queue 4 replaced", "pair p removed", "event 2", ... in the order taken.
QStringList describe(const ChangeJournal::Changes &c)
{
    QStringList lines;
    for (const auto &[id, v] : c.sessions)
        lines << u"session %1 %2"_s.arg(id).arg(verdictName(v));
    for (const auto &[id, v] : c.queue)
        lines << u"queue %1 %2"_s.arg(id).arg(verdictName(v));
    for (const auto &[id, v] : c.pairs)
        lines << u"pair %1 %2"_s.arg(QString::fromLatin1(id), verdictName(v));
    for (const LogEvent &e : c.events)
        lines << u"event %1"_s.arg(e.detail);
    for (const ForcedDisconnect &d : c.disconnects)
        lines << u"disconnect %1"_s.arg(d.code);
    for (const StatsSample &s : c.stats)
        lines << u"stats %1"_s.arg(s.connections);
    if (c.draining)
        lines << u"draining %1"_s.arg(*c.draining);
    if (c.cluster)
        lines << u"cluster"_s;
    return lines;
}

LogEvent eventNo(int n)
{
    LogEvent e;
    e.detail = QString::number(n);
    return e;
}

ForcedDisconnect disconnectCode(int code)
{
    ForcedDisconnect d;
    d.code = code;
    return d;
}

} // namespace

class TestChangeJournal final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sessionThatCameAndWentCostsNothing();
    void rowChangedManyTimesGoesOutOnce();
    void newRowGoesOutAsAdded();
    void rowThatExistedBeforeIsRemoved();
    void rowsGoOutInTheOrderFirstMarked();
    void queueEntryReplacedIsReplaced();
    void queueEntryThatCameAndWentCostsNothing();
    void pairIssuedAndRemovedCostsNothing();
    void pairChangedBeforeItsIssueIsAdded();
    void pairNotIssuedHereIsRemoved();
    void recordsKeepTheLastOnes();
    void statsAllKeptDrainingLastWord();
    void takeEmptiesIt();
    void tooManyRowsAsksForASnapshot();
};

void TestChangeJournal::sessionThatCameAndWentCostsNothing()
{
    ChangeJournal j;
    for (quint64 id = 1; id <= 1000; ++id) {
        j.sessionOpened(id);
        j.sessionChanged(id);
        j.sessionClosed(id);
    }
    QVERIFY(j.isEmpty());
    QCOMPARE(describe(j.take()), QStringList());
}

void TestChangeJournal::rowChangedManyTimesGoesOutOnce()
{
    ChangeJournal j;
    for (int n = 0; n < 10; ++n)
        j.sessionChanged(7);
    QCOMPARE(describe(j.take()), QStringList {u"session 7 changed"_s});
}

void TestChangeJournal::newRowGoesOutAsAdded()
{
    ChangeJournal j;
    j.sessionOpened(8);
    j.sessionChanged(8);
    QCOMPARE(describe(j.take()), QStringList {u"session 8 added"_s});
}

void TestChangeJournal::rowThatExistedBeforeIsRemoved()
{
    ChangeJournal j;
    j.sessionChanged(9);
    j.sessionClosed(9);
    j.sessionClosed(10);
    QCOMPARE(describe(j.take()), (QStringList {u"session 9 removed"_s, u"session 10 removed"_s}));
}

void TestChangeJournal::rowsGoOutInTheOrderFirstMarked()
{
    ChangeJournal j;
    for (quint64 id : {50, 3, 41, 7, 12})
        j.sessionOpened(id);
    j.sessionChanged(3);
    QCOMPARE(describe(j.take()),
        (QStringList {u"session 50 added"_s, u"session 3 added"_s, u"session 41 added"_s,
            u"session 7 added"_s, u"session 12 added"_s}));
}

void TestChangeJournal::queueEntryReplacedIsReplaced()
{
    ChangeJournal j;
    j.queueLeft(4); // waiting since before: cancel, then entry again, twice
    j.queueJoined(4);
    j.queueLeft(4);
    j.queueJoined(4);
    j.queueLeft(5); // ... and cancelled for good
    j.queueJoined(5);
    j.queueLeft(5);
    QCOMPARE(describe(j.take()), (QStringList {u"queue 4 replaced"_s, u"queue 5 removed"_s}));
}

void TestChangeJournal::queueEntryThatCameAndWentCostsNothing()
{
    ChangeJournal j;
    j.queueJoined(5);
    j.queueLeft(5);
    QCOMPARE(describe(j.take()), QStringList());
}

void TestChangeJournal::pairIssuedAndRemovedCostsNothing()
{
    ChangeJournal j;
    j.pairIssued("p");
    j.pairChanged("p");
    j.pairChanged("p");
    j.pairRemoved("p");
    j.pairIssued("q");
    j.pairChanged("q");
    QCOMPARE(describe(j.take()), QStringList {u"pair q added"_s});
}

void TestChangeJournal::pairChangedBeforeItsIssueIsAdded()
{
    // the machines' events of a step may be reported before the match that made the pair
    ChangeJournal j;
    j.pairChanged("p");
    j.pairIssued("p");
    QCOMPARE(describe(j.take()), QStringList {u"pair p added"_s});
    j.pairChanged("p");
    j.pairIssued("r");
    j.pairRemoved("r");
    QCOMPARE(describe(j.take()), QStringList {u"pair p changed"_s});
}

void TestChangeJournal::pairNotIssuedHereIsRemoved()
{
    // a pair first seen changing may be one the consumer has: its removal goes out
    ChangeJournal j;
    j.pairChanged("p");
    j.pairRemoved("p");
    QCOMPARE(describe(j.take()), QStringList {u"pair p removed"_s});
}

void TestChangeJournal::recordsKeepTheLastOnes()
{
    ChangeJournal j(ChangeJournal::Limits {3, 100});
    for (int n = 1; n <= 5; ++n) {
        j.event(eventNo(n));
        j.disconnect(disconnectCode(100 + n));
    }
    QCOMPARE(describe(j.take()),
        (QStringList {u"event 3"_s, u"event 4"_s, u"event 5"_s, u"disconnect 103"_s,
            u"disconnect 104"_s, u"disconnect 105"_s}));
}

void TestChangeJournal::statsAllKeptDrainingLastWord()
{
    ChangeJournal j;
    for (int i = 0; i < 3; ++i) {
        StatsSample s;
        s.connections = i;
        j.stats(s);
        j.draining(i % 2 == 0);
    }
    j.clusterChanged();
    j.clusterChanged();
    QCOMPARE(describe(j.take()),
        (QStringList {u"stats 0"_s, u"stats 1"_s, u"stats 2"_s, u"draining 1"_s, u"cluster"_s}));
}

void TestChangeJournal::takeEmptiesIt()
{
    ChangeJournal j;
    QVERIFY(j.isEmpty());
    j.sessionOpened(11);
    j.event(eventNo(1));
    QVERIFY(!j.isEmpty());
    QCOMPARE(describe(j.take()).size(), 2);
    QVERIFY(j.isEmpty());
    QCOMPARE(describe(j.take()), QStringList());
}

void TestChangeJournal::tooManyRowsAsksForASnapshot()
{
    ChangeJournal j(ChangeJournal::Limits {10, 100});
    for (quint64 id = 1; id <= 100; ++id)
        j.sessionOpened(1000 + id);
    QVERIFY(!j.overflowed());
    j.sessionOpened(2000);
    QVERIFY(j.overflowed());
    QVERIFY(j.isEmpty()); // what piled up is dropped, and what comes next until clear()
    j.sessionOpened(2001);
    j.event(eventNo(1));
    QVERIFY(j.isEmpty());
    j.clear();
    QVERIFY(!j.overflowed());
    j.sessionOpened(2002);
    QCOMPARE(describe(j.take()), QStringList {u"session 2002 added"_s});
}

QTEST_GUILESS_MAIN(TestChangeJournal)
#include "tst_changejournal.moc"
