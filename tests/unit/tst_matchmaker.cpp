// Matchmaker: FIFO queues per type, one waiting entry per userId, cancel, close, draining.
// Inputs are real `entry` messages decoded by MessageCodec.
#include "matchmaker.h"
#include "messagecodec.h"
#include "outputtext.h"

#include <QTest>

#include <deque>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

QStringList describe(const Output &out)
{
    return test::describeEffects(out);
}

QStringList describeQueue(const Output &out)
{
    return test::describeQueueEvents(out);
}

} // namespace

class TestMatchmaker final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void firstEntryIsQueued();
    void secondEntryMatchesWaiter();
    void fifoPerType();
    void typesDoNotMatch();
    void typeBounds();
    void matchReturnedNotPrepared();
    void duplicateUserSameType();
    void duplicateUserAcrossTypes();
    void alreadyQueued();
    void alreadyQueuedBeforeDuplicateUser();
    void cancelLeavesQueue();
    void cancelWhenNotQueued();
    void cancelTwice();
    void matchedConnectionIsNoLongerQueued();
    void removeOnClose();
    void removeUnknownIsQuiet();
    void removeAfterMatchIsQuiet();
    void drainingRefusesEntry();
    void drainingKeepsWaitersAndCancel();
    void userStoredCompact();
    void forEachQueue();

private:
    // An entry message decoded from its JSON (the text is kept alive for the spans).
    ClientMessage entry(const QByteArray &userJson);
    ClientMessage entryOf(const char *userId)
    {
        return entry(R"({"userId":")" + QByteArray(userId) + R"("})");
    }

    std::deque<QByteArray> m_texts;
    MessageCodec m_codec;
};

ClientMessage TestMatchmaker::entry(const QByteArray &userJson)
{
    m_texts.push_back(R"({"command":"entry","user":)" + userJson + '}');
    ClientMessage m;
    const auto error = m_codec.decode(QByteArrayView(m_texts.back()), Endpoint::Matching, m);
    if (error)
        qFatal("test input does not decode: %s", m_texts.back().constData());
    return m;
}

void TestMatchmaker::cleanup()
{
    m_texts.clear();
}

void TestMatchmaker::firstEntryIsQueued()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 7, entryOf("alice"), 1000, out));
    QCOMPARE(describe(out), QStringList {u"send 1 entried"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::entriedFrame());
    QCOMPARE(describeQueue(out), QStringList {u"joined type=7 conn=1 other=0 user=alice"_s});
    QVERIFY(out.events.empty());

    QCOMPARE(mm.waitingCount(), 1);
    QVERIFY(mm.isUserWaiting("alice"));
    const QueuedPlayer *w = mm.waiting(1);
    QVERIFY(w);
    QCOMPARE(w->conn, ConnId(1));
    QCOMPARE(w->type, 7);
    QCOMPARE(w->userId, "alice");
    QCOMPARE(w->user, R"({"userId":"alice"})");
    QCOMPARE(w->since, Millis(1000));
    QVERIFY(!mm.waiting(2));
}

void TestMatchmaker::secondEntryMatchesWaiter()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 7, entry(R"({"userId":"alice","rating":1})"), 1000, out));
    out.clear();
    const std::optional<Match> match
        = mm.entry(2, 7, entry(R"({"userId":"bob","rating":2})"), 2500, out);
    QVERIFY(match);
    QCOMPARE(match->type, 7);
    QCOMPARE(match->newcomer.conn, ConnId(2));
    QCOMPARE(match->newcomer.userId, "bob");
    QCOMPARE(match->newcomer.user, R"({"userId":"bob","rating":2})");
    QCOMPARE(match->newcomer.since, Millis(2500));
    QCOMPARE(match->newcomer.type, 7);
    QCOMPARE(match->waiter.conn, ConnId(1));
    QCOMPARE(match->waiter.userId, "alice");
    QCOMPARE(match->waiter.user, R"({"userId":"alice","rating":1})");
    QCOMPARE(match->waiter.since, Millis(1000));
    QCOMPARE(describeQueue(out), QStringList {u"matched type=7 conn=1 other=2 user=alice"_s});

    // both are out of the queue: userIds free, nobody waiting
    QCOMPARE(mm.waitingCount(), 0);
    QVERIFY(!mm.waiting(1));
    QVERIFY(!mm.waiting(2));
    QVERIFY(!mm.isUserWaiting("alice"));
    QVERIFY(!mm.isUserWaiting("bob"));
}

