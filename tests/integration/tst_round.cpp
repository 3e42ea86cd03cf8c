// The round endpoint over real sockets (protocol.md, "Round", the takeover rule of
// "Liveness", and the `data` limit): one rule per test function. Timeouts run on a
// FakeClock: each test knows the exact moment one fires, and checks the moment before.
#include "fakeclock.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "testplayer.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kPrepareTimeoutMs = 10'000;

ServerConfig configWith(qint64 prepareTimeoutMs, qint64 lingerMs = 60'000)
{
    ServerConfig c = TestServer::defaultConfig();
    c.prepareTimeoutMs = prepareTimeoutMs;
    c.lingerMs = lingerMs;
    return c;
}

// After the waiter (alice) left its seat before `start`: the seat is free again. bob sits
// alone (wait, no start), alice sits again (start to both).
QString waiterSeatIsFreeAgain(const PairSetup &pair)
{
    TestPlayer b, a2;
    for (TestPlayer *p : {&b, &a2}) {
        if (QString failure = pair.openRound(*p); !failure.isEmpty())
            return failure;
    }
    pair.preparedAsNewcomer(b);
    if (QString failure = expectMessage(b, message(u"wait"_s)); !failure.isEmpty())
        return failure;
    pair.preparedAsWaiter(a2);
    const QJsonObject start
        = startMessage(TestPlayer::user(u"bob"_s), TestPlayer::user(u"alice"_s));
    if (QString failure = expectMessage(b, start); !failure.isEmpty())
        return failure;
    return expectMessage(a2, start);
}

} // namespace

class TestRound final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstPreparedGetsWait();
    void secondPreparedStartsBothInSeatingOrder_data();
    void secondPreparedStartsBothInSeatingOrder();
    void movesAreRelayedToBothSeatsInOneOrder();
    void moveUserIdIsSetByServer();
    void endAnswersEndedToSenderOnly();
    void gameAfterEndIsEnded();
    void closeAfterEndSendsNothingToOpponent();
    void unknownPairNeverIssued();
    void unknownPairAfterPairIsOver();
    void notInPair_data();
    void notInPair();
    void alreadySeated();
    void notPreparedBeforePrepared_data();
    void notPreparedBeforePrepared();
    void notStartedBeforeStart();
    void prepareTimeoutSendsInvalidAndCloses();
    void pairNobodyJoinsExpires();
    void closeBeforeStartFreesSeat();
    void kickBeforeStartFreesSeat();
    void closeBeforeStartKeepsTimeoutRunning();
    void closeAfterStartSendsNoneAndEndsPair_data();
    void closeAfterStartSendsNoneAndEndsPair();
    void takeoverOfStartedPair();
    void takeoverOfEndedPair();
    void takeoverOfWaitingSeat();
    void takeoverAfterOldClosedBeforeStart();
    void overPairRemovedWhenLastConnectionCloses();
    void endedPairRemovedAfterLinger();
    void gameDataSizeLimit_data();
    void gameDataSizeLimit();
    void gameWithoutDataRelaysNull();
    void roundPathWithTrailingSlash();
    void dataIsRelayedCompactlyAndExactly_data();
    void dataIsRelayedCompactlyAndExactly();
    void otherMessagesOnRound_data();
    void otherMessagesOnRound();
};

void TestRound::firstPreparedGetsWait()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a;
    PM_OK(pair.openRound(a));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    PM_OK(expectNothingMore(a));
}

void TestRound::secondPreparedStartsBothInSeatingOrder_data()
{
    QTest::addColumn<bool>("waiterFirst");
    QTest::newRow("waiter sits first") << true;
    QTest::newRow("newcomer sits first") << false;
}

// `start` goes to both, users in seating order (the objects given with `prepared`)
void TestRound::secondPreparedStartsBothInSeatingOrder()
{
    QFETCH(bool, waiterFirst);
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a, b;
    PM_OK(pair.openRound(a));
    PM_OK(pair.openRound(b));
    const QJsonObject aExtra {{u"skin"_s, u"red"_s}};
    const QJsonObject bExtra {{u"skin"_s, u"blue"_s}, {u"level"_s, 3}};
    const QJsonObject aUser = TestPlayer::user(u"alice"_s, aExtra);
    const QJsonObject bUser = TestPlayer::user(u"bob"_s, bExtra);

    TestPlayer &first = waiterFirst ? a : b;
    TestPlayer &second = waiterFirst ? b : a;
    if (waiterFirst)
        pair.preparedAsWaiter(a, aExtra);
    else
        pair.preparedAsNewcomer(b, bExtra);
    PM_OK(expectMessage(first, message(u"wait"_s)));
    PM_OK(expectNothingMore(second));
    if (waiterFirst)
        pair.preparedAsNewcomer(b, bExtra);
    else
        pair.preparedAsWaiter(a, aExtra);
    const QJsonObject start = waiterFirst ? startMessage(aUser, bUser) : startMessage(bUser, aUser);
    PM_OK(expectMessage(first, start));
    PM_OK(expectMessage(second, start));
    PM_OK(expectNothingMore(a));
    PM_OK(expectNothingMore(b));
}

