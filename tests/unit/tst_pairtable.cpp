// PairTable: issuing, seating, relaying, ending, leaving, the prepare timeout, takeover and
// the linger period, with time from a FakeClock. Inputs are real messages decoded by
// MessageCodec; outputs are checked as Effects and PairEvents.
#include "fakeclock.h"
#include "messagecodec.h"
#include "outputtext.h"
#include "pairtable.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <deque>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// Matching connections, and the round connections the players open afterwards.
constexpr ConnId kBobMatching = 1; // the newcomer: user index 0
constexpr ConnId kAliceMatching = 2; // the waiter: user index 1
constexpr ConnId kBob = 11;
constexpr ConnId kAlice = 12;
constexpr ConnId kBob2 = 21; // reconnections
constexpr ConnId kAlice2 = 22;
constexpr ConnId kStranger = 99;

const QByteArray kBobEntryUser = R"({"userId":"bob","from":"entry"})";
const QByteArray kAliceEntryUser = R"({"userId":"alice","from":"entry"})";

bool isBase64Url22(const QByteArray &s)
{
    static const QRegularExpression re(u"^[A-Za-z0-9_-]{22}$"_s);
    return re.match(QString::fromLatin1(s)).hasMatch();
}

} // namespace

class TestPairTable final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void randomTokenFormat();
    void issueSendsPrepareToBoth();
    void issueSeedsInRange();
    void firstPreparedWaitsSecondStarts_data();
    void firstPreparedWaitsSecondStarts();
    void unknownPair();
    void notInPair_data();
    void notInPair();
    void alreadySeated();
    void gameBeforeStart();
    void gameAndEndFromUnseated();
    void gameRelaysToBothSeats();
    void gameUserIdIsTheSeats();
    void gameMovesKeepOrder();
    void tooLargeAfterStateChecks_data();
    void tooLargeAfterStateChecks();
    void endAnswersEnded();
    void gameAfterEnd();
    void closeAfterEndSendsNothing();
    void leaveBeforeStartFreesSeat();
    void leaveBeforeStartSeatRetaken();
    void leaveAfterStartSendsNone();
    void preparedAfterNoneIsUnknownPair();
    void endAfterNoneKeepsThePairOver();
    void prepareTimeout();
    void prepareTimeoutNobodyJoined();
    void prepareTimeoutNotAfterStart();
    void expireByOperator();
    void takeoverAfterStart();
    void takeoverBeforeStart();
    void takeoverAfterEnd();
    void takeoverAfterOldLeftBeforeStart();
    void takeoverNeedsToken();
    void lingerRemovesEndedPair();
    void lastLeaveRemovesBeforeLinger();
    void lingerAfterNone();
    void leaveUnknownIsQuiet();
    void eventsOfAFullRound();

    // seq, resume with lastSeq, the reconnect grace, the match record
    void movesAreNumberedFromOneInOneOrder();
    void resumeSendsStartThenWhatCameAfterLastSeq_data();
    void resumeSendsStartThenWhatCameAfterLastSeq();
    void resumeOfEndedPairSendsEndedThenTheMoves();
    void lastSeqPastThePairIsBadSeqAndChangesNothing();
    void lastSeqBeforeWhatIsKeptIsReplayUnavailable();
    void moveLogKeepsTheNewestWithinItsBytes();
    void graceAwayMovesMeanwhileBackWithReplay();
    void graceRunsOutThenNone();
    void kickIsFinalEvenWithGrace();
    void kickOfTheOpponentDuringGraceEndsThePair();
    void shutdownIsFinalEvenWithGrace();
    void endDuringGraceThenReturnGetsEnded();
    void graceDoesNotApplyBeforeStart();
    void bothAwayFirstGraceToEndDecides();
    void recordOfEachOutcome_data();
    void recordOfEachOutcome();

private:
    struct Issued {
        QByteArray pairId;
        std::array<QByteArray, 2> tokens; // [bob, alice]
        std::array<QJsonObject, 2> prepare; // as sent to [bob, alice]
    };

    Issued issue(PairTable &table, Output &out);
    ClientMessage decode(const QByteArray &json);
    ClientMessage prepared(const QByteArray &userId, const QByteArray &token);
    ClientMessage resumed(const QByteArray &userId, const QByteArray &token, qint64 lastSeq);
    // The seq of each game frame sent to conn, in order ("r" after a replayed one).
    static QStringList seqsTo(const Output &out, ConnId conn);
    ClientMessage game(const QByteArray &data);
    ClientMessage end() { return decode(R"({"command":"end"})"); }

    // A reconnect grace of 5 s, records on.
    static PairConfig graceConfig()
    {
        PairConfig config;
        config.reconnectGrace = 5'000;
        config.recordMatches = true;
        return config;
    }

    // Seats bob (kBob) then alice (kAlice): started.
    Issued startedPair(PairTable &table, Output &out);

    FakeClock m_clock;
    MessageCodec m_codec;
    std::deque<QByteArray> m_texts;
};

void TestPairTable::cleanup()
{
    m_texts.clear();
    m_clock.set(1'000'000);
}

ClientMessage TestPairTable::decode(const QByteArray &json)
{
    m_texts.push_back(json);
    ClientMessage m;
    if (m_codec.decode(QByteArrayView(m_texts.back()), Endpoint::Round, m))
        qFatal("test input does not decode: %s", json.constData());
    return m;
}

ClientMessage TestPairTable::prepared(const QByteArray &userId, const QByteArray &token)
{
    return decode(R"({"command":"prepared","token":")" + token + R"(","user":{"userId":")" + userId
        + R"(","from":"prepared"}})");
}

ClientMessage TestPairTable::resumed(
    const QByteArray &userId, const QByteArray &token, qint64 lastSeq)
{
    return decode(R"({"command":"prepared","token":")" + token + R"(","user":{"userId":")" + userId
        + R"("},"lastSeq":)" + QByteArray::number(lastSeq) + '}');
}

QStringList TestPairTable::seqsTo(const Output &out, ConnId conn)
{
    QStringList seqs;
    for (const Effect &e : out.effects) {
        if (e.kind != Effect::Kind::Send || e.conn != conn)
            continue;
        const QJsonObject o = frameObject(e.frame);
        if (o[u"command"_s] == u"game"_s) {
            seqs << QString::number(o[u"seq"_s].toInteger())
                    + (o[u"replayed"_s].toBool() ? u"r"_s : QString());
        }
    }
    return seqs;
}

ClientMessage TestPairTable::game(const QByteArray &data)
{
    return decode(R"({"command":"game","data":)" + data + '}');
}

TestPairTable::Issued TestPairTable::issue(PairTable &table, Output &out)
{
    const Match match {7, {kBobMatching, 7, "bob", kBobEntryUser, m_clock.now()},
        {kAliceMatching, 7, "alice", kAliceEntryUser, m_clock.now() - 500}};
    const Pair &pair = table.issue(match, m_clock.now(), out);
    Issued issued;
    issued.pairId = pair.id;
    issued.tokens = pair.tokens;
    for (const Effect &e : out.effects) {
        if (e.kind == Effect::Kind::Send && e.conn == kBobMatching)
            issued.prepare[0] = frameObject(e.frame);
        if (e.kind == Effect::Kind::Send && e.conn == kAliceMatching)
            issued.prepare[1] = frameObject(e.frame);
    }
    return issued;
}