void TestMatchmaker::fifoPerType()
{
    Matchmaker mm;
    Output out;
    // A waits; B is matched with A; C then waits (A is not offered twice); D meets C.
    QVERIFY(!mm.entry(1, 3, entryOf("a"), 10, out));
    const auto ab = mm.entry(2, 3, entryOf("b"), 20, out);
    QVERIFY(ab);
    QCOMPARE(ab->waiter.conn, ConnId(1));
    QCOMPARE(ab->newcomer.conn, ConnId(2));
    out.clear();
    QVERIFY(!mm.entry(3, 3, entryOf("c"), 30, out));
    QCOMPARE(describe(out), QStringList {u"send 3 entried"_s});
    const auto cd = mm.entry(4, 3, entryOf("d"), 40, out);
    QVERIFY(cd);
    QCOMPARE(cd->waiter.conn, ConnId(3));
    QCOMPARE(cd->waiter.userId, "c");
    QCOMPARE(cd->newcomer.conn, ConnId(4));
    QCOMPARE(mm.waitingCount(), 0);

    // a newcomer meets the waiter of its own type, not the longest waiting overall: with e
    // waiting in 3 and f in 4, a newcomer of type 4 meets f, then one of type 3 meets e
    out.clear();
    QVERIFY(!mm.entry(5, 3, entryOf("e"), 50, out));
    QVERIFY(!mm.entry(6, 4, entryOf("f"), 60, out));
    const auto g = mm.entry(7, 4, entryOf("g"), 70, out);
    QVERIFY(g);
    QCOMPARE(g->waiter.userId, "f");
    const auto h = mm.entry(8, 3, entryOf("h"), 80, out);
    QVERIFY(h);
    QCOMPARE(h->waiter.userId, "e");
}

void TestMatchmaker::typesDoNotMatch()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 1, entryOf("alice"), 0, out));
    QVERIFY(!mm.entry(2, 2, entryOf("bob"), 0, out));
    QCOMPARE(describe(out), (QStringList {u"send 1 entried"_s, u"send 2 entried"_s}));
    QCOMPARE(mm.waitingCount(), 2);
    const auto m = mm.entry(3, 1, entryOf("carol"), 0, out);
    QVERIFY(m);
    QCOMPARE(m->waiter.userId, "alice");
    QCOMPARE(m->type, 1);
    QCOMPARE(mm.waitingCount(), 1);
    QCOMPARE(mm.waiting(2)->type, 2);
}

void TestMatchmaker::typeBounds()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 0, entryOf("a"), 0, out));
    QVERIFY(!mm.entry(2, 2147483647, entryOf("b"), 0, out));
    QCOMPARE(mm.waitingCount(), 2);
    const auto m0 = mm.entry(3, 0, entryOf("c"), 0, out);
    QVERIFY(m0);
    QCOMPARE(m0->type, 0);
    const auto mMax = mm.entry(4, 2147483647, entryOf("d"), 0, out);
    QVERIFY(mMax);
    QCOMPARE(mMax->type, 2147483647);
    QCOMPARE(mMax->waiter.userId, "b");
}

// Issuing the pair (and sending `prepare`) is the PairTable's job: the matchmaker sends
// nothing to either player when they match.
void TestMatchmaker::matchReturnedNotPrepared()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    QVERIFY(mm.entry(2, 5, entryOf("bob"), 0, out));
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
    QCOMPARE(out.queueEvents.size(), size_t(1));
}