// Both send at once without waiting for echoes: each seat gets every move once, both in
// one order, each player's moves in its send order, sender included.
void TestRound::movesAreRelayedToBothSeatsInOneOrder()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;

    constexpr int kMoves = 25;
    for (int i = 0; i < kMoves; ++i) {
        a.game(QJsonObject {{u"by"_s, u"a"_s}, {u"n"_s, i}});
        b.game(QJsonObject {{u"by"_s, u"b"_s}, {u"n"_s, i}});
    }
    QList<QJsonObject> seenByA, seenByB;
    for (int i = 0; i < 2 * kMoves; ++i) {
        QJsonObject m;
        PM_OK(expectCommand(a, u"game"_s, &m));
        seenByA.append(m);
        PM_OK(expectCommand(b, u"game"_s, &m));
        seenByB.append(m);
    }
    QCOMPARE(seenByA, seenByB);
    // numbered 1, 2, 3... in the one order both seats saw
    int nextA = 0, nextB = 0;
    quint64 seq = 0;
    for (const QJsonObject &m : seenByA) {
        const bool fromA = m[u"data"_s][u"by"_s] == u"a"_s;
        const int n = fromA ? nextA++ : nextB++;
        QCOMPARE(m,
            gameMessage(fromA ? u"alice"_s : u"bob"_s,
                QJsonObject {{u"by"_s, fromA ? u"a"_s : u"b"_s}, {u"n"_s, n}}, ++seq));
    }
    QCOMPARE(nextA, kMoves);
    QCOMPARE(nextB, kMoves);
    PM_OK(expectNothingMore(a));
    PM_OK(expectNothingMore(b));
}

// A client cannot speak for the other: `userId` comes from the seat; whatever the message
// claims is ignored, and `data` is relayed untouched.
void TestRound::moveUserIdIsSetByServer()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;

    a.sendText(uR"({"command":"game","userId":"bob","user":{"userId":"bob"},"token":"x",)"
               uR"("data":{"userId":"bob","from":"bob"}})"_s);
    const QJsonObject fromA
        = gameMessage(u"alice"_s, QJsonObject {{u"userId"_s, u"bob"_s}, {u"from"_s, u"bob"_s}}, 1);
    PM_OK(expectMessage(a, fromA));
    PM_OK(expectMessage(b, fromA));

    b.sendText(uR"({"userId":"alice","command":"game","data":"I am alice"})"_s);
    const QJsonObject fromB = gameMessage(u"bob"_s, u"I am alice"_s, 2);
    PM_OK(expectMessage(a, fromB));
    PM_OK(expectMessage(b, fromB));
    PM_OK(expectNothingMore(a));
    PM_OK(expectNothingMore(b));
}

void TestRound::endAnswersEndedToSenderOnly()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    b.end();
    PM_OK(expectMessage(b, message(u"ended"_s)));
    PM_OK(expectNothingMore(a));
    PM_OK(expectNothingMore(b));
}

void TestRound::gameAfterEndIsEnded()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.end();
    PM_OK(expectMessage(a, message(u"ended"_s)));
    a.game(1);
    PM_OK(expectError(a, u"ended"_s));
    b.game(2); // the other seat too: nothing is relayed after the end
    PM_OK(expectError(b, u"ended"_s));
    PM_OK(expectNothingMore(a));
    PM_OK(expectNothingMore(b));
}

void TestRound::closeAfterEndSendsNothingToOpponent()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.end();
    PM_OK(expectMessage(a, message(u"ended"_s)));
    a.close();
    PM_OK(waitConnectionCount(server, 3)); // 2 matching + b
    PM_OK(expectNothingMore(b)); // no `none`

    // nor when the other one, which did not send `end`, goes
    PairSetup second(server, 2, u"carol"_s, u"dave"_s);
    PM_OK(second.start());
    TestPlayer &c = second.waiterRound, &d = second.newcomerRound;
    c.end();
    PM_OK(expectMessage(c, message(u"ended"_s)));
    d.abort();
    PM_OK(waitConnectionCount(server, 3 + 3));
    PM_OK(expectNothingMore(c));
}

