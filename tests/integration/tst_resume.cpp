// Every move kept (docs/protocol.md, "Sequence numbers and resuming"), end to end over real
// sockets: seq at both seats, a takeover with lastSeq, the reconnect grace (away, back, none),
// a reconnect in the middle of a stream, the bounded log, and the answers a connection gets
// once its pair is over or gone. Time-outs run on a FakeClock through the server's own
// settings; nothing sleeps.
#include "fakeclock.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "testplayer.h"
#include "testserver.h"
#include "waituntil.h"

#include <QJsonArray>
#include <QTest>

#include <memory>
#include <vector>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

class TestResume final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seqAtBothSeatsUnderInterleavedLoad();
    void takeoverWithLastSeqReplaysWhatCameAfter_data();
    void takeoverWithLastSeqReplaysWhatCameAfter();
    void clientWithoutLastSeqGetsNoReplay();
    void graceAwayMovesMeanwhileBackWithReplay();
    void graceRunsOutThenNone();
    void kickDuringGraceIsFinal();
    void reconnectMidStreamLosesNothingAndDuplicatesNothing();
    void resumeFromBeforeWhatIsKeptIsReplayUnavailable();
    void lastSeqAfterThePairIsBadSeq();
    void moveAfterNoneIsExactlyEnded();
    void connectionOfARemovedPairGetsEnded();

private:
    static ServerConfig config(qint64 graceMs = 0);
    static quint64 roundSessionOf(TestServer &server, const QString &userId);
    // Reads `game` messages from player until one with seq `last`; appends each seq (and
    // whether it was replayed) to seqs. Any other message fails.
    static QString readMovesUntil(
        TestPlayer &player, quint64 last, QList<quint64> &seqs, int *replayed = nullptr);
};

ServerConfig TestResume::config(qint64 graceMs)
{
    ServerConfig c = TestServer::defaultConfig();
    c.reconnectGraceMs = graceMs;
    return c;
}

quint64 TestResume::roundSessionOf(TestServer &server, const QString &userId)
{
    for (const SessionInfo &s : server.core().view().snapshot().sessions) {
        if (s.endpoint == Endpoint::Round && s.userId == userId)
            return s.id;
    }
    return 0;
}

QString TestResume::readMovesUntil(
    TestPlayer &player, quint64 last, QList<quint64> &seqs, int *replayed)
{
    for (;;) {
        const QJsonObject m = player.next();
        if (m.isEmpty())
            return u"no move with seq %1 came (last seen %2)"_s.arg(last).arg(
                seqs.isEmpty() ? 0 : seqs.last());
        if (m.value("command"_L1) != "game"_L1)
            return u"expected a game, got %1"_s.arg(toText(m));
        const quint64 seq = quint64(m.value("seq"_L1).toInteger());
        seqs.append(seq);
        if (replayed && m.value("replayed"_L1).toBool())
            ++*replayed;
        if (seq == last)
            return {};
    }
}

// Many pairs, both players of each sending at once: at each pair's seats the moves come
// numbered 1..N with no gap, and both seats see the same numbers on the same moves.
void TestResume::seqAtBothSeatsUnderInterleavedLoad()
{
    TestServer server(config());
    QVERIFY(server.isListening());
    constexpr int kPairs = 12;
    constexpr int kMovesEach = 40;
    std::vector<std::unique_ptr<PairSetup>> pairs;
    for (int i = 0; i < kPairs; ++i) {
        auto p = std::make_unique<PairSetup>(server, 1, u"w%1"_s.arg(i), u"n%1"_s.arg(i));
        PM_OK(p->start());
        pairs.push_back(std::move(p));
    }
    for (int m = 0; m < kMovesEach; ++m) {
        for (auto &p : pairs) {
            p->waiterRound.game(QJsonObject {{u"w"_s, m}});
            p->newcomerRound.game(QJsonObject {{u"n"_s, m}});
        }
    }
    for (auto &p : pairs) {
        QList<QJsonObject> seen[2];
        TestPlayer *seats[2] = {&p->waiterRound, &p->newcomerRound};
        for (int s = 0; s < 2; ++s) {
            for (int i = 0; i < 2 * kMovesEach; ++i) {
                QJsonObject m;
                PM_OK(expectCommand(*seats[s], u"game"_s, &m));
                QCOMPARE(m.value("seq"_L1).toInteger(), i + 1);
                seen[s].append(m);
            }
            PM_OK(expectNothingMore(*seats[s]));
        }
        QCOMPARE(seen[0], seen[1]);
    }
}