TestPairTable::Issued TestPairTable::startedPair(PairTable &table, Output &out)
{
    const Issued p = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    if (table.find(p.pairId)->state() != PairState::Started)
        qFatal("startedPair: the pair did not start");
    out.clear();
    return p;
}

// ------------------------------------------------------------------------------------------

void TestPairTable::randomTokenFormat()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 200; ++i) {
        const QByteArray t = randomToken();
        QVERIFY2(isBase64Url22(t), t.constData());
        seen.insert(t);
        // 22 base64url characters hold 132 bits; the token has 128 random ones
        QCOMPARE(QByteArray::fromBase64(t, QByteArray::Base64UrlEncoding).size(), 16);
    }
    QCOMPARE(seen.size(), 200);
}

void TestPairTable::issueSendsPrepareToBoth()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);

    QCOMPARE(describeEffects(out), (QStringList {u"send 1 prepare"_s, u"send 2 prepare"_s}));
    QCOMPARE(describePairEvents(out), QStringList {u"issued conn=1 other=2"_s});
    QCOMPARE(out.events[0].pairId, p.pairId);

    QVERIFY(isBase64Url22(p.pairId));
    QVERIFY(isBase64Url22(p.tokens[0]));
    QVERIFY(isBase64Url22(p.tokens[1]));
    QVERIFY(p.tokens[0] != p.tokens[1]);
    QVERIFY(p.tokens[0] != p.pairId && p.tokens[1] != p.pairId);

    const QJsonObject &toBob = p.prepare[0];
    const QJsonObject &toAlice = p.prepare[1];
    QCOMPARE(toBob.size(), 6);
    QCOMPARE(toBob[u"command"_s].toString(), u"prepare"_s);
    QCOMPARE(toBob[u"type"_s].toInt(), 7);
    QCOMPARE(toBob[u"pairId"_s].toString().toLatin1(), p.pairId);
    QCOMPARE(toBob[u"token"_s].toString().toLatin1(), p.tokens[0]);
    QCOMPARE(toAlice[u"token"_s].toString().toLatin1(), p.tokens[1]);
    // everything else is the same for both
    QJsonObject bobRest = toBob, aliceRest = toAlice;
    bobRest.remove(u"token"_s);
    aliceRest.remove(u"token"_s);
    QCOMPARE(bobRest, aliceRest);
    const int seed = toBob[u"seed"_s].toInt();
    QVERIFY2(seed >= 1 && seed <= 10000, qPrintable(QString::number(seed)));
    // users: [newcomer, waiter], the objects from `entry`
    const QJsonArray users = toBob[u"users"_s].toArray();
    QCOMPARE(users.size(), 2);
    QCOMPARE(users[0][u"userId"_s].toString(), u"bob"_s);
    QCOMPARE(users[0][u"from"_s].toString(), u"entry"_s);
    QCOMPARE(users[1][u"userId"_s].toString(), u"alice"_s);

    const Pair *pair = table.find(p.pairId);
    QVERIFY(pair);
    QCOMPARE(pair->state(), PairState::Issued);
    QCOMPARE(pair->seed, seed);
    QCOMPARE(pair->type, 7);
    QCOMPARE(table.size(), 1);
    QCOMPARE(table.nextDeadline(), m_clock.now() + 10'000);
}

void TestPairTable::issueSeedsInRange()
{
    PairTable table;
    QSet<int> seeds;
    QSet<QByteArray> ids;
    for (int i = 0; i < 300; ++i) {
        Output out;
        const Issued p = issue(table, out);
        const int seed = p.prepare[0][u"seed"_s].toInt();
        QVERIFY2(seed >= 1 && seed <= 10000, qPrintable(QString::number(seed)));
        QCOMPARE(p.prepare[1][u"seed"_s].toInt(), seed);
        seeds.insert(seed);
        ids.insert(p.pairId);
    }
    QVERIFY2(seeds.size() > 250, "seeds are not random"); // 300 draws of 10000: few repeats
    QCOMPARE(ids.size(), 300);
    QCOMPARE(table.size(), 300);
}

void TestPairTable::firstPreparedWaitsSecondStarts_data()
{
    QTest::addColumn<bool>("bobFirst");
    QTest::newRow("newcomer first") << true;
    QTest::newRow("waiter first") << false;
}

void TestPairTable::firstPreparedWaitsSecondStarts()
{
    QFETCH(bool, bobFirst);
    PairTable table;
    Output out;
    const Millis issuedAt = m_clock.now();
    const Issued p = issue(table, out);
    out.clear();

    const ConnId first = bobFirst ? kBob : kAlice;
    const ConnId second = bobFirst ? kAlice : kBob;
    const QByteArray firstId = bobFirst ? "bob" : "alice";
    const QByteArray secondId = bobFirst ? "alice" : "bob";
    const int firstSeat = bobFirst ? 0 : 1;

    m_clock.advance(1000);
    table.prepared(first, p.pairId, prepared(firstId, p.tokens[std::size_t(firstSeat)]), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send %1 wait"_s.arg(first)});
    QCOMPARE(out.effects[0].frame, MessageCodec::waitFrame());
    QCOMPARE(describePairEvents(out),
        QStringList {u"seated seat=%1 conn=%2"_s.arg(firstSeat).arg(first)});
    QCOMPARE(table.find(p.pairId)->state(), PairState::Waiting);
    QCOMPARE(table.pairOf(first), table.find(p.pairId));
    out.clear();

    m_clock.advance(1000);
    table.prepared(
        second, p.pairId, prepared(secondId, p.tokens[std::size_t(1 - firstSeat)]), 0, out);
    // start to both seats (by user index: bob's seat, then alice's), the very same frame
    QCOMPARE(describeEffects(out),
        (QStringList {u"send %1 start"_s.arg(kBob), u"send %1 start"_s.arg(kAlice)}));
    QCOMPARE(out.effects[0].frame, out.effects[1].frame);
    QCOMPARE(describePairEvents(out),
        (QStringList {u"seated seat=%1 conn=%2"_s.arg(1 - firstSeat).arg(second),
            u"started conn=%1 other=%2"_s.arg(kBob).arg(kAlice)}));
    // users in seating order, as given with `prepared` (compact)
    const QByteArray expected = R"({"command":"start","users":[{"userId":")" + firstId
        + R"(","from":"prepared"},{"userId":")" + secondId + R"(","from":"prepared"}],"seq":0})";
    QCOMPARE(textFramePayload(out.effects[0].frame).toByteArray(), expected);
    QCOMPARE(table.find(p.pairId)->state(), PairState::Started);
    // the prepare timeout no longer counts: its (lazily cancelled) deadline does nothing,
    // and then no deadline is left
    out.clear();
    QCOMPARE(table.nextDeadline(), issuedAt + 10'000);
    table.advance(table.nextDeadline(), out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
    QCOMPARE(table.nextDeadline(), kNoDeadline);
    table.advance(m_clock.now() + 3'600'000, out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
}

void TestPairTable::unknownPair()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    out.clear();
    table.prepared(kBob, "no-such-pair", prepared("bob", p.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 error:unknown_pair"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::errorFrame(ErrorCode::UnknownPair));
    QVERIFY(out.events.empty());
    QVERIFY(!table.pairOf(kBob));
    // an empty pairId and a prefix of the real one are unknown too
    out.clear();
    table.prepared(kBob, {}, prepared("bob", p.tokens[0]), 0, out);
    table.prepared(kBob, p.pairId.chopped(1), prepared("bob", p.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out),
        (QStringList {u"send 11 error:unknown_pair"_s, u"send 11 error:unknown_pair"_s}));
}

void TestPairTable::notInPair_data()
{
    // %A: alice's token, %a: it without its last character, %B: bob's, %P: the pairId
    QTest::addColumn<QByteArray>("message");

    QTest::newRow("stranger with alice's token")
        << QByteArray(R"({"command":"prepared","user":{"userId":"carol"},"token":"%A"})");
    QTest::newRow("alice with bob's token")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"},"token":"%B"})");
    QTest::newRow("alice with a wrong token")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"},"token":"%Ax"})");
    QTest::newRow("alice with a short token")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"},"token":"%a"})");
    QTest::newRow("alice without a token")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"}})");
    QTest::newRow("alice with an empty token")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"},"token":""})");
    QTest::newRow("alice with a number token")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"},"token":12345})");
    QTest::newRow("alice with the token in an array")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"},"token":["%A"]})");
    QTest::newRow("alice with the token in the user")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice","token":"%A"}})");
    QTest::newRow("userId differs in case")
        << QByteArray(R"({"command":"prepared","user":{"userId":"Alice"},"token":"%A"})");
    QTest::newRow("alice's token as the pairId")
        << QByteArray(R"({"command":"prepared","user":{"userId":"alice"},"token":"%P"})");
}