void TestRound::unknownPairNeverIssued()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());

    // a well-formed id that was never issued, with a real user and token of another pair
    TestPlayer x;
    QVERIFY(x.open(server.roundUrl("AAAAAAAAAAAAAAAAAAAAAA")));
    pair.preparedAsWaiter(x);
    PM_OK(expectError(x, u"unknown_pair"_s));
    PM_OK(expectNothingMore(x)); // still open
    x.prepared(u"nobody"_s, u"whatever"_s);
    PM_OK(expectError(x, u"unknown_pair"_s));

    // the real pair is untouched: its seat is free
    TestPlayer a;
    PM_OK(pair.openRound(a));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
}

// Over by `none`: its pairId gets unknown_pair, for either player's credentials.
void TestRound::unknownPairAfterPairIsOver()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.close();
    PM_OK(expectMessage(b, message(u"none"_s)));

    TestPlayer a2, b2;
    PM_OK(pair.openRound(a2));
    PM_OK(pair.openRound(b2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectError(a2, u"unknown_pair"_s));
    pair.preparedAsNewcomer(b2);
    PM_OK(expectError(b2, u"unknown_pair"_s));
    PM_OK(expectNothingMore(b));
}

void TestRound::notInPair_data()
{
    QTest::addColumn<QString>("userId");
    QTest::addColumn<QString>("tokenKind");
    QTest::newRow("userId of no player") << u"carol"_s << u"own"_s;
    QTest::newRow("right userId, the other's token") << u"alice"_s << u"other"_s;
    QTest::newRow("right userId, made-up token") << u"alice"_s << u"made-up"_s;
    QTest::newRow("right userId, token missing") << u"alice"_s << u"missing"_s;
    QTest::newRow("right userId, token a number") << u"alice"_s << u"number"_s;
    QTest::newRow("right userId, token empty") << u"alice"_s << u"empty"_s;
    QTest::newRow("right userId, token cut short") << u"alice"_s << u"prefix"_s;
    QTest::newRow("right userId, token one char longer") << u"alice"_s << u"longer"_s;
    QTest::newRow("right userId, token in other case") << u"alice"_s << u"case"_s;
}

void TestRound::notInPair()
{
    QFETCH(QString, userId);
    QFETCH(QString, tokenKind);
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server, 1, u"alice"_s, u"bob"_s);
    PM_OK(pair.match());
    const QString own = pair.waiterToken;
    QJsonValue token;
    if (tokenKind == "own"_L1)
        token = own;
    else if (tokenKind == "other"_L1)
        token = pair.newcomerToken;
    else if (tokenKind == "made-up"_L1)
        token = u"AAAAAAAAAAAAAAAAAAAAAA"_s;
    else if (tokenKind == "number"_L1)
        token = 12345;
    else if (tokenKind == "empty"_L1)
        token = QString();
    else if (tokenKind == "prefix"_L1)
        token = own.chopped(1);
    else if (tokenKind == "longer"_L1)
        token = own + u'A';
    else if (tokenKind == "case"_L1)
        token = own.toUpper() == own ? own.toLower() : own.toUpper();

    TestPlayer x;
    PM_OK(pair.openRound(x));
    x.send(preparedMessage(TestPlayer::user(userId), token));
    PM_OK(expectError(x, u"not_in_pair"_s));
    PM_OK(expectNothingMore(x));

    // nobody took a seat: the right credentials on the same connection still work
    pair.preparedAsWaiter(x);
    PM_OK(expectMessage(x, message(u"wait"_s)));
    TestPlayer b;
    PM_OK(pair.openRound(b));
    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(b, u"start"_s));
    PM_OK(expectCommand(x, u"start"_s));
}

void TestRound::alreadySeated()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a, b;
    PM_OK(pair.openRound(a));
    PM_OK(pair.openRound(b));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    pair.preparedAsWaiter(a);
    PM_OK(expectError(a, u"already_seated"_s));
    pair.preparedAsNewcomer(a); // nor may it take the other seat as well
    PM_OK(expectError(a, u"already_seated"_s));
    PM_OK(expectNothingMore(a));

    pair.preparedAsNewcomer(b);
    const QJsonObject start
        = startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s));
    PM_OK(expectMessage(a, start));
    PM_OK(expectMessage(b, start));
    pair.preparedAsWaiter(a); // started: still already seated
    PM_OK(expectError(a, u"already_seated"_s));
    PM_OK(expectNothingMore(b));
}

