// The matching endpoint over real sockets (protocol.md, "Users", "Errors", "Matching"): one
// rule per test function.
#include "pairsetup.h"
#include "playerchecks.h"
#include "testplayer.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <array>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// pairId and token: at least 128 random bits, URL-safe (base64url: 22 characters or more)
bool isUrlSafeSecret(const QJsonValue &v)
{
    static const QRegularExpression re(u"^[A-Za-z0-9_-]{22,}$"_s);
    return v.isString() && re.match(v.toString()).hasMatch();
}

QSet<QString> keysOf(const QJsonObject &o)
{
    const QStringList keys = o.keys();
    return QSet<QString>(keys.cbegin(), keys.cend());
}

QJsonObject entryOf(const QJsonObject &user)
{
    return QJsonObject {{u"command"_s, u"entry"_s}, {u"user"_s, user}};
}

} // namespace

class TestMatching final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void entryIsAnsweredWithEntried();
    void queueIsFirstInFirstOut();
    void typesHaveSeparateQueues();
    void prepareGoesToBothWithSameUsersSeedAndPairId();
    void pairIdsAndTokensAreFreshForEveryPair();
    void extraUserFieldsArePassedThroughVerbatim();
    void duplicateUserAcrossTypesKeepsWaiterQueued();
    void duplicateUserInSameTypeIsNotMatchedWithItself();
    void secondEntryOnWaitingConnectionIsAlreadyQueued();
    void cancelLeavesQueue();
    void cancelWithoutWaitingIsNotQueued();
    void closedWaiterLeavesQueueAtOnce_data();
    void closedWaiterLeavesQueueAtOnce();
    void entryAgainAfterPrepare();
    void roundCommandsAreUnknownOnMatching_data();
    void roundCommandsAreUnknownOnMatching();
    void badJson_data();
    void badJson();
    void badUser_data();
    void badUser();
    void userIdEdgesAreAccepted_data();
    void userIdEdgesAreAccepted();
    void userOverSizeLimitIsTooLarge();
    void badMessagesKeepWaiterQueued();
};

void TestMatching::entryIsAnsweredWithEntried()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a;
    QVERIFY(a.open(server.matchingUrl(1)));
    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    PM_OK(expectNothingMore(a));
}

// A queue never holds two players (a newcomer always meets the waiter), so first-in
// first-out shows as: each newcomer meets whoever waits now, never a player already matched
// or gone, and the next one waits.
void TestMatching::queueIsFirstInFirstOut()
{
    TestServer server;
    QVERIFY(server.isListening());
    std::array<TestPlayer, 7> players;
    for (TestPlayer &p : players)
        QVERIFY(p.open(server.matchingUrl(4)));

    // p0 waits, p1 meets p0, p2 waits, p3 meets p2, ...
    for (int i = 0; i < int(players.size()); ++i) {
        players[std::size_t(i)].entry(u"p%1"_s.arg(i));
        if (i % 2 == 0) {
            PM_OK(expectMessage(players[std::size_t(i)], message(u"entried"_s)));
            continue;
        }
        QJsonObject toWaiter, toNewcomer;
        PM_OK(expectCommand(players[std::size_t(i - 1)], u"prepare"_s, &toWaiter));
        PM_OK(expectCommand(players[std::size_t(i)], u"prepare"_s, &toNewcomer));
        const QJsonArray users {
            QJsonObject {{u"userId"_s, u"p%1"_s.arg(i)}},
            QJsonObject {{u"userId"_s, u"p%1"_s.arg(i - 1)}},
        };
        QCOMPARE(toWaiter.value(u"users"_s).toArray(), users);
        QCOMPARE(toNewcomer.value(u"users"_s).toArray(), users);
    }
    // the last one (p6) still waits: a newcomer meets it
    TestPlayer late;
    QVERIFY(late.open(server.matchingUrl(4)));
    late.entry(u"late"_s);
    QJsonObject toLate;
    PM_OK(expectCommand(late, u"prepare"_s, &toLate));
    PM_OK(expectCommand(players[6], u"prepare"_s));
    QCOMPARE(toLate.value(u"users"_s)[1][u"userId"_s].toString(), u"p6"_s);
    for (TestPlayer &p : players)
        PM_OK(expectNothingMore(p));

    // a waiter that cancelled is not met; the next waiter is
    TestPlayer x, y, z;
    QVERIFY(x.open(server.matchingUrl(4)));
    QVERIFY(y.open(server.matchingUrl(4)));
    QVERIFY(z.open(server.matchingUrl(4)));
    x.entry(u"x"_s);
    PM_OK(expectMessage(x, message(u"entried"_s)));
    x.send(message(u"cancel"_s));
    PM_OK(expectMessage(x, message(u"cancelled"_s)));
    y.entry(u"y"_s);
    PM_OK(expectMessage(y, message(u"entried"_s)));
    z.entry(u"z"_s);
    QJsonObject toY;
    PM_OK(expectCommand(y, u"prepare"_s, &toY));
    PM_OK(expectCommand(z, u"prepare"_s));
    QCOMPARE(toY.value(u"users"_s)[0][u"userId"_s].toString(), u"z"_s);
    QCOMPARE(toY.value(u"users"_s)[1][u"userId"_s].toString(), u"y"_s);
    PM_OK(expectNothingMore(x));
}

