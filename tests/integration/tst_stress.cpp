// Many pairs at once over real sockets (protocol.md, "Round": moves are serialized, both
// seats receive every move in the same order, each exactly once). 200 pairs, each player
// sends 50 moves without waiting for anything, all pairs interleaved; every seat must then
// hold the same sequence, with each player's moves once each and in send order.
#include "playerchecks.h"
#include "testplayer.h"
#include "testserver.h"
#include "waituntil.h"

#include <QTest>

#include <sys/resource.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kPairs = 200;
constexpr int kMoves = 50; // per player
constexpr int kWave = 40; // connections opened at once (below the listen backlog)
constexpr int kTimeoutMs = 60'000; // a bound, not an expectation: it takes a few seconds

using Players = std::vector<std::unique_ptr<TestPlayer>>;

// Opens every player on its URL, a wave at a time; true when all are connected.
bool openAll(Players &players, const std::function<QUrl(int)> &urlOf)
{
    for (int first = 0; first < int(players.size()); first += kWave) {
        const int last = std::min(int(players.size()), first + kWave);
        for (int i = first; i < last; ++i)
            players[std::size_t(i)]->socket().open(urlOf(i));
        const auto waveOpen = [&] {
            return std::all_of(players.begin() + first, players.begin() + last,
                [](const auto &p) { return p->isOpen(); });
        };
        if (!waitUntil(waveOpen, kTimeoutMs))
            return false;
    }
    return true;
}

// Waits until every player holds at least `count` messages not yet taken.
bool waitPending(const Players &players, qsizetype count)
{
    return waitUntil(
        [&] {
            return std::all_of(players.begin(), players.end(),
                [&](const auto &p) { return p->pendingCount() >= count; });
        },
        kTimeoutMs);
}

Players makePlayers(int n)
{
    Players players;
    for (int i = 0; i < n; ++i)
        players.push_back(std::make_unique<TestPlayer>());
    return players;
}

} // namespace

class TestStress final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void manyPairsInterleavedMoves();
};

void TestStress::initTestCase()
{
    // 200 pairs: 400 matching and 400 round sockets on each side, in one process
    rlimit limit {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_cur < 4096 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4096);
        QCOMPARE(setrlimit(RLIMIT_NOFILE, &limit), 0);
    }
    QVERIFY2(limit.rlim_cur >= 4 * 2 * kPairs + 64, "too few file descriptors allowed");
}