void TestPairTable::notInPair()
{
    QFETCH(QByteArray, message);
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    out.clear();

    message.replace("%A", p.tokens[1]).replace("%B", p.tokens[0]).replace("%P", p.pairId);
    message.replace("%a", p.tokens[1].chopped(1));
    table.prepared(kAlice, p.pairId, decode(message), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 12 error:not_in_pair"_s});
    QVERIFY(out.events.empty());
    QVERIFY(!table.pairOf(kAlice));
    QCOMPARE(table.find(p.pairId)->state(), PairState::Waiting);
    QCOMPARE(table.find(p.pairId)->seatsTaken(), 1);

    // the refused connection may still take its own seat afterwards
    out.clear();
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 11 start"_s, u"send 12 start"_s}));
}

void TestPairTable::alreadySeated()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    const Issued q = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    out.clear();
    // again, the same seat
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    // the other seat of the same pair
    table.prepared(kBob, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    // a seat in another pair, and an unknown pair: already_seated comes first
    table.prepared(kBob, q.pairId, prepared("bob", q.tokens[0]), 0, out);
    table.prepared(kBob, "nope", prepared("bob", q.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out),
        (QStringList {u"send 11 error:already_seated"_s, u"send 11 error:already_seated"_s,
            u"send 11 error:already_seated"_s, u"send 11 error:already_seated"_s}));
    QVERIFY(out.events.empty());
    QCOMPARE(table.find(p.pairId)->seatsTaken(), 1);
    QCOMPARE(table.find(q.pairId)->seatsTaken(), 0);
}

void TestPairTable::gameBeforeStart()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    out.clear();
    table.game(kBob, game(R"({"card":1})"), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 error:not_started"_s});
    QCOMPARE(table.find(p.pairId)->moves, quint64(0));
}

void TestPairTable::gameAndEndFromUnseated()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.game(kStranger, game("1"), out);
    table.end(kStranger, m_clock.now(), out);
    QCOMPARE(describeEffects(out),
        (QStringList {u"send 99 error:not_prepared"_s, u"send 99 error:not_prepared"_s}));
    QVERIFY(out.events.empty());
    QCOMPARE(table.find(p.pairId)->state(), PairState::Started);
}

void TestPairTable::gameRelaysToBothSeats()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.game(kAlice, game(R"({ "card" : "A\u2660", "n" : [ 1, 2 ] })"), out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 11 game"_s, u"send 12 game"_s}));
    QCOMPARE(out.effects[0].frame, out.effects[1].frame);
    QCOMPARE(textFramePayload(out.effects[0].frame).toByteArray(),
        R"({"command":"game","userId":"alice","data":{"card":"A\u2660","n":[1,2]},"seq":1})");
    QCOMPARE(table.find(p.pairId)->moves, quint64(1));
    QVERIFY(out.events.empty());

    out.clear();
    table.game(kBob, decode(R"({"command":"game"})"), out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 11 game"_s, u"send 12 game"_s}));
    QCOMPARE(textFramePayload(out.effects[0].frame).toByteArray(),
        R"({"command":"game","userId":"bob","data":null,"seq":2})");
}

void TestPairTable::gameUserIdIsTheSeats()
{
    PairTable table;
    Output out;
    startedPair(table, out);
    // alice tries to speak for bob: a top-level userId, one in the user field, one in data
    table.game(kAlice,
        decode(R"({"userId":"bob","command":"game","user":{"userId":"bob"},)"
               R"("data":{"userId":"bob"},"userId":"bob"})"),
        out);
    QCOMPARE(out.effects.size(), size_t(2));
    const QJsonObject move = frameObject(out.effects[0].frame);
    QCOMPARE(move.size(), 4);
    QCOMPARE(move[u"userId"_s].toString(), u"alice"_s);
    QCOMPARE(move[u"data"_s].toObject(), QJsonObject({{u"userId"_s, u"bob"_s}}));
}

void TestPairTable::gameMovesKeepOrder()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    for (int i = 0; i < 6; ++i)
        table.game(i % 2 ? kAlice : kBob, game(QByteArray::number(i)), out);
    QCOMPARE(out.effects.size(), size_t(12));
    for (int i = 0; i < 6; ++i) {
        const Effect &toBob = out.effects[std::size_t(2 * i)];
        const Effect &toAlice = out.effects[std::size_t(2 * i + 1)];
        QCOMPARE(toBob.conn, kBob);
        QCOMPARE(toAlice.conn, kAlice);
        QCOMPARE(toBob.frame, toAlice.frame);
        const QJsonObject move = frameObject(toBob.frame);
        QCOMPARE(move[u"data"_s].toInt(), i);
        QCOMPARE(move[u"userId"_s].toString(), i % 2 ? u"alice"_s : u"bob"_s);
    }
    QCOMPARE(table.find(p.pairId)->moves, quint64(6));
}

// A move over the data limit is only refused (too_large) where a move would be relayed;
// elsewhere the state's own error comes first.
void TestPairTable::tooLargeAfterStateChecks_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unseated") << u"unseated"_s << u"send 12 error:not_prepared"_s;
    QTest::newRow("waiting") << u"waiting"_s << u"send 12 error:not_started"_s;
    QTest::newRow("started") << u"started"_s << u"send 12 error:too_large"_s;
    QTest::newRow("ended") << u"ended"_s << u"send 12 error:ended"_s;
}