void TestMatching::typesHaveSeparateQueues()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a1, a2, b1, b2;
    QVERIFY(a1.open(server.matchingUrl(1)));
    QVERIFY(a2.open(server.matchingUrl(2)));
    QVERIFY(b1.open(server.matchingUrl(1)));
    QVERIFY(b2.open(server.matchingUrl(2)));

    a1.entry(u"a1"_s);
    PM_OK(expectMessage(a1, message(u"entried"_s)));
    a2.entry(u"a2"_s); // another type: waits too, is not matched with a1
    PM_OK(expectMessage(a2, message(u"entried"_s)));
    PM_OK(expectNothingMore(a1));

    b2.entry(u"b2"_s);
    QJsonObject toA2, toB2;
    PM_OK(expectCommand(a2, u"prepare"_s, &toA2));
    PM_OK(expectCommand(b2, u"prepare"_s, &toB2));
    QCOMPARE(toA2.value(u"type"_s).toInteger(-1), 2);
    QCOMPARE(toA2.value(u"users"_s)[1][u"userId"_s].toString(), u"a2"_s);
    PM_OK(expectNothingMore(a1));

    b1.entry(u"b1"_s);
    QJsonObject toA1;
    PM_OK(expectCommand(a1, u"prepare"_s, &toA1));
    PM_OK(expectCommand(b1, u"prepare"_s));
    QCOMPARE(toA1.value(u"type"_s).toInteger(-1), 1);
    QCOMPARE(toA1.value(u"users"_s)[0][u"userId"_s].toString(), u"b1"_s);
    QCOMPARE(toA1.value(u"users"_s)[1][u"userId"_s].toString(), u"a1"_s);
}