void TestMatchmaker::duplicateUserSameType()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    QVERIFY(!mm.entry(2, 5, entryOf("alice"), 0, out)); // not matched with itself
    QCOMPARE(describe(out), QStringList {u"send 2 error:duplicate_user"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::errorFrame(ErrorCode::DuplicateUser));
    QVERIFY(out.queueEvents.empty());
    QCOMPARE(mm.waitingCount(), 1);
    QCOMPARE(mm.waiting(1)->userId, "alice");
    QVERIFY(!mm.waiting(2));
}

void TestMatchmaker::duplicateUserAcrossTypes()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    QVERIFY(!mm.entry(2, 6, entryOf("alice"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 2 error:duplicate_user"_s});
    QVERIFY(out.queueEvents.empty());
    // the waiting player stays queued, and is still matched in its own type
    QCOMPARE(mm.waitingCount(), 1);
    QVERIFY(mm.waiting(1));
    QVERIFY(!mm.waiting(2));
    out.clear();
    const auto m = mm.entry(3, 5, entryOf("bob"), 0, out);
    QVERIFY(m);
    QCOMPARE(m->waiter.conn, ConnId(1));
    // ... and the refused connection may enter once alice is gone
    QVERIFY(!mm.entry(2, 6, entryOf("alice"), 0, out));
    QCOMPARE(mm.waiting(2)->type, 6);
}

void TestMatchmaker::alreadyQueued()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    QVERIFY(!mm.entry(1, 6, entryOf("alice2"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 1 error:already_queued"_s});
    QVERIFY(out.queueEvents.empty());
    QCOMPARE(mm.waitingCount(), 1);
    QCOMPARE(mm.waiting(1)->userId, "alice");
    QCOMPARE(mm.waiting(1)->type, 5);
    QVERIFY(!mm.isUserWaiting("alice2"));
    // same type, same connection: refused too, not matched with itself
    out.clear();
    QVERIFY(!mm.entry(1, 5, entryOf("alice3"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 1 error:already_queued"_s});
}

void TestMatchmaker::alreadyQueuedBeforeDuplicateUser()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 1 error:already_queued"_s});
}

void TestMatchmaker::cancelLeavesQueue()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    mm.cancel(1, out);
    QCOMPARE(describe(out), QStringList {u"send 1 cancelled"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::cancelledFrame());
    QCOMPARE(describeQueue(out), QStringList {u"left type=5 conn=1 other=0 user=alice"_s});
    QCOMPARE(mm.waitingCount(), 0);
    QVERIFY(!mm.isUserWaiting("alice"));
    // a newcomer is not matched with the cancelled player
    out.clear();
    QVERIFY(!mm.entry(2, 5, entryOf("bob"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 2 entried"_s});
    // and the cancelled connection may enter again (and meets bob)
    const auto m = mm.entry(1, 5, entryOf("alice"), 0, out);
    QVERIFY(m);
    QCOMPARE(m->waiter.userId, "bob");
}

void TestMatchmaker::cancelWhenNotQueued()
{
    Matchmaker mm;
    Output out;
    mm.cancel(9, out);
    QCOMPARE(describe(out), QStringList {u"send 9 error:not_queued"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::errorFrame(ErrorCode::NotQueued));
    QVERIFY(out.queueEvents.empty());
}

void TestMatchmaker::cancelTwice()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    mm.cancel(1, out);
    out.clear();
    mm.cancel(1, out);
    QCOMPARE(describe(out), QStringList {u"send 1 error:not_queued"_s});
    QVERIFY(out.queueEvents.empty());
}

void TestMatchmaker::matchedConnectionIsNoLongerQueued()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    QVERIFY(mm.entry(2, 5, entryOf("bob"), 0, out));
    out.clear();
    mm.cancel(1, out);
    mm.cancel(2, out);
    QCOMPARE(
        describe(out), (QStringList {u"send 1 error:not_queued"_s, u"send 2 error:not_queued"_s}));
    // both may send entry again
    out.clear();
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 1 entried"_s});
    QVERIFY(mm.entry(2, 5, entryOf("bob"), 0, out));
}

void TestMatchmaker::removeOnClose()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    mm.remove(1, out);
    QVERIFY(out.effects.empty()); // nothing is sent to a closed connection
    QCOMPARE(describeQueue(out), QStringList {u"left type=5 conn=1 other=0 user=alice"_s});
    QCOMPARE(mm.waitingCount(), 0);
    QVERIFY(!mm.isUserWaiting("alice"));
    out.clear();
    QVERIFY(!mm.entry(2, 5, entryOf("bob"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 2 entried"_s});
    // the userId is free again, on another connection
    QVERIFY(mm.entry(3, 5, entryOf("alice"), 0, out));
}

void TestMatchmaker::removeUnknownIsQuiet()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    out.clear();
    mm.remove(2, out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.queueEvents.empty());
    QCOMPARE(mm.waitingCount(), 1);
}

void TestMatchmaker::removeAfterMatchIsQuiet()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    QVERIFY(mm.entry(2, 5, entryOf("bob"), 0, out));
    out.clear();
    mm.remove(1, out);
    mm.remove(2, out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.queueEvents.empty());
}

void TestMatchmaker::drainingRefusesEntry()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.isDraining());
    mm.setDraining(true);
    QVERIFY(mm.isDraining());
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 1 error:draining"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::errorFrame(ErrorCode::Draining));
    QVERIFY(out.queueEvents.empty());
    QCOMPARE(mm.waitingCount(), 0);
    QVERIFY(!mm.isUserWaiting("alice"));
    mm.setDraining(false);
    out.clear();
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 1 entried"_s});
}

void TestMatchmaker::drainingKeepsWaitersAndCancel()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("alice"), 0, out));
    QVERIFY(!mm.entry(2, 6, entryOf("bob"), 0, out));
    mm.setDraining(true);
    out.clear();
    // a newcomer who would match is refused; the waiter keeps waiting
    QVERIFY(!mm.entry(3, 5, entryOf("carol"), 0, out));
    QCOMPARE(describe(out), QStringList {u"send 3 error:draining"_s});
    QCOMPARE(mm.waitingCount(), 2);
    QVERIFY(mm.waiting(1));
    // cancel and close still work while draining
    out.clear();
    mm.cancel(2, out);
    QCOMPARE(describe(out), QStringList {u"send 2 cancelled"_s});
    mm.remove(1, out);
    QCOMPARE(mm.waitingCount(), 0);
}

void TestMatchmaker::userStoredCompact()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entry("{ \"userId\" : \"alice\" ,\n \"name\" : \"A  B\" }"), 0, out));
    QCOMPARE(mm.waiting(1)->user, R"({"userId":"alice","name":"A  B"})");
}

void TestMatchmaker::forEachQueue()
{
    Matchmaker mm;
    Output out;
    QVERIFY(!mm.entry(1, 5, entryOf("a"), 0, out));
    QVERIFY(!mm.entry(2, 9, entryOf("b"), 0, out));
    QStringList seen;
    mm.forEachQueue([&](qint32 type, const std::list<QueuedPlayer> &queue) {
        QStringList ids;
        for (const QueuedPlayer &p : queue)
            ids << QString::fromUtf8(p.userId);
        seen << u"%1:%2"_s.arg(type).arg(ids.join(u','));
    });
    seen.sort();
    QCOMPARE(seen, (QStringList {u"5:a"_s, u"9:b"_s}));
    // a queue emptied by a match is gone
    QVERIFY(mm.entry(3, 5, entryOf("c"), 0, out));
    seen.clear();
    mm.forEachQueue(
        [&](qint32 type, const std::list<QueuedPlayer> &) { seen << QString::number(type); });
    QCOMPARE(seen, QStringList {u"9"_s});
}

QTEST_GUILESS_MAIN(TestMatchmaker)
#include "tst_matchmaker.moc"
