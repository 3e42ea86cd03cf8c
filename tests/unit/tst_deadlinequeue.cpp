// DeadlineQueue: the FIFO of fixed-delay timeouts, popped in order by explicit `now` values.
#include "deadlinequeue.h"

#include <QByteArray>
#include <QList>
#include <QTest>

#include <limits>

using namespace pairmatch;

class TestDeadlineQueue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void empty();
    void order();
    void pushWhilePopping();
};

void TestDeadlineQueue::empty()
{
    DeadlineQueue<int> q;
    QVERIFY(q.isEmpty());
    QCOMPARE(q.size(), std::size_t(0));
    QCOMPARE(q.nextDeadline(), kNoDeadline);
    int calls = 0;
    q.popDue(std::numeric_limits<Millis>::max(), [&](int) { ++calls; });
    QCOMPARE(calls, 0);
}

void TestDeadlineQueue::order()
{
    DeadlineQueue<QByteArray> q;
    q.push(100, "a");
    q.push(100, "b");
    q.push(200, "c");
    q.push(300, "d");
    QCOMPARE(q.size(), std::size_t(4));
    QCOMPARE(q.nextDeadline(), Millis(100));
    QList<QByteArray> popped;
    q.popDue(99, [&](const QByteArray &k) { popped << k; });
    QVERIFY(popped.isEmpty());
    q.popDue(200, [&](const QByteArray &k) { popped << k; }); // inclusive
    QCOMPARE(popped, (QList<QByteArray> {"a", "b", "c"}));
    QCOMPARE(q.nextDeadline(), Millis(300));
    QCOMPARE(q.size(), std::size_t(1));
    q.popDue(1000, [&](const QByteArray &k) { popped << k; });
    QCOMPARE(popped.size(), 4);
    QVERIFY(q.isEmpty());
    QCOMPARE(q.nextDeadline(), kNoDeadline);
}

void TestDeadlineQueue::pushWhilePopping()
{
    DeadlineQueue<int> q;
    q.push(10, 1);
    q.push(20, 2);
    QList<int> popped;
    // each key due re-arms itself 15 later; those due by `now` are popped in the same call
    q.popDue(40, [&](int k) {
        popped << k;
        if (k < 100)
            q.push(popped.size() * 15 + 10, k + 100);
    });
    // 1@10 pushes 101@25, 2@20 pushes 102@40; both are due by 40 and popped too
    QCOMPARE(popped, (QList<int> {1, 2, 101, 102}));
    QVERIFY(q.isEmpty());
}

QTEST_GUILESS_MAIN(TestDeadlineQueue)
#include "tst_deadlinequeue.moc"