void TestMatching::prepareGoesToBothWithSameUsersSeedAndPairId()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server, 5, u"alice"_s, u"bob"_s);
    PM_OK(pair.match());
    const QJsonObject &w = pair.prepareToWaiter;
    const QJsonObject &n = pair.prepareToNewcomer;

    const QSet<QString> fields {
        u"command"_s, u"type"_s, u"seed"_s, u"pairId"_s, u"token"_s, u"users"_s};
    QCOMPARE(keysOf(w), fields);
    QCOMPARE(keysOf(n), fields);
    QCOMPARE(w.value(u"type"_s), QJsonValue(5));
    QCOMPARE(n.value(u"type"_s), QJsonValue(5));

    // users: [newcomer, waiter], the same array for both
    const QJsonArray users {
        QJsonObject {{u"userId"_s, u"bob"_s}}, QJsonObject {{u"userId"_s, u"alice"_s}}};
    QCOMPARE(w.value(u"users"_s).toArray(), users);
    QCOMPARE(n.value(u"users"_s).toArray(), users);

    // seed: an integer 1..10000 shared by both
    const QJsonValue seed = w.value(u"seed"_s);
    QVERIFY(seed.isDouble());
    QCOMPARE(seed.toDouble(), double(seed.toInteger()));
    QVERIFY2(seed.toInteger() >= 1 && seed.toInteger() <= 10000, qPrintable(toText(w)));
    QCOMPARE(n.value(u"seed"_s), seed);

    // pairId: the same for both, URL-safe, >= 128 bits
    QVERIFY2(isUrlSafeSecret(w.value(u"pairId"_s)), qPrintable(toText(w)));
    QCOMPARE(n.value(u"pairId"_s), w.value(u"pairId"_s));

    // token: each player its own
    QVERIFY2(isUrlSafeSecret(w.value(u"token"_s)), qPrintable(toText(w)));
    QVERIFY2(isUrlSafeSecret(n.value(u"token"_s)), qPrintable(toText(n)));
    QVERIFY(w.value(u"token"_s) != n.value(u"token"_s));
    QVERIFY(w.value(u"token"_s) != w.value(u"pairId"_s));
    QVERIFY(n.value(u"token"_s) != w.value(u"pairId"_s));

    PM_OK(expectNothingMore(pair.waiterMatching));
    PM_OK(expectNothingMore(pair.newcomerMatching));
}

// pairIds and tokens are random: no two alike over many pairs; seeds stay in 1..10000 and
// are not all the same (a fixed seed: a chance of 1e-4^29 to fail wrongly).
void TestMatching::pairIdsAndTokensAreFreshForEveryPair()
{
    TestServer server;
    QVERIFY(server.isListening());
    constexpr int kPairs = 30;
    QSet<QString> secrets;
    QSet<qint64> seeds;
    for (int i = 0; i < kPairs; ++i) {
        PairSetup pair(server, 9, u"w%1"_s.arg(i), u"n%1"_s.arg(i));
        PM_OK(pair.match());
        secrets.insert(QString::fromLatin1(pair.pairId));
        secrets.insert(pair.waiterToken);
        secrets.insert(pair.newcomerToken);
        const qint64 seed = pair.prepareToWaiter.value(u"seed"_s).toInteger();
        QVERIFY(seed >= 1 && seed <= 10000);
        seeds.insert(seed);
    }
    QCOMPARE(secrets.size(), 3 * kPairs);
    QVERIFY(seeds.size() > 1);
}

void TestMatching::extraUserFieldsArePassedThroughVerbatim()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(3)));
    QVERIFY(b.open(server.matchingUrl(3)));
    TextTap rawA(a.socket());

    const QJsonObject alice {
        {u"userId"_s, u"alice"_s},
        {u"name"_s, u"Ålice \"A\" \\ ✓ 😀"_s},
        {u"rating"_s, 1500},
        {u"score"_s, -1.25},
        {u"avatar"_s,
            QJsonObject {{u"url"_s, u"https://example.org/a.png?s=64&x=1"_s},
                {u"sizes"_s, QJsonArray {32, 64}}}},
        {u"vip"_s, true},
        {u"note"_s, QJsonValue::Null},
    };
    a.send(entryOf(alice));
    PM_OK(expectMessage(a, message(u"entried"_s)));
    // the newcomer's user as raw text: odd spacing, escapes and number forms
    b.sendText(uR"({ "command" : "entry", "user" : { "userId" : "bob", "name" : "B\u00f6b \"q\"",
 "r" : 1.50, "tags" : [ "x" , { "k" : [ ] } ] } })"_s);
    QJsonObject toA, toB;
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    PM_OK(expectCommand(b, u"prepare"_s, &toB));

    const QJsonObject bob = QJsonDocument::fromJson(
        R"({"userId":"bob","name":"B\u00f6b \"q\"","r":1.50,"tags":["x",{"k":[]}]})")
                                .object();
    const QJsonArray users {bob, alice};
    QCOMPARE(toA.value(u"users"_s).toArray(), users);
    QCOMPARE(toB.value(u"users"_s).toArray(), users);

    // docs/protocol.md: the compact form of what the client wrote, never re-encoded
    const QString raw = rawA.last(u"prepare"_s);
    const QString bobAsWritten
        = uR"({"userId":"bob","name":"B\u00f6b \"q\"","r":1.50,"tags":["x",{"k":[]}]})"_s;
    QVERIFY2(raw.contains(u"\"users\":["_s + bobAsWritten + u","_s), qPrintable(raw));
}