void TestRound::notPreparedBeforePrepared_data()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("game") << u"game"_s;
    QTest::newRow("end") << u"end"_s;
}

void TestRound::notPreparedBeforePrepared()
{
    QFETCH(QString, command);
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a, b;
    PM_OK(pair.openRound(a));
    PM_OK(pair.openRound(b));
    a.send(QJsonObject {{u"command"_s, command}, {u"data"_s, 1}});
    PM_OK(expectError(a, u"not_prepared"_s));

    // with the other seat taken, and after the start, still not_prepared without a seat
    pair.preparedAsNewcomer(b);
    PM_OK(expectMessage(b, message(u"wait"_s)));
    a.send(QJsonObject {{u"command"_s, command}, {u"data"_s, 1}});
    PM_OK(expectError(a, u"not_prepared"_s));
    TestPlayer c;
    PM_OK(pair.openRound(c));
    pair.preparedAsWaiter(c);
    PM_OK(expectCommand(c, u"start"_s));
    PM_OK(expectCommand(b, u"start"_s));
    a.send(QJsonObject {{u"command"_s, command}, {u"data"_s, 1}});
    PM_OK(expectError(a, u"not_prepared"_s));
    PM_OK(expectNothingMore(b)); // nothing relayed, the pair did not end
    PM_OK(expectNothingMore(c));
    c.game(7);
    PM_OK(expectMessage(b, gameMessage(u"alice"_s, 7, 1)));
}

void TestRound::notStartedBeforeStart()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a, b;
    PM_OK(pair.openRound(a));
    PM_OK(pair.openRound(b));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    a.game(QJsonObject {{u"early"_s, true}});
    PM_OK(expectError(a, u"not_started"_s));

    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(a, u"start"_s));
    PM_OK(expectCommand(b, u"start"_s));
    // the early move was dropped, not held back
    PM_OK(expectNothingMore(a));
    PM_OK(expectNothingMore(b));
    a.game(QJsonObject {{u"late"_s, true}});
    const QJsonObject move = gameMessage(u"alice"_s, QJsonObject {{u"late"_s, true}}, 1);
    PM_OK(expectMessage(a, move));
    PM_OK(expectMessage(b, move));
}

void TestRound::prepareTimeoutSendsInvalidAndCloses()
{
    FakeClock clock;
    TestServer server(configWith(kPrepareTimeoutMs), clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a;
    PM_OK(pair.openRound(a));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));

    clock.advance(kPrepareTimeoutMs - 1); // not yet
    PM_OK(expectNothingMore(a));
    clock.advance(1);
    PM_OK(expectMessage(a, message(u"invalid"_s)));
    PM_OK(expectClosed(a, 1000));
    QCOMPARE(a.pendingCount(), 0);

    // the pair is over: both players' credentials get unknown_pair
    TestPlayer b, a2;
    PM_OK(pair.openRound(b));
    PM_OK(pair.openRound(a2));
    pair.preparedAsNewcomer(b);
    PM_OK(expectError(b, u"unknown_pair"_s));
    pair.preparedAsWaiter(a2);
    PM_OK(expectError(a2, u"unknown_pair"_s));
}

void TestRound::pairNobodyJoinsExpires()
{
    FakeClock clock;
    TestServer server(configWith(kPrepareTimeoutMs), clock);
    QVERIFY(server.isListening());
    PairSetup unjoined(server, 1, u"alice"_s, u"bob"_s);
    PM_OK(unjoined.match());
    clock.advance(kPrepareTimeoutMs - 1);
    QTest::qWait(0); // a timer due now would fire here
    QVERIFY(server.core().pairs().find(unjoined.pairId));

    clock.advance(1);
    QTRY_VERIFY(!server.core().pairs().find(unjoined.pairId));
    TestPlayer a, b;
    PM_OK(unjoined.openRound(a));
    PM_OK(unjoined.openRound(b));
    unjoined.preparedAsWaiter(a);
    PM_OK(expectError(a, u"unknown_pair"_s));
    unjoined.preparedAsNewcomer(b);
    PM_OK(expectError(b, u"unknown_pair"_s));
}

void TestRound::closeBeforeStartFreesSeat()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a;
    PM_OK(pair.openRound(a));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    a.close();
    PM_OK(waitConnectionCount(server, 2)); // the 2 matching connections
    PM_OK(waiterSeatIsFreeAgain(pair));
}