void TestPairTable::tooLargeAfterStateChecks()
{
    QFETCH(QString, state);
    QFETCH(QString, expected);
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    if (state != "unseated"_L1)
        table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    if (state == "started"_L1 || state == "ended"_L1)
        table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    if (state == "ended"_L1)
        table.end(kBob, m_clock.now(), out);
    out.clear();

    const ClientMessage big = game('"' + QByteArray(16383, 'x') + '"');
    QVERIFY(big.dataTooLarge);
    table.game(kAlice, big, out);
    QCOMPARE(describeEffects(out), QStringList {expected});
    QVERIFY(out.events.empty());

    // just at the limit it is relayed when started
    if (state == "started"_L1) {
        out.clear();
        const ClientMessage atLimit = game('"' + QByteArray(16382, 'x') + '"');
        QVERIFY(!atLimit.dataTooLarge);
        table.game(kAlice, atLimit, out);
        QCOMPARE(describeEffects(out), (QStringList {u"send 11 game"_s, u"send 12 game"_s}));
    }
}

void TestPairTable::endAnswersEnded()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    m_clock.advance(5000);
    table.end(kAlice, m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 12 ended"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::endedFrame());
    QCOMPARE(describePairEvents(out), QStringList {u"over ended"_s});
    const Pair *pair = table.find(p.pairId);
    QVERIFY(pair);
    QCOMPARE(pair->state(), PairState::Ended);
    QVERIFY(pair->outcome == PairOutcome::Ended);
    QCOMPARE(pair->removeDeadline, m_clock.now() + 60'000);

    // end again, from either side: ended again, the pair is not over twice
    out.clear();
    table.end(kAlice, m_clock.now(), out);
    table.end(kBob, m_clock.now(), out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 12 ended"_s, u"send 11 ended"_s}));
    QVERIFY(out.events.empty());
}

void TestPairTable::gameAfterEnd()
{
    PairTable table;
    Output out;
    startedPair(table, out);
    table.end(kBob, m_clock.now(), out);
    out.clear();
    table.game(kAlice, game("1"), out);
    table.game(kBob, game("2"), out);
    QCOMPARE(
        describeEffects(out), (QStringList {u"send 12 error:ended"_s, u"send 11 error:ended"_s}));
}

void TestPairTable::closeAfterEndSendsNothing()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.end(kBob, m_clock.now(), out);
    out.clear();
    table.leave(kBob, m_clock.now(), out);
    QVERIFY(out.effects.empty()); // no `none` to alice
    QCOMPARE(describePairEvents(out), QStringList {u"unseated seat=0 conn=11"_s});
    QCOMPARE(table.find(p.pairId)->state(), PairState::Ended);
    // alice's game still gets `ended`
    out.clear();
    table.game(kAlice, game("1"), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 12 error:ended"_s});
}

void TestPairTable::leaveBeforeStartFreesSeat()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    const Millis deadline = table.nextDeadline();
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    out.clear();
    m_clock.advance(3000);
    table.leave(kAlice, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    QCOMPARE(describePairEvents(out), QStringList {u"unseated seat=1 conn=12"_s});
    const Pair *pair = table.find(p.pairId);
    QVERIFY(pair);
    QCOMPARE(pair->seatsTaken(), 0);
    QCOMPARE(pair->state(), PairState::Issued);
    QVERIFY(!table.pairOf(kAlice));
    // the prepare timeout keeps running from `prepare`
    QCOMPARE(table.nextDeadline(), deadline);
    // the conn that left is not seated any more
    out.clear();
    table.game(kAlice, game("1"), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 12 error:not_prepared"_s});
}

void TestPairTable::leaveBeforeStartSeatRetaken()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    table.leave(kAlice, m_clock.now(), out);
    out.clear();
    // bob sits down first now, then alice comes back on a new connection: a plain seating
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 wait"_s});
    out.clear();
    table.prepared(kAlice2, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 11 start"_s, u"send 22 start"_s}));
    QCOMPARE(describePairEvents(out),
        (QStringList {u"seated seat=1 conn=22"_s, u"started conn=11 other=22"_s}));
    // seating order is bob, alice: the seat that was left does not keep its place
    const QJsonArray users = frameObject(out.effects[0].frame)[u"users"_s].toArray();
    QCOMPARE(users[0][u"userId"_s].toString(), u"bob"_s);
    QCOMPARE(users[1][u"userId"_s].toString(), u"alice"_s);
}

void TestPairTable::leaveAfterStartSendsNone()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    m_clock.advance(2000);
    table.leave(kBob, m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 12 none"_s});
    QCOMPARE(out.effects[0].frame, MessageCodec::noneFrame());
    QCOMPARE(describePairEvents(out), (QStringList {u"unseated seat=0 conn=11"_s, u"over none"_s}));
    const Pair *pair = table.find(p.pairId);
    QVERIFY(pair); // alice still holds her seat
    QCOMPARE(pair->state(), PairState::Over);
    QVERIFY(pair->outcome == PairOutcome::None);
    // the pair is over: alice's moves get `ended`
    out.clear();
    table.game(kAlice, game("1"), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 12 error:ended"_s});
    // alice leaving removes it, with nothing sent
    out.clear();
    table.leave(kAlice, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    QCOMPARE(describePairEvents(out), (QStringList {u"unseated seat=1 conn=12"_s, u"removed"_s}));
    QVERIFY(!table.find(p.pairId));
    QCOMPARE(table.size(), 0);
}

void TestPairTable::preparedAfterNoneIsUnknownPair()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.leave(kBob, m_clock.now(), out);
    out.clear();
    // bob comes back with his own token: the pair is over
    table.prepared(kBob2, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 21 error:unknown_pair"_s});
    QVERIFY(out.events.empty());
    QVERIFY(!table.pairOf(kBob2));
}

void TestPairTable::endAfterNoneKeepsThePairOver()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.leave(kBob, m_clock.now(), out);
    out.clear();
    // alice, left alone, ends: she is answered, and the pair stays over by none
    table.end(kAlice, m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 12 ended"_s});
    QVERIFY(out.events.empty());
    QCOMPARE(table.find(p.pairId)->state(), PairState::Over);
    // so bob cannot come back into it
    out.clear();
    table.prepared(kBob2, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 21 error:unknown_pair"_s});
}

void TestPairTable::prepareTimeout()
{
    PairTable table;
    Output out;
    const Millis issuedAt = m_clock.now();
    const Issued p = issue(table, out);
    m_clock.advance(4000);
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    out.clear();

    QCOMPARE(table.nextDeadline(), issuedAt + 10'000);
    table.advance(issuedAt + 9'999, out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
    QVERIFY(table.find(p.pairId));

    m_clock.set(issuedAt + 10'000);
    table.advance(m_clock.now(), out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 12 invalid"_s, u"close 12 1000"_s}));
    QCOMPARE(out.effects[0].frame, MessageCodec::invalidFrame());
    QCOMPARE(describePairEvents(out), (QStringList {u"over invalid"_s, u"removed"_s}));
    QCOMPARE(out.events[0].pairId, p.pairId);
    QCOMPARE(out.events[1].pairId, p.pairId);
    QVERIFY(!table.find(p.pairId));
    QVERIFY(!table.pairOf(kAlice));
    QCOMPARE(table.size(), 0);

    // the pair is gone: its id is unknown, alice's connection is unseated
    out.clear();
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    table.game(kAlice, game("1"), out);
    QCOMPARE(describeEffects(out),
        (QStringList {u"send 11 error:unknown_pair"_s, u"send 12 error:not_prepared"_s}));
    // no deadline left that does anything
    out.clear();
    table.advance(m_clock.now() + 3'600'000, out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
}

void TestPairTable::prepareTimeoutNobodyJoined()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    out.clear();
    table.advance(table.nextDeadline(), out);
    QVERIFY(out.effects.empty());
    QCOMPARE(describePairEvents(out), (QStringList {u"over invalid"_s, u"removed"_s}));
    QVERIFY(!table.find(p.pairId));
}

void TestPairTable::prepareTimeoutNotAfterStart()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.advance(m_clock.now() + 10'000, out);
    table.advance(m_clock.now() + 100'000, out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
    QCOMPARE(table.find(p.pairId)->state(), PairState::Started);
    QCOMPARE(table.expire(p.pairId, 0, out), false);
    QVERIFY(out.effects.empty());
}

void TestPairTable::expireByOperator()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    out.clear();
    QCOMPARE(table.expire("no-such-pair", 0, out), false);
    QVERIFY(out.effects.empty());
    m_clock.advance(1000);
    QCOMPARE(table.expire(p.pairId, 0, out), true);
    QCOMPARE(describeEffects(out), (QStringList {u"send 11 invalid"_s, u"close 11 1000"_s}));
    QCOMPARE(describePairEvents(out), (QStringList {u"over invalid"_s, u"removed"_s}));
    QVERIFY(!table.find(p.pairId));
    // expiring again, or its deadline coming later, does nothing
    out.clear();
    QCOMPARE(table.expire(p.pairId, 0, out), false);
    table.advance(m_clock.now() + 100'000, out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
}

void TestPairTable::takeoverAfterStart()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    const Pair *pair = table.find(p.pairId);
    // the same users as at start, and the pair's seq now: one move
    const QByteArray startFrame = MessageCodec::startFrame(pair->startUsers, 1);
    table.game(kBob, game("1"), out);
    out.clear();

    // alice reconnects while her old connection is still seated
    table.prepared(kAlice2, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(describeEffects(out), (QStringList {u"close 12 4001"_s, u"send 22 start"_s}));
    QCOMPARE(out.effects[0].reason, "replaced"_L1);
    QCOMPARE(out.effects[1].frame, startFrame);
    QCOMPARE(describePairEvents(out),
        (QStringList {u"replaced seat=1 conn=22 other=12"_s, u"seated seat=1 conn=22"_s}));
    QCOMPARE(table.find(p.pairId)->state(), PairState::Started);
    QCOMPARE(table.pairOf(kAlice2), table.find(p.pairId));
    QVERIFY(!table.pairOf(kAlice));

    // the old connection's close, when it comes, tells bob nothing
    out.clear();
    table.leave(kAlice, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
    // moves flow between bob and the new connection; the old one is unseated
    table.game(kAlice2, game("2"), out);
    table.game(kAlice, game("3"), out);
    QCOMPARE(describeEffects(out),
        (QStringList {u"send 11 game"_s, u"send 22 game"_s, u"send 12 error:not_prepared"_s}));
    QCOMPARE(frameObject(out.effects[0].frame)[u"userId"_s].toString(), u"alice"_s);
    // and the new connection leaving is what ends the pair for bob
    out.clear();
    table.leave(kAlice2, m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 none"_s});
}

void TestPairTable::takeoverBeforeStart()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    const Millis deadline = table.nextDeadline();
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    out.clear();
    table.prepared(kAlice2, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(describeEffects(out), (QStringList {u"close 12 4001"_s, u"send 22 wait"_s}));
    QCOMPARE(describePairEvents(out),
        (QStringList {u"replaced seat=1 conn=22 other=12"_s, u"seated seat=1 conn=22"_s}));
    QCOMPARE(table.nextDeadline(), deadline);
    QCOMPARE(table.find(p.pairId)->seatsTaken(), 1);
    out.clear();
    table.leave(kAlice, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 11 start"_s, u"send 22 start"_s}));
}

void TestPairTable::takeoverAfterEnd()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.end(kBob, m_clock.now(), out);
    out.clear();
    table.prepared(kAlice2, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(describeEffects(out), (QStringList {u"close 12 4001"_s, u"send 22 ended"_s}));
    QCOMPARE(table.find(p.pairId)->state(), PairState::Ended);
    // and after the old connection of an ended pair has gone
    out.clear();
    table.leave(kBob, m_clock.now(), out);
    table.prepared(kBob2, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 21 ended"_s});
}

void TestPairTable::takeoverAfterOldLeftBeforeStart()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    table.leave(kAlice, m_clock.now(), out);
    out.clear();
    table.prepared(kAlice2, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 22 wait"_s}); // nothing to close
    QCOMPARE(describePairEvents(out), QStringList {u"seated seat=1 conn=22"_s});
}

void TestPairTable::takeoverNeedsToken()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.prepared(kAlice2, p.pairId, prepared("alice", p.tokens[0]), 0, out);
    table.prepared(kAlice2, p.pairId, prepared("alice", "guess"), 0, out);
    QCOMPARE(describeEffects(out),
        (QStringList {u"send 22 error:not_in_pair"_s, u"send 22 error:not_in_pair"_s}));
    QVERIFY(out.events.empty());
    QCOMPARE(table.pairOf(kAlice), table.find(p.pairId));
}

void TestPairTable::lingerRemovesEndedPair()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    m_clock.advance(1234);
    const Millis endedAt = m_clock.now();
    table.end(kAlice, endedAt, out);
    out.clear();
    table.advance(table.nextDeadline(), out); // the stale prepare timeout
    QVERIFY(out.events.empty());
    QCOMPARE(table.nextDeadline(), endedAt + 60'000);
    table.advance(endedAt + 59'999, out);
    QVERIFY(out.events.empty());
    QVERIFY(table.find(p.pairId));
    table.advance(endedAt + 60'000, out);
    QVERIFY(out.effects.empty()); // the connections stay open
    QCOMPARE(describePairEvents(out), QStringList {u"removed"_s});
    QVERIFY(!table.find(p.pairId));
    QVERIFY(!table.pairOf(kAlice));
    QVERIFY(!table.pairOf(kBob));
    out.clear();
    table.prepared(kAlice2, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    // bob's connection, still open after its ended pair was removed: `ended`, not
    // `not_prepared` (it did send `prepared`), and `end` is answered `ended` as before
    table.game(kBob, game("1"), out);
    table.end(kBob, m_clock.now(), out);
    table.leave(kAlice, m_clock.now(), out);
    QCOMPARE(describeEffects(out),
        (QStringList {
            u"send 22 error:unknown_pair"_s, u"send 11 error:ended"_s, u"send 11 ended"_s}));
    QVERIFY(out.events.empty());
}

void TestPairTable::lastLeaveRemovesBeforeLinger()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.end(kAlice, m_clock.now(), out);
    m_clock.advance(1000);
    table.leave(kAlice, m_clock.now(), out);
    QVERIFY(table.find(p.pairId));
    out.clear();
    table.leave(kBob, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    QCOMPARE(describePairEvents(out), (QStringList {u"unseated seat=0 conn=11"_s, u"removed"_s}));
    QVERIFY(!table.find(p.pairId));
    // the linger deadline later finds nothing to do
    out.clear();
    table.advance(m_clock.now() + 60'000, out);
    QVERIFY(out.events.empty());
}

void TestPairTable::lingerAfterNone()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    const Millis leftAt = m_clock.now();
    table.leave(kBob, leftAt, out);
    out.clear();
    table.advance(leftAt + 59'999, out);
    QVERIFY(table.find(p.pairId));
    table.advance(leftAt + 60'000, out);
    QCOMPARE(describePairEvents(out), QStringList {u"removed"_s});
    QVERIFY(!table.pairOf(kAlice));
}

void TestPairTable::leaveUnknownIsQuiet()
{
    PairTable table;
    Output out;
    startedPair(table, out);
    table.leave(kStranger, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    QVERIFY(out.events.empty());
}

void TestPairTable::eventsOfAFullRound()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    table.game(kBob, game("1"), out);
    table.end(kBob, m_clock.now(), out);
    table.leave(kBob, m_clock.now(), out);
    table.leave(kAlice, m_clock.now(), out);
    QCOMPARE(describePairEvents(out),
        (QStringList {u"issued conn=1 other=2"_s, u"seated seat=1 conn=12"_s,
            u"seated seat=0 conn=11"_s, u"started conn=11 other=12"_s, u"over ended"_s,
            u"unseated seat=0 conn=11"_s, u"unseated seat=1 conn=12"_s, u"removed"_s}));
    for (const PairEvent &e : out.events)
        QCOMPARE(e.pairId, p.pairId);
    QCOMPARE(describeEffects(out),
        (QStringList {u"send 1 prepare"_s, u"send 2 prepare"_s, u"send 12 wait"_s,
            u"send 11 start"_s, u"send 12 start"_s, u"send 11 game"_s, u"send 12 game"_s,
            u"send 11 ended"_s}));
    QCOMPARE(table.size(), 0);
}

// ------------------------------------------------------------------------------------------
// seq, resume, grace, record

// Every relayed move carries the pair's next seq, the same number to both seats; `start`
// carries the seq the pair is at.
void TestPairTable::movesAreNumberedFromOneInOneOrder()
{
    PairTable table;
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    out.clear();
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(frameObject(out.effects[0].frame)[u"seq"_s].toInteger(), 0);
    out.clear();
    table.game(kBob, game("1"), out);
    table.game(kAlice, game("2"), out);
    table.game(kAlice, game("3"), out);
    QCOMPARE(seqsTo(out, kBob), (QStringList {u"1"_s, u"2"_s, u"3"_s}));
    QCOMPARE(seqsTo(out, kAlice), (QStringList {u"1"_s, u"2"_s, u"3"_s}));
    for (std::size_t i = 0; i < out.effects.size(); i += 2)
        QCOMPARE(out.effects[i].frame, out.effects[i + 1].frame); // one frame, both seats
    const Pair *pair = table.find(p.pairId);
    QCOMPARE(pair->moves, quint64(3));
    QCOMPARE(pair->log.lastSeq(), quint64(3));
    QCOMPARE(pair->seenSeq, (std::array<quint64, 2> {3, 3}));
}

void TestPairTable::resumeSendsStartThenWhatCameAfterLastSeq_data()
{
    QTest::addColumn<qint64>("lastSeq");
    QTest::addColumn<QStringList>("replayed");
    QTest::newRow("from 0") << qint64(0) << QStringList {u"1r"_s, u"2r"_s, u"3r"_s, u"4r"_s};
    QTest::newRow("from the middle") << qint64(2) << QStringList {u"3r"_s, u"4r"_s};
    QTest::newRow("from the end") << qint64(4) << QStringList {};
}

// A takeover with lastSeq: the old connection goes (4001), the new one gets `start` at the
// pair's seq, then each move after lastSeq once, in order, marked replayed; live moves after.
void TestPairTable::resumeSendsStartThenWhatCameAfterLastSeq()
{
    QFETCH(qint64, lastSeq);
    QFETCH(QStringList, replayed);
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    for (const char *move : {"\"a\"", "\"b\"", "\"c\"", "\"d\""})
        table.game(kBob, game(move), out);
    out.clear();
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], lastSeq), 0, out);
    QStringList expected {u"close 12 4001"_s, u"send 22 start"_s};
    for (qsizetype i = 0; i < replayed.size(); ++i)
        expected << u"send 22 game"_s;
    QCOMPARE(describeEffects(out), expected);
    QCOMPARE(frameObject(out.effects[1].frame)[u"seq"_s].toInteger(), 4);
    QCOMPARE(seqsTo(out, kAlice2), replayed);
    if (!replayed.isEmpty()) {
        // the same move as sent live, only marked
        const QJsonObject first = frameObject(out.effects[2].frame);
        QCOMPARE(first.size(), 5);
        QCOMPARE(first[u"userId"_s].toString(), u"bob"_s);
        QCOMPARE(first[u"data"_s].toString(), QString(QChar(u'a' + int(lastSeq))));
    }
    QCOMPARE(table.find(p.pairId)->seenSeq[1], quint64(4));
    out.clear();
    table.game(kBob, game("5"), out);
    QCOMPARE(seqsTo(out, kAlice2), QStringList {u"5"_s});
}

void TestPairTable::resumeOfEndedPairSendsEndedThenTheMoves()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.game(kAlice, game("1"), out);
    table.game(kBob, game("2"), out);
    table.end(kBob, m_clock.now(), out);
    out.clear();
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], 1), 0, out);
    QCOMPARE(describeEffects(out),
        (QStringList {u"close 12 4001"_s, u"send 22 ended"_s, u"send 22 game"_s}));
    QCOMPARE(seqsTo(out, kAlice2), QStringList {u"2r"_s});
}

// A lastSeq the pair never reached is refused with bad_seq; nothing changes (the old
// connection keeps the seat).
void TestPairTable::lastSeqPastThePairIsBadSeqAndChangesNothing()
{
    PairTable table;
    Output out;
    const Issued p = startedPair(table, out);
    table.game(kBob, game("1"), out);
    out.clear();
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], 2), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 22 error:bad_seq"_s});
    QVERIFY(out.events.empty());
    QCOMPARE(table.find(p.pairId)->seats[1], kAlice);
    QVERIFY(!table.pairOf(kAlice2));
    // before start, only 0 is a point the pair has reached
    PairTable fresh;
    out.clear();
    const Issued q = issue(fresh, out);
    out.clear();
    fresh.prepared(kBob, q.pairId, resumed("bob", q.tokens[0], 1), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 error:bad_seq"_s});
    out.clear();
    fresh.prepared(kBob, q.pairId, resumed("bob", q.tokens[0], 0), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 wait"_s});
}

// The log is bounded: a resume from before its first kept move is refused with
// replay_unavailable (no silent hole) and changes nothing; from within it, it works.
void TestPairTable::lastSeqBeforeWhatIsKeptIsReplayUnavailable()
{
    PairConfig config;
    config.moveLogBytes = 200; // moves here are ~50 bytes: the last 4 stay
    PairTable table(config);
    Output out;
    const Issued p = startedPair(table, out);
    for (int i = 1; i <= 10; ++i)
        table.game(kBob, game(QByteArray::number(i)), out);
    const Pair *pair = table.find(p.pairId);
    QVERIFY(pair->log.firstSeq() > 1);
    QVERIFY(pair->log.bytes() <= 200);
    const qint64 first = qint64(pair->log.firstSeq());
    out.clear();
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], first - 2), 0, out);
    QCOMPARE(describeEffects(out), QStringList {u"send 22 error:replay_unavailable"_s});
    QCOMPARE(pair->seats[1], kAlice);
    out.clear();
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], first - 1), 0, out);
    QCOMPARE(seqsTo(out, kAlice2).size(), 10 - first + 1);
    QCOMPARE(seqsTo(out, kAlice2).first(), QString::number(first) + u"r"_s);
    // without lastSeq the seat is taken as always: start, nothing replayed
    out.clear();
    table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), 0, out);
    QCOMPARE(describeEffects(out), (QStringList {u"close 22 4001"_s, u"send 12 start"_s}));
}

void TestPairTable::moveLogKeepsTheNewestWithinItsBytes()
{
    MoveLog log;
    QCOMPARE(log.lastSeq(), quint64(0));
    QCOMPARE(log.firstSeq(), quint64(1));
    QVERIFY(log.holdsAfter(0));
    for (int i = 1; i <= 200; ++i)
        log.append(QByteArray(10, char('a' + i % 26)), 100);
    QCOMPARE(log.lastSeq(), quint64(200));
    QCOMPARE(log.size(), 10);
    QCOMPARE(log.bytes(), 100);
    QCOMPARE(log.firstSeq(), quint64(191));
    QVERIFY(log.holdsAfter(190));
    QVERIFY(!log.holdsAfter(189));
    QList<quint64> seqs;
    log.forEachAfter(197, [&](quint64 seq, QByteArrayView move) {
        seqs << seq;
        QCOMPARE(move, QByteArray(10, char('a' + int(seq % 26))));
    });
    QCOMPARE(seqs, (QList<quint64> {198, 199, 200}));
    // one move larger than the bound is still kept (the newest always is)
    log.append(QByteArray(500, 'x'), 100);
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.firstSeq(), quint64(201));
    // moves of every size through many compactions and doublings: what is kept is always the
    // newest, byte for byte
    MoveLog churn;
    const auto moveBytes = [](quint64 seq) {
        return QByteArray(int(seq % 97) + 1, char('A' + int(seq % 26)));
    };
    for (quint64 seq = 1; seq <= 5'000; ++seq) {
        churn.append(moveBytes(seq), 3'000);
        QVERIFY(churn.bytes() <= 3'000);
        if (seq % 500 == 0) {
            quint64 expected = churn.firstSeq();
            qsizetype total = 0;
            churn.forEachAfter(0, [&](quint64 s, QByteArrayView move) {
                QCOMPARE(s, expected++);
                QCOMPARE(move, moveBytes(s));
                total += move.size();
            });
            QCOMPARE(expected, seq + 1);
            QCOMPARE(total, churn.bytes());
            QVERIFY(churn.bytes() + 98 > 3'000); // no more dropped than needed
        }
    }
    // a bound of 0 keeps nothing but still counts
    MoveLog none;
    none.append("x", 0);
    QCOMPARE(none.lastSeq(), quint64(1));
    QCOMPARE(none.size(), 0);
    QVERIFY(none.holdsAfter(1));
    QVERIFY(!none.holdsAfter(0));
}

// With a grace, a started pair's seat that closes is held: the opponent gets `away`, its
// moves go on being numbered, echoed and kept; the player comes back with its token and
// lastSeq: the opponent gets `back`, the returning seat `start` and what it missed.
void TestPairTable::graceAwayMovesMeanwhileBackWithReplay()
{
    PairTable table(graceConfig());
    Output out;
    const Issued p = startedPair(table, out);
    table.game(kAlice, game("1"), out);
    out.clear();
    table.leave(kAlice, m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 away"_s});
    QCOMPARE(frameObject(out.effects[0].frame),
        (QJsonObject {{u"command"_s, u"away"_s}, {u"userId"_s, u"alice"_s}}));
    QCOMPARE(describePairEvents(out),
        (QStringList {u"unseated seat=1 conn=12"_s, u"away seat=1 conn=12"_s}));
    const Pair *pair = table.find(p.pairId);
    QCOMPARE(pair->state(), PairState::Started);
    QVERIFY(pair->away(1));
    QCOMPARE(table.nextDeadline(), m_clock.now() + 5'000);

    out.clear();
    table.game(kBob, game("2"), out);
    table.game(kBob, game("3"), out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 11 game"_s, u"send 11 game"_s}));
    QCOMPARE(seqsTo(out, kBob), (QStringList {u"2"_s, u"3"_s}));

    m_clock.advance(4'999);
    out.clear();
    table.advance(m_clock.now(), out);
    QVERIFY(out.effects.empty());
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], 1), m_clock.now(), out);
    QCOMPARE(describeEffects(out),
        (QStringList {
            u"send 11 back"_s, u"send 22 start"_s, u"send 22 game"_s, u"send 22 game"_s}));
    QCOMPARE(frameObject(out.effects[0].frame),
        (QJsonObject {{u"command"_s, u"back"_s}, {u"userId"_s, u"alice"_s}}));
    QCOMPARE(frameObject(out.effects[1].frame)[u"seq"_s].toInteger(), 3);
    QCOMPARE(seqsTo(out, kAlice2), (QStringList {u"2r"_s, u"3r"_s}));
    QVERIFY(!pair->away(1));
    // the grace's deadline, when it comes, does nothing
    out.clear();
    table.advance(m_clock.now() + 10'000, out);
    QVERIFY(out.effects.empty());
    QCOMPARE(pair->state(), PairState::Started);
    table.game(kAlice2, game("4"), out);
    QCOMPARE(seqsTo(out, kBob), QStringList {u"4"_s});
    QCOMPARE(seqsTo(out, kAlice2), QStringList {u"4"_s});
}

void TestPairTable::graceRunsOutThenNone()
{
    PairTable table(graceConfig());
    Output out;
    const Issued p = startedPair(table, out);
    table.leave(kAlice, m_clock.now(), out);
    out.clear();
    m_clock.advance(5'000);
    table.advance(m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 none"_s});
    QCOMPARE(describePairEvents(out), QStringList {u"over none"_s});
    QCOMPARE(out.records.size(), std::size_t(1));
    QCOMPARE(out.records[0].outcome, MatchOutcome::None);
    QCOMPARE(out.records[0].by, qint8(1)); // alice left
    // too late: the pair is over as none
    out.clear();
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], 0), m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 22 error:unknown_pair"_s});
    table.game(kBob, game("1"), out);
    QCOMPARE(describeEffects(out).last(), u"send 11 error:ended"_s);
}

// A kick is final: no grace, the opponent gets `none` at once.
void TestPairTable::kickIsFinalEvenWithGrace()
{
    PairTable table(graceConfig());
    Output out;
    startedPair(table, out);
    table.leave(kAlice, m_clock.now(), out, LeaveCause::Kicked);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 none"_s});
    QCOMPARE(out.records.size(), std::size_t(1));
    QCOMPARE(out.records[0].outcome, MatchOutcome::Kicked);
    QCOMPARE(out.records[0].by, qint8(1));
}

// The player left is kicked while the other is away: the pair is over; the one away finds it
// gone when it comes back.
void TestPairTable::kickOfTheOpponentDuringGraceEndsThePair()
{
    PairTable table(graceConfig());
    Output out;
    const Issued p = startedPair(table, out);
    table.leave(kAlice, m_clock.now(), out);
    out.clear();
    table.leave(kBob, m_clock.now(), out, LeaveCause::Kicked);
    QVERIFY(out.effects.empty()); // nobody left to tell
    QCOMPARE(describePairEvents(out),
        (QStringList {u"unseated seat=0 conn=11"_s, u"over none"_s, u"removed"_s}));
    QCOMPARE(out.records.at(0).outcome, MatchOutcome::Kicked);
    QCOMPARE(out.records.at(0).by, qint8(0));
    out.clear();
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], 0), m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 22 error:unknown_pair"_s});
    table.advance(m_clock.now() + 10'000, out); // the grace's deadline: nothing
    QCOMPARE(out.effects.size(), std::size_t(1));
}

void TestPairTable::shutdownIsFinalEvenWithGrace()
{
    PairTable table(graceConfig());
    Output out;
    startedPair(table, out);
    table.leave(kAlice, m_clock.now(), out, LeaveCause::Shutdown);
    QCOMPARE(describeEffects(out), QStringList {u"send 11 none"_s});
}

void TestPairTable::endDuringGraceThenReturnGetsEnded()
{
    PairTable table(graceConfig());
    Output out;
    const Issued p = startedPair(table, out);
    table.leave(kAlice, m_clock.now(), out);
    table.game(kBob, game("1"), out);
    table.end(kBob, m_clock.now(), out);
    out.clear();
    table.advance(m_clock.now() + 5'000, out); // the grace's deadline: the pair has ended
    QVERIFY(out.effects.empty());
    table.prepared(kAlice2, p.pairId, resumed("alice", p.tokens[1], 0), m_clock.now(), out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 22 ended"_s, u"send 22 game"_s}));
    QCOMPARE(seqsTo(out, kAlice2), QStringList {u"1r"_s});
}

void TestPairTable::graceDoesNotApplyBeforeStart()
{
    PairTable table(graceConfig());
    Output out;
    const Issued p = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), 0, out);
    out.clear();
    table.leave(kBob, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    QCOMPARE(table.find(p.pairId)->state(), PairState::Issued);
    QCOMPARE(table.nextDeadline(), m_clock.now() + table.config().prepareTimeout);
}

// Both seats dropped: each has its own grace; the first to run out ends the pair.
void TestPairTable::bothAwayFirstGraceToEndDecides()
{
    PairTable table(graceConfig());
    Output out;
    const Issued p = startedPair(table, out);
    table.leave(kAlice, m_clock.now(), out);
    m_clock.advance(1'000);
    out.clear();
    table.leave(kBob, m_clock.now(), out);
    QVERIFY(out.effects.empty());
    // bob comes back first: told alice is away
    table.prepared(kBob2, p.pairId, resumed("bob", p.tokens[0], 0), m_clock.now(), out);
    QCOMPARE(describeEffects(out), (QStringList {u"send 21 start"_s, u"send 21 away"_s}));
    out.clear();
    m_clock.advance(4'000); // alice's grace ends
    table.advance(m_clock.now(), out);
    QCOMPARE(describeEffects(out), QStringList {u"send 21 none"_s});
    QCOMPARE(out.records.at(0).by, qint8(1));
}

void TestPairTable::recordOfEachOutcome_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<MatchOutcome>("outcome");
    QTest::addColumn<int>("by");
    QTest::addColumn<bool>("started");
    QTest::newRow("ended by bob") << u"end"_s << MatchOutcome::Ended << 0 << true;
    QTest::newRow("none: alice left") << u"leave"_s << MatchOutcome::None << 1 << true;
    QTest::newRow("kicked alice") << u"kick"_s << MatchOutcome::Kicked << 1 << true;
    QTest::newRow("invalid") << u"timeout"_s << MatchOutcome::Invalid << -1 << false;
    QTest::newRow("expired") << u"expire"_s << MatchOutcome::Expired << -1 << false;
}

void TestPairTable::recordOfEachOutcome()
{
    QFETCH(QString, how);
    QFETCH(MatchOutcome, outcome);
    QFETCH(int, by);
    QFETCH(bool, started);
    PairConfig config;
    config.recordMatches = true;
    PairTable table(config);
    Output out;
    const Millis issuedAt = m_clock.now();
    const Issued p = issue(table, out);
    table.prepared(kBob, p.pairId, prepared("bob", p.tokens[0]), m_clock.now(), out);
    m_clock.advance(100);
    const Millis startedAt = m_clock.now();
    if (started) {
        table.prepared(kAlice, p.pairId, prepared("alice", p.tokens[1]), startedAt, out);
        table.game(kBob, game(R"({"card": 1})"), out);
        table.game(kAlice, game("2"), out);
    }
    m_clock.advance(1'000);
    out.clear();
    if (how == "end"_L1)
        table.end(kBob, m_clock.now(), out);
    else if (how == "leave"_L1)
        table.leave(kAlice, m_clock.now(), out);
    else if (how == "kick"_L1)
        table.leave(kAlice, m_clock.now(), out, LeaveCause::Kicked);
    else if (how == "timeout"_L1)
        table.advance(issuedAt + config.prepareTimeout, out);
    else
        QVERIFY(table.expire(p.pairId, m_clock.now(), out));
    QCOMPARE(out.records.size(), std::size_t(1));
    const MatchRecord &r = out.records[0];
    QCOMPARE(r.pairId, p.pairId);
    QCOMPARE(r.type, 7);
    QCOMPARE(r.userIds, (std::array<QByteArray, 2> {"bob", "alice"}));
    QCOMPARE(r.users, (std::array<QByteArray, 2> {kBobEntryUser, kAliceEntryUser}));
    QCOMPARE(r.seed, p.prepare[0][u"seed"_s].toInt());
    QCOMPARE(r.issuedAtMs, issuedAt);
    QCOMPARE(r.startedAtMs, started ? startedAt : 0);
    QCOMPARE(r.overAtMs, how == "timeout"_L1 ? issuedAt + config.prepareTimeout : m_clock.now());
    QCOMPARE(r.outcome, outcome);
    QCOMPARE(int(r.by), by);
    QCOMPARE(r.moveCount, quint64(started ? 2 : 0));
    QCOMPARE(r.firstSeq, quint64(1));
    if (started) {
        QCOMPARE(r.moves,
            (QList<QByteArray> {R"({"command":"game","userId":"bob","data":{"card":1},"seq":1})",
                R"({"command":"game","userId":"alice","data":2,"seq":2})"}));
        QCOMPARE(r.seenSeq, (std::array<quint64, 2> {2, 2}));
    } else {
        QVERIFY(r.moves.isEmpty());
    }
    // without recordMatches nothing is made
    PairTable quiet;
    Output quietOut;
    const Issued q = issue(quiet, quietOut);
    QVERIFY(quiet.expire(q.pairId, m_clock.now(), quietOut));
    QVERIFY(quietOut.records.empty());
}

QTEST_GUILESS_MAIN(TestPairTable)
#include "tst_pairtable.moc"