void TestMatching::duplicateUserAcrossTypesKeepsWaiterQueued()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, x, b;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(x.open(server.matchingUrl(2)));
    QVERIFY(b.open(server.matchingUrl(1)));

    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    x.entry(u"alice"_s); // the same userId, another type, another connection
    PM_OK(expectError(x, u"duplicate_user"_s));
    PM_OK(expectNothingMore(x)); // still open
    x.send(message(u"cancel"_s)); // and not queued
    PM_OK(expectError(x, u"not_queued"_s));
    PM_OK(expectNothingMore(a));

    // the waiter stays queued: a third player is matched with it
    b.entry(u"bob"_s);
    QJsonObject toA, toB;
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    PM_OK(expectCommand(b, u"prepare"_s, &toB));
    QCOMPARE(toA.value(u"users"_s)[1][u"userId"_s].toString(), u"alice"_s);
    QCOMPARE(toA.value(u"type"_s).toInteger(-1), 1);

    // alice waits nowhere now: the refused connection may enter with it
    x.entry(u"alice"_s);
    PM_OK(expectMessage(x, message(u"entried"_s)));
}

void TestMatching::duplicateUserInSameTypeIsNotMatchedWithItself()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, y, b;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(y.open(server.matchingUrl(1)));
    QVERIFY(b.open(server.matchingUrl(1)));

    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    y.entry(u"alice"_s);
    PM_OK(expectError(y, u"duplicate_user"_s));
    PM_OK(expectNothingMore(a));
    PM_OK(expectNothingMore(y));

    b.entry(u"bob"_s);
    QJsonObject toA;
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    PM_OK(expectCommand(b, u"prepare"_s));
    QCOMPARE(toA.value(u"users"_s)[0][u"userId"_s].toString(), u"bob"_s);
    PM_OK(expectNothingMore(y));
}

void TestMatching::secondEntryOnWaitingConnectionIsAlreadyQueued()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, other, c;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(other.open(server.matchingUrl(2)));
    QVERIFY(c.open(server.matchingUrl(1)));

    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    a.entry(u"alice2"_s);
    PM_OK(expectError(a, u"already_queued"_s));
    a.entry(u"alice"_s);
    PM_OK(expectError(a, u"already_queued"_s));

    // nothing changed: alice2 was not registered, a still waits as alice
    other.entry(u"alice2"_s);
    PM_OK(expectMessage(other, message(u"entried"_s)));
    c.entry(u"carol"_s);
    QJsonObject toA;
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    PM_OK(expectCommand(c, u"prepare"_s));
    QCOMPARE(toA.value(u"users"_s)[1], QJsonValue(QJsonObject {{u"userId"_s, u"alice"_s}}));
}

void TestMatching::cancelLeavesQueue()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(b.open(server.matchingUrl(1)));

    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    a.send(message(u"cancel"_s));
    PM_OK(expectMessage(a, message(u"cancelled"_s)));

    // a newcomer is not matched with the cancelled player: it waits
    b.entry(u"bob"_s);
    PM_OK(expectMessage(b, message(u"entried"_s)));
    PM_OK(expectNothingMore(a)); // stays connected, hears nothing

    // the connection and the userId are free: alice enters again and meets bob
    a.entry(u"alice"_s);
    QJsonObject toA, toB;
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    PM_OK(expectCommand(b, u"prepare"_s, &toB));
    QCOMPARE(toA.value(u"users"_s)[0][u"userId"_s].toString(), u"alice"_s);
    QCOMPARE(toA.value(u"users"_s)[1][u"userId"_s].toString(), u"bob"_s);
}