// The same when an operator kicks the seated player before `start`: 4000, and the seat is free
void TestRound::kickBeforeStartFreesSeat()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a;
    PM_OK(pair.openRound(a));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    quint64 seated = 0;
    for (const SessionInfo &s : server.core().view().snapshot().sessions) {
        if (s.endpoint == Endpoint::Round && s.userId == u"alice"_s)
            seated = s.id;
    }
    QVERIFY(seated != 0);
    QString why;
    QVERIFY2(server.core().kick(seated, &why), qPrintable(why));
    PM_OK(expectClosed(a, 4000, u"kicked by operator"_s));
    PM_OK(waiterSeatIsFreeAgain(pair));
}

void TestRound::closeBeforeStartKeepsTimeoutRunning()
{
    FakeClock clock;
    TestServer server(configWith(kPrepareTimeoutMs), clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a;
    PM_OK(pair.openRound(a));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    clock.advance(kPrepareTimeoutMs / 2);
    a.abort();
    PM_OK(waitConnectionCount(server, 2));

    // The seat can be taken again, and the timeout still fires when it was due from
    // `prepare` (bob never comes): taking the seat again does not start it over.
    TestPlayer a2;
    PM_OK(pair.openRound(a2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectMessage(a2, message(u"wait"_s)));
    clock.advance(kPrepareTimeoutMs - kPrepareTimeoutMs / 2);
    PM_OK(expectMessage(a2, message(u"invalid"_s)));
    PM_OK(expectClosed(a2, 1000));
    TestPlayer b;
    PM_OK(pair.openRound(b));
    pair.preparedAsNewcomer(b);
    PM_OK(expectError(b, u"unknown_pair"_s));
}

void TestRound::closeAfterStartSendsNoneAndEndsPair_data()
{
    QTest::addColumn<bool>("abort");
    QTest::newRow("close frame") << false;
    QTest::newRow("connection dropped") << true;
}

void TestRound::closeAfterStartSendsNoneAndEndsPair()
{
    QFETCH(bool, abort);
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.game(1);
    PM_OK(expectMessage(a, gameMessage(u"alice"_s, 1, 1)));
    PM_OK(expectMessage(b, gameMessage(u"alice"_s, 1, 1)));
    if (abort)
        a.abort();
    else
        a.close();
    PM_OK(expectMessage(b, message(u"none"_s)));
    PM_OK(expectNothingMore(b));
    QVERIFY(b.isOpen()); // the remaining player is not closed

    // the pair is over: no more moves, no way back in
    b.game(2);
    PM_OK(expectCommand(b, u"error"_s));
    PM_OK(expectNothingMore(b));
    TestPlayer a2;
    PM_OK(pair.openRound(a2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectError(a2, u"unknown_pair"_s));
}

// `prepared` with the right userId and token while the seat's old connection is open:
// the old one is closed with 4001 "replaced", the opponent hears nothing, the new one gets
// what the old one had: here `start`.
void TestRound::takeoverOfStartedPair()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.game(1);
    PM_OK(expectMessage(a, gameMessage(u"alice"_s, 1, 1)));
    PM_OK(expectMessage(b, gameMessage(u"alice"_s, 1, 1)));

    TestPlayer a2;
    PM_OK(pair.openRound(a2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectClosed(a, 4001, u"replaced"_s));
    QCOMPARE(a.pendingCount(), 0);
    PM_OK(expectMessage(
        a2, startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s), 1)));
    PM_OK(expectNothingMore(b)); // no `none`

    // play goes on between the new connection and the opponent
    a2.game(2);
    PM_OK(expectMessage(a2, gameMessage(u"alice"_s, 2, 2)));
    PM_OK(expectMessage(b, gameMessage(u"alice"_s, 2, 2)));
    b.game(3);
    PM_OK(expectMessage(a2, gameMessage(u"bob"_s, 3, 3)));
    PM_OK(expectMessage(b, gameMessage(u"bob"_s, 3, 3)));
    PM_OK(expectNothingMore(a2));
    PM_OK(expectNothingMore(b));
}

void TestRound::takeoverOfEndedPair()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.end();
    PM_OK(expectMessage(a, message(u"ended"_s)));

    TestPlayer a2;
    PM_OK(pair.openRound(a2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectClosed(a, 4001, u"replaced"_s));
    PM_OK(expectMessage(a2, message(u"ended"_s)));
    PM_OK(expectNothingMore(b));
    a2.game(1);
    PM_OK(expectError(a2, u"ended"_s));

    // the opponent, which did not send end, is told `ended` too when it comes back
    TestPlayer b2;
    PM_OK(pair.openRound(b2));
    pair.preparedAsNewcomer(b2);
    PM_OK(expectClosed(b, 4001, u"replaced"_s));
    PM_OK(expectMessage(b2, message(u"ended"_s)));
    PM_OK(expectNothingMore(a2));
}

void TestRound::takeoverOfWaitingSeat()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a, a2, b;
    PM_OK(pair.openRound(a));
    PM_OK(pair.openRound(a2));
    PM_OK(pair.openRound(b));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));

    const QJsonObject phone {{u"device"_s, u"phone"_s}};
    pair.preparedAsWaiter(a2, phone);
    PM_OK(expectClosed(a, 4001, u"replaced"_s));
    PM_OK(expectMessage(a2, message(u"wait"_s)));

    pair.preparedAsNewcomer(b);
    const QJsonObject start
        = startMessage(TestPlayer::user(u"alice"_s, phone), TestPlayer::user(u"bob"_s));
    PM_OK(expectMessage(a2, start));
    PM_OK(expectMessage(b, start));
    QCOMPARE(a.pendingCount(), 0);
}