void TestResume::takeoverWithLastSeqReplaysWhatCameAfter_data()
{
    QTest::addColumn<int>("lastSeq");
    QTest::newRow("from 0") << 0;
    QTest::newRow("from the middle") << 3;
    QTest::newRow("from the end") << 6;
}

// The player's phone dropped Wi-Fi: a new connection takes the seat over with its token and
// the last seq it saw. It gets `start` at the pair's seq, then each move after lastSeq once,
// in order, marked replayed; then the game goes on live. The old connection gets 4001, the
// opponent nothing.
void TestResume::takeoverWithLastSeqReplaysWhatCameAfter()
{
    QFETCH(int, lastSeq);
    TestServer server(config());
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    for (int i = 1; i <= 6; ++i)
        PM_OK(pair.move(i % 2 == 0, i));

    TestPlayer again;
    PM_OK(pair.openRound(again));
    pair.resumeAsWaiter(again, lastSeq);
    PM_OK(expectClosed(pair.waiterRound, 4001, u"replaced"_s));
    PM_OK(expectMessage(
        again, startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s), 6)));
    for (int seq = lastSeq + 1; seq <= 6; ++seq) {
        PM_OK(expectMessage(again,
            replayedMessage(seq % 2 == 0 ? pair.waiterId : pair.newcomerId, seq, quint64(seq))));
    }
    PM_OK(expectNothingMore(again));
    PM_OK(expectNothingMore(pair.newcomerRound)); // no none, no away
    pair.newcomerRound.game(7);
    PM_OK(expectMessage(again, gameMessage(pair.newcomerId, 7, 7)));
    PM_OK(expectMessage(pair.newcomerRound, gameMessage(pair.newcomerId, 7, 7)));
}

// A client that never sends lastSeq sees what it always saw, plus `seq` on start and game:
// a takeover gives it `start` and nothing replayed.
void TestResume::clientWithoutLastSeqGetsNoReplay()
{
    TestServer server(config(60'000));
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    PM_OK(pair.move(true, u"a"_s));
    PM_OK(pair.move(false, u"b"_s));
    TestPlayer again;
    PM_OK(pair.openRound(again));
    pair.preparedAsWaiter(again);
    PM_OK(expectMessage(
        again, startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s), 2)));
    PM_OK(expectNothingMore(again));
}

// With --reconnect-grace-ms: a dropped seat is held. The opponent gets `away`, its moves go
// on (numbered, echoed, kept); the player comes back with its token and lastSeq: the opponent
// gets `back`, the returning seat `start` and what it missed, then live moves.
void TestResume::graceAwayMovesMeanwhileBackWithReplay()
{
    TestServer server(config(60'000));
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    PM_OK(pair.move(true, 1));
    TestPlayer &bob = pair.newcomerRound;

    pair.waiterRound.abort(); // no close frame: the TCP connection just ends
    PM_OK(expectMessage(bob, QJsonObject {{u"command"_s, u"away"_s}, {u"userId"_s, u"alice"_s}}));
    bob.game(2);
    bob.game(3);
    PM_OK(expectMessage(bob, gameMessage(u"bob"_s, 2, 2)));
    PM_OK(expectMessage(bob, gameMessage(u"bob"_s, 3, 3)));

    TestPlayer again;
    PM_OK(pair.openRound(again));
    pair.resumeAsWaiter(again, 1);
    PM_OK(expectMessage(bob, QJsonObject {{u"command"_s, u"back"_s}, {u"userId"_s, u"alice"_s}}));
    PM_OK(expectMessage(
        again, startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s), 3)));
    PM_OK(expectMessage(again, replayedMessage(u"bob"_s, 2, 2)));
    PM_OK(expectMessage(again, replayedMessage(u"bob"_s, 3, 3)));
    again.game(4);
    PM_OK(expectMessage(again, gameMessage(u"alice"_s, 4, 4)));
    PM_OK(expectMessage(bob, gameMessage(u"alice"_s, 4, 4)));
    PM_OK(expectNothingMore(bob));
    PM_OK(expectNothingMore(again));
}