void TestMatching::cancelWithoutWaitingIsNotQueued()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a;
    QVERIFY(a.open(server.matchingUrl(1)));
    a.send(message(u"cancel"_s)); // never entered
    PM_OK(expectError(a, u"not_queued"_s));

    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    a.send(message(u"cancel"_s));
    PM_OK(expectMessage(a, message(u"cancelled"_s)));
    a.send(message(u"cancel"_s)); // cancelled already
    PM_OK(expectError(a, u"not_queued"_s));

    PairSetup pair(server, 2);
    PM_OK(pair.match());
    pair.waiterMatching.send(message(u"cancel"_s)); // matched: no longer queued
    PM_OK(expectError(pair.waiterMatching, u"not_queued"_s));
    pair.newcomerMatching.send(message(u"cancel"_s));
    PM_OK(expectError(pair.newcomerMatching, u"not_queued"_s));
    PM_OK(expectNothingMore(a));
}

void TestMatching::closedWaiterLeavesQueueAtOnce_data()
{
    QTest::addColumn<bool>("abort");
    QTest::newRow("close frame") << false;
    QTest::newRow("connection dropped") << true;
}

void TestMatching::closedWaiterLeavesQueueAtOnce()
{
    QFETCH(bool, abort);
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, b, c;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(b.open(server.matchingUrl(1)));
    QVERIFY(c.open(server.matchingUrl(1)));
    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));

    if (abort)
        a.abort();
    else
        a.close();
    PM_OK(waitConnectionCount(server, 2)); // the server has seen it go

    // the newcomer waits (entried), it is not sent a prepare for a gone player
    b.entry(u"bob"_s);
    PM_OK(expectMessage(b, message(u"entried"_s)));
    // and alice is free again
    c.entry(u"alice"_s);
    QJsonObject toC;
    PM_OK(expectCommand(c, u"prepare"_s, &toC));
    PM_OK(expectCommand(b, u"prepare"_s));
    QCOMPARE(toC.value(u"users"_s)[1][u"userId"_s].toString(), u"bob"_s);
}

void TestMatching::entryAgainAfterPrepare()
{
    TestServer server;
    QVERIFY(server.isListening());
    PairSetup pair(server, 1, u"alice"_s, u"bob"_s);
    PM_OK(pair.match());

    // the matched connection is no longer queued: entry again is a fresh wait
    pair.waiterMatching.entry(u"alice"_s);
    PM_OK(expectMessage(pair.waiterMatching, message(u"entried"_s)));
    TestPlayer c;
    QVERIFY(c.open(server.matchingUrl(1)));
    c.entry(u"carol"_s);
    QJsonObject toA;
    PM_OK(expectCommand(pair.waiterMatching, u"prepare"_s, &toA));
    PM_OK(expectCommand(c, u"prepare"_s));
    QCOMPARE(toA.value(u"users"_s)[0][u"userId"_s].toString(), u"carol"_s);
    QCOMPARE(toA.value(u"users"_s)[1][u"userId"_s].toString(), u"alice"_s);
    QVERIFY(toA.value(u"pairId"_s) != pair.prepareToWaiter.value(u"pairId"_s));
    PM_OK(expectNothingMore(pair.newcomerMatching));
}

void TestMatching::roundCommandsAreUnknownOnMatching_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("prepared")
        << uR"({"command":"prepared","user":{"userId":"alice"},"token":"AAAAAAAAAAAAAAAA"})"_s;
    QTest::newRow("game") << uR"({"command":"game","data":{"card":1}})"_s;
    QTest::newRow("end") << uR"({"command":"end"})"_s;
    QTest::newRow("made up") << uR"({"command":"join","user":{"userId":"alice"}})"_s;
    QTest::newRow("case differs") << uR"({"command":"Entry","user":{"userId":"alice"}})"_s;
    QTest::newRow("empty command") << uR"({"command":""})"_s;
}