void TestRound::takeoverAfterOldClosedBeforeStart()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a;
    PM_OK(pair.openRound(a));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    a.abort(); // gone before start, as after a dropped connection
    PM_OK(waitConnectionCount(server, 2));

    TestPlayer a2, b;
    PM_OK(pair.openRound(a2));
    PM_OK(pair.openRound(b));
    pair.preparedAsWaiter(a2);
    PM_OK(expectMessage(a2, message(u"wait"_s)));
    pair.preparedAsNewcomer(b);
    const QJsonObject start
        = startMessage(TestPlayer::user(u"alice"_s), TestPlayer::user(u"bob"_s));
    PM_OK(expectMessage(a2, start));
    PM_OK(expectMessage(b, start));
    PM_OK(expectNothingMore(a2));
    PM_OK(expectNothingMore(b));
}

// An over pair is removed once its last connection closes: then unknown_pair, even for an
// ended pair (which still answers a takeover with `ended` while a seat is held).
void TestRound::overPairRemovedWhenLastConnectionCloses()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    pair.waiterMatching.close();
    pair.newcomerMatching.close();
    PM_OK(waitConnectionCount(server, 2));
    a.end();
    PM_OK(expectMessage(a, message(u"ended"_s)));
    a.close();
    PM_OK(waitConnectionCount(server, 1));

    // b still holds its seat: the pair is there
    TestPlayer a2;
    PM_OK(pair.openRound(a2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectMessage(a2, message(u"ended"_s)));

    a2.close();
    b.close();
    PM_OK(waitConnectionCount(server, 0));
    TestPlayer a3, b3;
    PM_OK(pair.openRound(a3));
    PM_OK(pair.openRound(b3));
    pair.preparedAsWaiter(a3);
    PM_OK(expectError(a3, u"unknown_pair"_s));
    pair.preparedAsNewcomer(b3);
    PM_OK(expectError(b3, u"unknown_pair"_s));
}

// ... or once the linger period after its end has passed, connections still open.
void TestRound::endedPairRemovedAfterLinger()
{
    constexpr qint64 kLingerMs = 60'000;
    FakeClock clock;
    TestServer server(configWith(kPrepareTimeoutMs, kLingerMs), clock);
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    a.end();
    PM_OK(expectMessage(a, message(u"ended"_s)));

    clock.advance(kLingerMs - 1); // still there: a seat can be taken over (and is)
    TestPlayer a2;
    PM_OK(pair.openRound(a2));
    pair.preparedAsWaiter(a2);
    PM_OK(expectMessage(a2, message(u"ended"_s)));
    PM_OK(expectClosed(a, 4001, u"replaced"_s));

    clock.advance(1);
    TestPlayer a3;
    PM_OK(pair.openRound(a3));
    pair.preparedAsWaiter(a3);
    PM_OK(expectError(a3, u"unknown_pair"_s));
    QVERIFY(a2.isOpen()); // removed with connections still open, no takeover happened
    QVERIFY(b.isOpen());
}