// Nobody comes back: when the grace runs out the opponent gets `none`; the pair is over, so a
// late return is unknown_pair and a move after `none` is exactly `ended`.
void TestResume::graceRunsOutThenNone()
{
    FakeClock clock;
    TestServer server(config(5'000), clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &bob = pair.newcomerRound;
    pair.waiterRound.close();
    PM_OK(expectCommand(bob, u"away"_s));
    clock.advance(4'999);
    PM_OK(expectNothingMore(bob));
    clock.advance(1);
    PM_OK(expectMessage(bob, message(u"none"_s)));
    bob.game(1);
    PM_OK(expectError(bob, u"ended"_s));
    PM_OK(expectNothingMore(bob));
    TestPlayer late;
    PM_OK(pair.openRound(late));
    pair.resumeAsWaiter(late, 0);
    PM_OK(expectError(late, u"unknown_pair"_s));
}

// A kick is final, grace or not: the kicked seat's opponent gets `none` at once; and the
// player still there, kicked while the other is away, ends the pair for both.
void TestResume::kickDuringGraceIsFinal()
{
    TestServer server(config(60'000));
    QVERIFY(server.isListening());
    {
        PairSetup pair(server, 1, u"alice"_s, u"bob"_s);
        PM_OK(pair.start());
        QString why;
        QVERIFY2(server.core().kick(roundSessionOf(server, u"alice"_s), &why), qPrintable(why));
        PM_OK(expectClosed(pair.waiterRound, 4000, u"kicked by operator"_s));
        PM_OK(expectMessage(pair.newcomerRound, message(u"none"_s)));
    }
    PM_OK(waitConnectionCount(server, 0));
    PairSetup pair(server, 1, u"carol"_s, u"dave"_s);
    PM_OK(pair.start());
    pair.waiterRound.close();
    PM_OK(expectCommand(pair.newcomerRound, u"away"_s));
    QString why;
    QVERIFY2(server.core().kick(roundSessionOf(server, u"dave"_s), &why), qPrintable(why));
    PM_OK(expectClosed(pair.newcomerRound, 4000, u"kicked by operator"_s));
    TestPlayer late;
    PM_OK(pair.openRound(late));
    pair.resumeAsWaiter(late, 0);
    PM_OK(expectError(late, u"unknown_pair"_s));
}

// Bob streams moves; alice's connection drops in the middle of them and she comes back with
// the last seq she read while bob goes on. What alice sees, first connection then second, is
// every seq exactly once, in order.
void TestResume::reconnectMidStreamLosesNothingAndDuplicatesNothing()
{
    TestServer server(config(60'000));
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &bob = pair.newcomerRound;
    constexpr int kBefore = 300;
    constexpr int kDuring = 200;
    for (int i = 1; i <= kBefore; ++i)
        bob.game(i);
    // alice reads part of the stream, then her connection is cut
    QList<quint64> seenByAlice;
    PM_OK(readMovesUntil(pair.waiterRound, 120, seenByAlice));
    pair.waiterRound.abort();
    for (int i = kBefore + 1; i <= kBefore + kDuring; ++i)
        bob.game(i);

    TestPlayer again;
    PM_OK(pair.openRound(again));
    pair.resumeAsWaiter(again, qint64(seenByAlice.last()));
    QJsonObject start;
    PM_OK(expectCommand(again, u"start"_s, &start));
    const quint64 atStart = quint64(start.value("seq"_L1).toInteger());
    QVERIFY(atStart >= quint64(kBefore));
    int replayed = 0;
    PM_OK(readMovesUntil(again, kBefore + kDuring, seenByAlice, &replayed));
    QCOMPARE(replayed, int(atStart - 120));
    QCOMPARE(seenByAlice.size(), kBefore + kDuring);
    for (qsizetype i = 0; i < seenByAlice.size(); ++i)
        QCOMPARE(seenByAlice[i], quint64(i + 1));
    PM_OK(expectNothingMore(again));
}

// The log is bounded (--move-log-bytes): a resume from before the first move kept is refused
// with replay_unavailable and changes nothing; the old connection keeps playing.
void TestResume::resumeFromBeforeWhatIsKeptIsReplayUnavailable()
{
    ServerConfig c = config();
    c.moveLogBytes = 1'024;
    TestServer server(c);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    for (int i = 1; i <= 100; ++i)
        PM_OK(pair.move(false, i));
    TestPlayer again;
    PM_OK(pair.openRound(again));
    pair.resumeAsWaiter(again, 0);
    PM_OK(expectError(again, u"replay_unavailable"_s));
    PM_OK(pair.move(false, 101)); // the old seat still plays
    // from the recent past it works
    pair.resumeAsWaiter(again, 99);
    PM_OK(expectClosed(pair.waiterRound, 4001));
    PM_OK(expectCommand(again, u"start"_s));
    PM_OK(expectMessage(again, replayedMessage(u"bob"_s, 100, 100)));
    PM_OK(expectMessage(again, replayedMessage(u"bob"_s, 101, 101)));
}

void TestResume::lastSeqAfterThePairIsBadSeq()
{
    TestServer server(config());
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    PM_OK(pair.move(true, 1));
    TestPlayer again;
    PM_OK(pair.openRound(again));
    pair.resumeAsWaiter(again, 2);
    PM_OK(expectError(again, u"bad_seq"_s));
    pair.resumeAsWaiter(again, u"1"_s);
    PM_OK(expectError(again, u"bad_seq"_s));
    PM_OK(expectNothingMore(pair.waiterRound)); // still seated, not replaced
}

// Without a grace a close after start gives the opponent `none`; a move after it gets
// exactly `ended`, and nothing else.
void TestResume::moveAfterNoneIsExactlyEnded()
{
    TestServer server(config());
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    pair.waiterRound.close();
    PM_OK(expectMessage(pair.newcomerRound, message(u"none"_s)));
    pair.newcomerRound.game(1);
    PM_OK(expectError(pair.newcomerRound, u"ended"_s));
    pair.newcomerRound.end();
    PM_OK(expectMessage(pair.newcomerRound, message(u"ended"_s)));
    PM_OK(expectNothingMore(pair.newcomerRound));
}

// A connection still open after its ended pair was removed (the linger period) sent
// `prepared` long ago: its `game` is `ended`, not not_prepared, and `end` is `ended`.
void TestResume::connectionOfARemovedPairGetsEnded()
{
    FakeClock clock;
    ServerConfig c = config();
    c.lingerMs = 1'000;
    TestServer server(c, clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    pair.waiterRound.end();
    PM_OK(expectMessage(pair.waiterRound, message(u"ended"_s)));
    clock.advance(1'000);
    QVERIFY(waitUntil([&] { return server.core().pairs().size() == 0; }));
    for (TestPlayer *p : {&pair.waiterRound, &pair.newcomerRound}) {
        p->game(1);
        PM_OK(expectError(*p, u"ended"_s));
        p->end();
        PM_OK(expectMessage(*p, message(u"ended"_s)));
    }
    TestPlayer late;
    PM_OK(pair.openRound(late));
    pair.preparedAsWaiter(late);
    PM_OK(expectError(late, u"unknown_pair"_s));
}

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