void TestMatching::roundCommandsAreUnknownOnMatching()
{
    QFETCH(QString, text);
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a;
    QVERIFY(a.open(server.matchingUrl(1)));
    a.sendText(text);
    PM_OK(expectError(a, u"unknown_command"_s));
    a.entry(u"alice"_s); // still open, nothing changed
    PM_OK(expectMessage(a, message(u"entried"_s)));
}

void TestMatching::badJson_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("not json") << u"hello"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("array") << uR"([{"command":"entry","user":{"userId":"alice"}}])"_s;
    QTest::newRow("string") << uR"("entry")"_s;
    QTest::newRow("number") << u"42"_s;
    QTest::newRow("null") << u"null"_s;
    QTest::newRow("no command") << uR"({"user":{"userId":"alice"}})"_s;
    QTest::newRow("command a number") << uR"({"command":1,"user":{"userId":"alice"}})"_s;
    QTest::newRow("command null") << uR"({"command":null})"_s;
    QTest::newRow("command an object") << uR"({"command":{"name":"entry"}})"_s;
    QTest::newRow("command an array") << uR"({"command":["entry"]})"_s;
    QTest::newRow("truncated") << uR"({"command":"entry","user":{"userId":"alice"})"_s;
    QTest::newRow("trailing garbage") << uR"({"command":"entry","user":{"userId":"alice"}} x)"_s;
    QTest::newRow("two objects") << uR"({"command":"cancel"}{"command":"cancel"})"_s;
    QTest::newRow("single quotes") << uR"({'command':'entry'})"_s;
    QTest::newRow("trailing comma") << uR"({"command":"cancel",})"_s;
    QTest::newRow("bad escape") << uR"({"command":"en\qtry"})"_s;
}

void TestMatching::badJson()
{
    QFETCH(QString, text);
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a;
    QVERIFY(a.open(server.matchingUrl(1)));
    a.sendText(text);
    PM_OK(expectError(a, u"bad_json"_s));
    PM_OK(expectNothingMore(a));
    a.entry(u"alice"_s); // open, not queued, alice not taken
    PM_OK(expectMessage(a, message(u"entried"_s)));
}

void TestMatching::badUser_data()
{
    QTest::addColumn<QString>("text");
    const auto withUser = [](const QString &user) {
        return uR"({"command":"entry","user":%1})"_s.arg(user);
    };
    QTest::newRow("user missing") << uR"({"command":"entry"})"_s;
    QTest::newRow("user null") << withUser(u"null"_s);
    QTest::newRow("user a string") << withUser(uR"("alice")"_s);
    QTest::newRow("user a number") << withUser(u"7"_s);
    QTest::newRow("user an array") << withUser(uR"([{"userId":"alice"}])"_s);
    QTest::newRow("userId missing") << withUser(uR"({"name":"alice"})"_s);
    QTest::newRow("userId a number") << withUser(uR"({"userId":7})"_s);
    QTest::newRow("userId null") << withUser(uR"({"userId":null})"_s);
    QTest::newRow("userId an object") << withUser(uR"({"userId":{"id":"alice"}})"_s);
    QTest::newRow("userId empty") << withUser(uR"({"userId":""})"_s);
    QTest::newRow("userId 65 chars") << withUser(uR"({"userId":"%1"})"_s.arg(QString(65, u'a')));
    QTest::newRow("userId with a space") << withUser(uR"({"userId":"al ice"})"_s);
    QTest::newRow("userId with a slash") << withUser(uR"({"userId":"al/ice"})"_s);
    QTest::newRow("userId with a plus") << withUser(uR"({"userId":"a+b"})"_s);
    QTest::newRow("userId with a colon") << withUser(uR"({"userId":"a:b"})"_s);
    QTest::newRow("userId not ASCII") << withUser(uR"({"userId":"alïce"})"_s);
    QTest::newRow("userId escaped newline") << withUser(uR"({"userId":"a\nb"})"_s);
}