void TestStress::manyPairsInterleavedMoves()
{
    TestServer server;
    QVERIFY(server.isListening());

    // matching: pair i on its own type; waiters first, then newcomers
    Players waiters = makePlayers(kPairs);
    Players newcomers = makePlayers(kPairs);
    QVERIFY(openAll(waiters, [&](int i) { return server.matchingUrl(i); }));
    QVERIFY(openAll(newcomers, [&](int i) { return server.matchingUrl(i); }));
    for (int i = 0; i < kPairs; ++i)
        waiters[std::size_t(i)]->entry(u"w%1"_s.arg(i));
    QVERIFY(waitPending(waiters, 1));
    for (int i = 0; i < kPairs; ++i)
        PM_OK(expectMessage(*waiters[std::size_t(i)], message(u"entried"_s)));
    for (int i = 0; i < kPairs; ++i)
        newcomers[std::size_t(i)]->entry(u"n%1"_s.arg(i));
    QVERIFY(waitPending(waiters, 1));
    QVERIFY(waitPending(newcomers, 1));
    std::vector<QJsonObject> toWaiter(kPairs), toNewcomer(kPairs);
    for (std::size_t i = 0; i < kPairs; ++i) {
        PM_OK(expectCommand(*waiters[i], u"prepare"_s, &toWaiter[i]));
        PM_OK(expectCommand(*newcomers[i], u"prepare"_s, &toNewcomer[i]));
        QCOMPARE(toWaiter[i].value(u"pairId"_s), toNewcomer[i].value(u"pairId"_s));
        QCOMPARE(toWaiter[i].value(u"users"_s)[1][u"userId"_s].toString(), u"w%1"_s.arg(i));
    }
    for (std::size_t i = 0; i < kPairs; ++i) {
        waiters[i]->close();
        newcomers[i]->close();
    }
    PM_OK(waitConnectionCount(server, 0, kTimeoutMs));

    // round: both seated, started
    Players a = makePlayers(kPairs); // the waiters' seats
    Players b = makePlayers(kPairs); // the newcomers' seats
    const auto roundOf = [&](int i) {
        return server.roundUrl(toWaiter[std::size_t(i)].value(u"pairId"_s).toString().toLatin1());
    };
    QVERIFY(openAll(a, roundOf));
    QVERIFY(openAll(b, roundOf));
    for (std::size_t i = 0; i < kPairs; ++i)
        a[i]->prepared(u"w%1"_s.arg(i), toWaiter[i].value(u"token"_s).toString());
    QVERIFY(waitPending(a, 1));
    for (std::size_t i = 0; i < kPairs; ++i)
        PM_OK(expectMessage(*a[i], message(u"wait"_s)));
    for (std::size_t i = 0; i < kPairs; ++i)
        b[i]->prepared(u"n%1"_s.arg(i), toNewcomer[i].value(u"token"_s).toString());
    QVERIFY(waitPending(a, 1));
    QVERIFY(waitPending(b, 1));
    for (std::size_t i = 0; i < kPairs; ++i) {
        PM_OK(expectCommand(*a[i], u"start"_s));
        PM_OK(expectCommand(*b[i], u"start"_s));
    }

    // every player sends all its moves at once, pairs and seats interleaved
    for (int m = 0; m < kMoves; ++m) {
        for (std::size_t i = 0; i < kPairs; ++i) {
            a[i]->game(QJsonObject {{u"p"_s, int(i)}, {u"m"_s, m}});
            b[i]->game(QJsonObject {{u"p"_s, int(i)}, {u"m"_s, m}});
        }
    }
    QVERIFY(waitPending(a, 2 * kMoves));
    QVERIFY(waitPending(b, 2 * kMoves));

    qsizetype received = 0;
    for (std::size_t i = 0; i < kPairs; ++i) {
        const QList<QJsonObject> seenByA = a[i]->takeAll();
        const QList<QJsonObject> seenByB = b[i]->takeAll();
        QCOMPARE(seenByA.size(), 2 * kMoves); // nothing more, nothing duplicated
        QCOMPARE(seenByB, seenByA); // one order at both seats
        const QString w = u"w%1"_s.arg(i), n = u"n%1"_s.arg(i);
        int nextW = 0, nextN = 0;
        for (const QJsonObject &move : seenByA) {
            QCOMPARE(move.value(u"command"_s).toString(), u"game"_s);
            const QString from = move.value(u"userId"_s).toString();
            QVERIFY2(from == w || from == n, qPrintable(toText(move)));
            const int expected = from == w ? nextW++ : nextN++; // each player's send order
            QCOMPARE(move.value(u"data"_s).toObject(),
                QJsonObject({{u"p"_s, int(i)}, {u"m"_s, expected}}));
        }
        QCOMPARE(nextW, kMoves);
        QCOMPARE(nextN, kMoves);
        received += seenByA.size() + seenByB.size();
    }
    QCOMPARE(received, qsizetype(2 * kPairs * 2 * kMoves));
    qInfo("%d pairs: %lld moves sent, %lld received, in order, at both seats", kPairs,
        qlonglong(2 * kPairs * kMoves), qlonglong(received));
    for (std::size_t i = 0; i < kPairs; ++i) { // and nothing straggles in later
        PM_OK(expectNothingMore(*a[i]));
        PM_OK(expectNothingMore(*b[i]));
    }
}

QTEST_GUILESS_MAIN(TestStress)
#include "tst_stress.moc"