void TestRound::gameDataSizeLimit_data()
{
    // The limit is on the compact UTF-8 form of `data` (16 KiB by default); docs/protocol.md:
    // whitespace outside strings does not count, an escape counts as written.
    constexpr qsizetype kLimit = 16 * 1024;
    QTest::addColumn<QString>("data"); // as the client writes it
    QTest::addColumn<QString>("compact"); // what is relayed; empty: too_large
    const auto quoted = [](qsizetype n) {
        return u'"' + QString(n, u'x') + u'"';
    };

    QTest::newRow("string at the limit") << quoted(kLimit - 2) << quoted(kLimit - 2);
    QTest::newRow("string one over") << quoted(kLimit - 1) << QString();
    QTest::newRow("object at the limit")
        << uR"({"k":%1})"_s.arg(quoted(kLimit - 8)) << uR"({"k":%1})"_s.arg(quoted(kLimit - 8));
    QTest::newRow("object one over") << uR"({"k":%1})"_s.arg(quoted(kLimit - 7)) << QString();
    // ["...","..."]: 7 bytes besides the two strings' contents
    QTest::newRow("spaces outside strings do not count")
        << u"[ %1 ,\n\t%2 ]"_s.arg(quoted(8000), quoted(kLimit - 7 - 8000)) + QString(300, u' ')
        << u"[%1,%2]"_s.arg(quoted(8000), quoted(kLimit - 7 - 8000));
    // UTF-8 bytes count, not characters: é is 2 bytes, 😀 is 4
    const QString e2 = u"\"%1\""_s.arg(QString(u"é"_s).repeated(kLimit / 2 - 1));
    QTest::newRow("2-byte chars at the limit") << e2 << e2;
    const QString e2over = u"\"%1x\""_s.arg(QString(u"é"_s).repeated(kLimit / 2 - 1));
    QTest::newRow("2-byte chars one over") << e2over << QString();
    const QString e4 = u"\"%1xx\""_s.arg(QString(u"😀"_s).repeated(kLimit / 4 - 1));
    QTest::newRow("4-byte chars at the limit") << e4 << e4;
    const QString e4over = u"\"%1xxx\""_s.arg(QString(u"😀"_s).repeated(kLimit / 4 - 1));
    QTest::newRow("4-byte chars one over") << e4over << QString();
    QTest::newRow("spaces inside strings count")
        << u"[\"%1\"]"_s.arg(QString(kLimit - 3, u' ')) << QString();
    QTest::newRow("escapes count as written")
        << u"\"%1\""_s.arg(QString(u"\\u00e9"_s).repeated(kLimit / 6 + 1)) << QString();
}

void TestRound::gameDataSizeLimit()
{
    QFETCH(QString, data);
    QFETCH(QString, compact);
    TestServer server;
    QVERIFY(server.isListening());
    QCOMPARE(server.config().maxDataBytes, 16 * 1024);
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    TextTap rawA(a.socket()), rawB(b.socket());

    a.sendText(uR"({"command":"game","data":%1})"_s.arg(data));
    if (compact.isEmpty()) {
        PM_OK(expectError(a, u"too_large"_s));
        PM_OK(expectNothingMore(a)); // still open
        PM_OK(expectNothingMore(b));
        return;
    }
    QVERIFY(compact.toUtf8().size() <= 16 * 1024);
    PM_OK(expectCommand(a, u"game"_s));
    PM_OK(expectCommand(b, u"game"_s));
    const QString expected
        = uR"({"command":"game","userId":"alice","data":%1,"seq":1})"_s.arg(compact);
    QCOMPARE(rawA.last(u"game"_s), expected);
    QCOMPARE(rawB.last(u"game"_s), expected);
}

void TestRound::gameWithoutDataRelaysNull()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    TextTap rawB(b.socket());
    a.send(message(u"game"_s));
    const QJsonObject move = gameMessage(u"alice"_s, QJsonValue::Null, 1);
    PM_OK(expectMessage(a, move));
    PM_OK(expectMessage(b, move));
    QCOMPARE(rawB.last(u"game"_s), uR"({"command":"game","userId":"alice","data":null,"seq":1})"_s);
}

void TestRound::roundPathWithTrailingSlash()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a, b;
    PM_OK(pair.openRound(a, u"/"_s));
    PM_OK(pair.openRound(b));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(a, u"start"_s));
    PM_OK(expectCommand(b, u"start"_s));
    a.game(1);
    PM_OK(expectMessage(b, gameMessage(u"alice"_s, 1, 1)));
}