void TestMatching::badUser()
{
    QFETCH(QString, text);
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a;
    QVERIFY(a.open(server.matchingUrl(1)));
    a.sendText(text);
    PM_OK(expectError(a, u"bad_user"_s));
    PM_OK(expectNothingMore(a));
    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));
}

void TestMatching::userIdEdgesAreAccepted_data()
{
    QTest::addColumn<QString>("userId");
    QTest::newRow("one char") << u"a"_s;
    QTest::newRow("64 chars") << QString(64, u'z');
    QTest::newRow("every allowed kind") << u"ABCXYZabcxyz0189_.@-"_s; // [A-Za-z0-9_.@-]
    QTest::newRow("email-like") << u"first.last-1@example_org"_s;
}

void TestMatching::userIdEdgesAreAccepted()
{
    QFETCH(QString, userId);
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(b.open(server.matchingUrl(1)));
    a.entry(userId);
    PM_OK(expectMessage(a, message(u"entried"_s)));
    b.entry(u"b"_s);
    QJsonObject toA;
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    QCOMPARE(toA.value(u"users"_s)[1][u"userId"_s].toString(), userId);
}

void TestMatching::userOverSizeLimitIsTooLarge()
{
    TestServer server;
    QVERIFY(server.isListening());
    const qint64 limit = server.config().maxUserBytes; // compact UTF-8 of the user object
    const auto userOfSize = [](qint64 size) {
        QJsonObject user {{u"userId"_s, u"alice"_s}, {u"pad"_s, QString()}};
        const qint64 base = QJsonDocument(user).toJson(QJsonDocument::Compact).size();
        user.insert(u"pad"_s, QString(qsizetype(size - base), u'x'));
        return user;
    };
    const QJsonObject atLimit = userOfSize(limit);
    const QJsonObject overLimit = userOfSize(limit + 1);
    QCOMPARE(QJsonDocument(atLimit).toJson(QJsonDocument::Compact).size(), limit);

    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(b.open(server.matchingUrl(1)));
    a.send(entryOf(overLimit));
    PM_OK(expectError(a, u"too_large"_s));
    PM_OK(expectNothingMore(a));
    a.send(entryOf(atLimit)); // exactly at the limit: fine (and a was not queued)
    PM_OK(expectMessage(a, message(u"entried"_s)));
    b.entry(u"bob"_s);
    QJsonObject toB;
    PM_OK(expectCommand(b, u"prepare"_s, &toB));
    QCOMPARE(toB.value(u"users"_s)[1].toObject(), atLimit); // passed on whole
}

void TestMatching::badMessagesKeepWaiterQueued()
{
    TestServer server;
    QVERIFY(server.isListening());
    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(1)));
    QVERIFY(b.open(server.matchingUrl(1)));
    a.entry(u"alice"_s);
    PM_OK(expectMessage(a, message(u"entried"_s)));

    a.sendText(u"{nope"_s);
    PM_OK(expectError(a, u"bad_json"_s));
    a.sendBinary("\x01\x02");
    PM_OK(expectError(a, u"bad_frame"_s));
    a.send(message(u"end"_s));
    PM_OK(expectError(a, u"unknown_command"_s));
    a.sendText(uR"({"command":"entry","user":{"userId":""}})"_s);
    PM_OK(expectError(a, u"bad_user"_s));
    a.entry(u"alice"_s);
    PM_OK(expectError(a, u"already_queued"_s));

    b.entry(u"bob"_s);
    QJsonObject toA;
    PM_OK(expectCommand(a, u"prepare"_s, &toA));
    PM_OK(expectCommand(b, u"prepare"_s));
    QCOMPARE(toA.value(u"users"_s)[1].toObject(), QJsonObject({{u"userId"_s, u"alice"_s}}));
}

QTEST_GUILESS_MAIN(TestMatching)
#include "tst_matching.moc"
