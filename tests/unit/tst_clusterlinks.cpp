// The numbering of the batches between nodes (clusterlinks.h), one rule per test: batches are
// applied in order; a hole is never applied past, the sender is asked to renumber and what
// the two nodes share is dropped; a sender that restarted starts afresh; a Reset renumbers
// the batches to its sender once.
#include "clusterlinks.h"

#include <QTest>

using namespace pairmatch;

class TestClusterLinks final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batchesInOrderAreApplied();
    void aHoleIsNeverAppliedPastAndAsksForAReset();
    void afterAHoleOnlyTheRenumberedBatchOneIsApplied();
    void firstBatchSeenNotOneIsAHole();
    void senderRestartDropsWhatWasShared();
    void resetRenumbersOutgoingOnce();
    void reconnectAsksEverySenderToForgetWithoutLosingItsBatches();
};

namespace {

ClusterBatchHeader from(const char *sender, quint64 instance, quint32 epoch, quint64 seq)
{
    return {sender, instance, epoch, seq};
}

} // namespace

void TestClusterLinks::batchesInOrderAreApplied()
{
    ClusterLinks links("me", 1);
    for (quint64 seq = 1; seq <= 5; ++seq) {
        const auto v = links.received(from("a", 7, 0, seq));
        QVERIFY(v.apply);
        QVERIFY(!v.dropShared);
        QVERIFY(!v.askReset);
    }
    // and outgoing: 1, 2, 3 on each link separately
    QCOMPARE(links.nextHeader("a").seq, 1u);
    QCOMPARE(links.nextHeader("a").seq, 2u);
    QCOMPARE(links.nextHeader("b").seq, 1u);
    QCOMPARE(links.nextHeader("a").sender, QByteArray("me"));
}

void TestClusterLinks::aHoleIsNeverAppliedPastAndAsksForAReset()
{
    ClusterLinks links("me", 1);
    QVERIFY(links.received(from("a", 7, 0, 1)).apply);
    const auto v = links.received(from("a", 7, 0, 3)); // 2 was lost
    QVERIFY(!v.apply);
    QVERIFY(v.dropShared);
    QCOMPARE(v.askReset.value_or(0), 1u);
    // a repeat (a reorder) is a hole too
    ClusterLinks other("me", 1);
    QVERIFY(other.received(from("a", 7, 0, 1)).apply);
    QVERIFY(other.received(from("a", 7, 0, 2)).apply);
    QVERIFY(!other.received(from("a", 7, 0, 2)).apply);
}

void TestClusterLinks::afterAHoleOnlyTheRenumberedBatchOneIsApplied()
{
    ClusterLinks links("me", 1);
    links.received(from("a", 7, 0, 1));
    const auto hole = links.received(from("a", 7, 0, 3));
    const quint32 epoch = hole.askReset.value();
    // batches the sender numbered before it heard of the Reset: ignored, quietly
    for (quint64 seq = 4; seq < 7; ++seq) {
        const auto v = links.received(from("a", 7, 0, seq));
        QVERIFY(!v.apply);
        QVERIFY(!v.askReset);
    }
    QVERIFY(links.received(from("a", 7, epoch, 1)).apply);
    QVERIFY(links.received(from("a", 7, epoch, 2)).apply);
}

void TestClusterLinks::firstBatchSeenNotOneIsAHole()
{
    ClusterLinks links("me", 1);
    const auto v = links.received(from("a", 7, 0, 9));
    QVERIFY(!v.apply);
    QVERIFY(v.askReset);
}

void TestClusterLinks::senderRestartDropsWhatWasShared()
{
    ClusterLinks links("me", 1);
    links.received(from("a", 7, 0, 1));
    links.received(from("a", 7, 0, 2));
    const auto v = links.received(from("a", 8, 0, 1)); // instance 8: a new run of "a"
    QVERIFY(v.apply);
    QVERIFY(v.dropShared);
    QVERIFY(!v.askReset);
}

void TestClusterLinks::resetRenumbersOutgoingOnce()
{
    ClusterLinks links("me", 1);
    links.nextHeader("a");
    links.nextHeader("a");
    QVERIFY(links.resetTo("a", 1));
    const ClusterBatchHeader h = links.nextHeader("a");
    QCOMPARE(h.epoch, 1u);
    QCOMPARE(h.seq, 1u);
    QVERIFY(!links.resetTo("a", 1)); // the same Reset again: already obeyed
    QVERIFY(!links.resetTo("a", 0));
    QCOMPARE(links.nextHeader("a").seq, 2u);
}

void TestClusterLinks::reconnectAsksEverySenderToForgetWithoutLosingItsBatches()
{
    ClusterLinks links("me", 1);
    links.received(from("a", 7, 0, 1));
    links.received(from("b", 9, 2, 1));
    auto resets = links.resetAll();
    std::sort(resets.begin(), resets.end());
    QCOMPARE(resets.size(), 2u);
    QCOMPARE(resets[0].first, QByteArray("a"));
    QCOMPARE(resets[0].second, 1u);
    QCOMPARE(resets[1].second, 3u);
    // what "a" sent before it heard of the Reset is still applied in order (a waiter's
    // `prepare` may be in it) ...
    QVERIFY(links.received(from("a", 7, 0, 2)).apply);
    // ... and so is its renumbered batch 1 afterwards
    QVERIFY(links.received(from("a", 7, 1, 1)).apply);
    // a second reconnect asks for a later epoch still
    const auto again = links.resetAll();
    for (const auto &[node, epoch] : again) {
        if (node == "a")
            QCOMPARE(epoch, 2u);
    }
}

QTEST_GUILESS_MAIN(TestClusterLinks)
#include "tst_clusterlinks.moc"