void TestRound::dataIsRelayedCompactlyAndExactly_data()
{
    QTest::addColumn<QString>("data"); // as the client writes it
    QTest::addColumn<QString>("compact"); // as both seats must receive it
    QTest::newRow("nested, spaced")
        << u"{ \"a\" : [ 1 , { \"b\" : [ ] } , { } ] ,\n\t\"c\":{\"d\":{\"e\":\"f\"}} }"_s
        << uR"({"a":[1,{"b":[]},{}],"c":{"d":{"e":"f"}}})"_s;
    QTest::newRow("escapes kept as written")
        << uR"("q\" b\\ s\/ \b\f\n\r\t \u0000 \u00e9 \ud83d\ude00")"_s
        << uR"("q\" b\\ s\/ \b\f\n\r\t \u0000 \u00e9 \ud83d\ude00")"_s;
    QTest::newRow("unicode") << u"[ \"é 中文 😀 ÿ\" ]"_s << u"[\"é 中文 😀 ÿ\"]"_s;
    QTest::newRow("numbers as written") << u"[0, -0, 1.50, -3e2, 1E+2, 12345678901234567890]"_s
                                        << u"[0,-0,1.50,-3e2,1E+2,12345678901234567890]"_s;
    QTest::newRow("literals") << u"[ true , false , null ]"_s << u"[true,false,null]"_s;
    QTest::newRow("spaces in strings kept")
        << uR"({ "k" : "  a  b  " })"_s << uR"({"k":"  a  b  "})"_s;
    QTest::newRow("a bare string") << uR"("x")"_s << uR"("x")"_s;
    QTest::newRow("a bare number") << u"7"_s << u"7"_s;
    QTest::newRow("deep nesting") << QString(200, u'[') + QString(200, u']')
                                  << QString(200, u'[') + QString(200, u']');
}

void TestRound::dataIsRelayedCompactlyAndExactly()
{
    QFETCH(QString, data);
    QFETCH(QString, compact);
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.start());
    TestPlayer &a = pair.waiterRound, &b = pair.newcomerRound;
    TextTap rawA(a.socket()), rawB(b.socket());

    b.sendText(u"{ \"command\" : \"game\" , \"data\" :  %1  }"_s.arg(data));
    QJsonObject toA, toB;
    PM_OK(expectCommand(a, u"game"_s, &toA));
    PM_OK(expectCommand(b, u"game"_s, &toB));
    // the same JSON value (the contract)...
    const QJsonValue sent
        = QJsonDocument::fromJson(u"{\"v\":%1}"_s.arg(data).toUtf8()).object().value(u"v"_s);
    QCOMPARE(toA.value(u"data"_s), sent);
    QCOMPARE(toB.value(u"data"_s), sent);
    // ...and the very text, compacted (docs/protocol.md: never re-encoded)
    const QString expected
        = uR"({"command":"game","userId":"bob","data":%1,"seq":1})"_s.arg(compact);
    QCOMPARE(rawA.last(u"game"_s), expected);
    QCOMPARE(rawB.last(u"game"_s), expected);
}

void TestRound::otherMessagesOnRound_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("code");
    QTest::newRow("entry") << uR"({"command":"entry","user":{"userId":"alice"}})"_s
                           << u"unknown_command"_s;
    QTest::newRow("cancel") << uR"({"command":"cancel"})"_s << u"unknown_command"_s;
    QTest::newRow("made up") << uR"({"command":"move","data":1})"_s << u"unknown_command"_s;
    QTest::newRow("not json") << u"{prepared}"_s << u"bad_json"_s;
    QTest::newRow("no command") << uR"({"user":{"userId":"alice"}})"_s << u"bad_json"_s;
    QTest::newRow("prepared without user")
        << uR"({"command":"prepared","token":"x"})"_s << u"bad_user"_s;
    QTest::newRow("prepared with bad userId")
        << uR"({"command":"prepared","user":{"userId":"a b"},"token":"x"})"_s << u"bad_user"_s;
}

// Errors on the round endpoint leave the connection open and the pair as it was.
void TestRound::otherMessagesOnRound()
{
    QFETCH(QString, text);
    QFETCH(QString, code);
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server);
    PM_OK(pair.match());
    TestPlayer a;
    PM_OK(pair.openRound(a));
    a.sendText(text);
    PM_OK(expectError(a, code));
    pair.preparedAsWaiter(a);
    PM_OK(expectMessage(a, message(u"wait"_s)));
    a.sendText(text); // seated: the same answer
    PM_OK(expectError(a, code));
    TestPlayer b;
    PM_OK(pair.openRound(b));
    pair.preparedAsNewcomer(b);
    PM_OK(expectCommand(a, u"start"_s));
    PM_OK(expectCommand(b, u"start"_s));
}

QTEST_GUILESS_MAIN(TestRound)
#include "tst_round.moc"
