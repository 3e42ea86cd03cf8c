// libpairmatch-client against the real server (in-process, real sockets): a whole game as a
// game sees it, one signal per message; none, invalid, errors, cancel; a takeover from a
// second client; a connection that drops on the client's side only (a TCP relay cuts it)
// reconnecting into its seat with held moves delivered; giving up; and `lastSeq` on the
// reconnect: the moves missed meanwhile replayed by the server, each shown once.
#include "tcprelay.h"
#include "testserver.h"
#include "waituntil.h"

#include <pairmatch/client.h>

#include <QJsonDocument>
#include <QTest>
#include <QWebSocket>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

QString compact(const QJsonValue &value)
{
    const QByteArray text = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.sliced(1, text.size() - 2));
}

// Every signal of a client, in order, as short lines: "queued", "moved bob {"n":1}", ...
class Recorder final : public QObject
{
public:
    explicit Recorder(Client &c)
    {
        connect(&c, &Client::queued, this, [this] { log << u"queued"_s; });
        connect(&c, &Client::cancelled, this, [this] { log << u"cancelled"_s; });
        connect(&c, &Client::matched, this, [this] { log << u"matched"_s; });
        connect(&c, &Client::waiting, this, [this] { log << u"waiting"_s; });
        connect(&c, &Client::started, this, [this] { log << u"started"_s; });
        connect(&c, &Client::moved, this, [this](const QString &userId, const QJsonValue &data) {
            log << u"moved %1 %2"_s.arg(userId, compact(data));
        });
        connect(&c, &Client::ended, this, [this] { log << u"ended"_s; });
        connect(&c, &Client::opponentLeft, this, [this] { log << u"opponentLeft"_s; });
        connect(&c, &Client::invalid, this, [this] { log << u"invalid"_s; });
        connect(
            &c, &Client::error, this, [this](const QString &code) { log << u"error "_s + code; });
        connect(&c, &Client::reconnecting, this,
            [this](int attempt) { log << u"reconnecting %1"_s.arg(attempt); });
        connect(&c, &Client::resumed, this, [this] { log << u"resumed"_s; });
        connect(&c, &Client::disconnected, this,
            [this](int code) { log << u"disconnected %1"_s.arg(code); });
    }
    bool has(const QString &line, int timeoutMs = 5000)
    {
        return waitUntil([&] { return log.contains(line); }, timeoutMs);
    }
    QStringList moves() const { return log.filter(QRegularExpression(u"^moved "_s)); }
    QStringList log;
};

// alice waits, bob comes: both seated and started.
struct Game {
    explicit Game(const QUrl &url, qint32 type)
        : alice(url)
        , bob(url)
        , a(alice)
        , b(bob)
    {
        alice.enter(type, QJsonObject {{u"userId"_s, u"alice"_s}, {u"name"_s, u"Alice"_s}});
    }
    bool start(qint32 type)
    {
        if (!a.has(u"queued"_s))
            return false;
        bob.enter(type, u"bob"_s);
        return a.has(u"started"_s) && b.has(u"started"_s);
    }
    Client alice;
    Client bob;
    Recorder a;
    Recorder b;
};

// alice reaches the server through a TCP relay that can cut her network while the server
// keeps her connection; bob connects directly. start() plays them into a started round.
struct Relayed {
    Relayed()
        : relay(server.port())
        , listening(relay.listen())
        , alice(QUrl(u"ws://127.0.0.1:%1"_s.arg(relay.port())))
        , bob(server.url({}))
        , a(alice)
        , b(bob)
    {
        alice.setReconnect(3, 20);
    }
    bool start(qint32 type)
    {
        if (!listening)
            return false;
        alice.enter(type, u"alice"_s);
        if (!a.has(u"queued"_s))
            return false;
        bob.enter(type, u"bob"_s);
        return a.has(u"started"_s) && b.has(u"started"_s);
    }
    TestServer server;
    TcpRelay relay;
    bool listening;
    Client alice;
    Client bob;
    Recorder a;
    Recorder b;
};

} // namespace

class TestClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wholeGame();
    void opponentLeft();
    void invalidWhenTheOpponentNeverComes();
    void errorsAndCancel();
    void takeoverFromAnotherClient();
    void reconnectsIntoItsSeatAfterASilentDrop();
    void givesUpWhenTheServerIsGone();
    void resumesWithLastSeqWhereMovesAreNumbered();
};

void TestClient::wholeGame()
{
    TestServer server;
    QVERIFY(server.isListening());
    Game g(server.url({}), 3);
    QVERIFY(g.start(3));
    // whoever takes its seat first waits for the other (both open their rounds at once)
    QStringList a = g.a.log, b = g.b.log;
    QCOMPARE(a.removeAll(u"waiting"_s) + b.removeAll(u"waiting"_s), 1);
    QCOMPARE(a, (QStringList {u"queued"_s, u"matched"_s, u"started"_s}));
    QCOMPARE(b, (QStringList {u"matched"_s, u"started"_s}));
    QCOMPARE(g.alice.state(), Client::State::Playing);
    // what prepare and start told each
    QCOMPARE(g.alice.seat().type, 3);
    QVERIFY(g.alice.seat().seed >= 1 && g.alice.seat().seed <= 10000);
    QCOMPARE(g.alice.seat().seed, g.bob.seat().seed);
    QCOMPARE(g.alice.seat().pairId, g.bob.seat().pairId);
    QVERIFY(g.alice.seat().token != g.bob.seat().token);
    QCOMPARE(g.alice.opponent().value("userId"_L1).toString(), u"bob"_s);
    QCOMPARE(g.bob.opponent().value("name"_L1).toString(), u"Alice"_s);
    QCOMPARE(g.bob.startUsers().size(), 2);

    for (int i = 0; i < 5; ++i) {
        g.alice.move(QJsonObject {{u"n"_s, i}});
        g.bob.move(i);
    }
    QVERIFY(waitUntil([&] { return g.a.moves().size() == 10 && g.b.moves().size() == 10; }));
    QCOMPARE(g.a.moves(), g.b.moves()); // one order for both
    QCOMPARE(g.a.moves().filter(u"moved alice"_s).size(), 5);
    QVERIFY(g.a.moves().contains(u"moved alice {\"n\":4}"_s));
    QVERIFY(g.a.moves().contains(u"moved bob 4"_s));
    QCOMPARE(g.alice.moveCount(), 10);
    QCOMPARE(g.alice.lastSeq(), 10); // every move numbered, 1 to 10
    QCOMPARE(g.bob.lastSeq(), 10);

    g.alice.end();
    QVERIFY(g.a.has(u"ended"_s));
    QCOMPARE(g.alice.state(), Client::State::Ended);
    g.alice.close();
    g.bob.end();
    QVERIFY(g.b.has(u"ended"_s));
    QVERIFY(!g.b.log.contains(u"opponentLeft"_s));
    QVERIFY(!g.a.log.filter(u"disconnected"_s).size());
}

void TestClient::opponentLeft()
{
    TestServer server;
    Game g(server.url({}), 4);
    QVERIFY(g.start(4));
    g.bob.close();
    QVERIFY(g.a.has(u"opponentLeft"_s));
    QCOMPARE(g.alice.state(), Client::State::Over);
    QCOMPARE(g.bob.state(), Client::State::Idle);
    g.alice.move(1);
    QVERIFY(g.a.has(u"error ended"_s));
}

void TestClient::invalidWhenTheOpponentNeverComes()
{
    ServerConfig config = TestServer::defaultConfig();
    config.prepareTimeoutMs = 300;
    TestServer server(config);
    Client alice(server.url({})), bob(server.url({}));
    Recorder a(alice), b(bob);
    bob.setAutoJoin(false);
    alice.enter(5, u"alice"_s);
    QVERIFY(a.has(u"queued"_s));
    bob.enter(5, u"bob"_s);
    QVERIFY(b.has(u"matched"_s));
    QVERIFY(a.has(u"invalid"_s));
    QVERIFY(a.has(u"disconnected 1000"_s)); // the server closes after invalid
    QCOMPARE(alice.state(), Client::State::Over);
    QCOMPARE(alice.lastCloseCode(), 1000);
    // too late: the pair is gone
    bob.join(bob.seat());
    QVERIFY(b.has(u"error unknown_pair"_s));
    QCOMPARE(bob.state(), Client::State::Over);
}

void TestClient::errorsAndCancel()
{
    TestServer server;
    Client alice(server.url({})), again(server.url({})), bob(server.url({}));
    Recorder a(alice), x(again), b(bob);
    alice.enter(7, u"alice"_s);
    QVERIFY(a.has(u"queued"_s));
    again.enter(7, u"alice"_s);
    QVERIFY(x.has(u"error duplicate_user"_s));
    alice.cancel();
    QVERIFY(a.has(u"cancelled"_s));
    QCOMPARE(alice.state(), Client::State::Idle);
    QVERIFY(alice.isOpen());
    alice.cancel();
    QVERIFY(a.has(u"error not_queued"_s));
    bob.enter(7, u"bob"_s);
    QVERIFY(b.has(u"queued"_s)); // alice no longer waits
    alice.enter(7, u"alice"_s); // on the same connection
    QVERIFY(a.has(u"started"_s));
    QVERIFY(b.has(u"started"_s));
}

void TestClient::takeoverFromAnotherClient()
{
    TestServer server;
    Game g(server.url({}), 6);
    QVERIFY(g.start(6));
    Client alice2;
    Recorder a2(alice2);
    alice2.join(Seat::fromJson(g.alice.seat().toJson())); // as another process would
    QVERIFY(a2.has(u"started"_s));
    QVERIFY(g.a.has(u"disconnected 4001"_s));
    QCOMPARE(g.alice.state(), Client::State::Closed);
    QCOMPARE(g.alice.lastCloseReason(), u"replaced"_s);
    QCOMPARE(alice2.userId(), u"alice"_s);
    g.bob.move(u"hi"_s);
    QVERIFY(a2.has(u"moved bob \"hi\""_s));
    QVERIFY(!g.b.log.contains(u"opponentLeft"_s));
}

void TestClient::reconnectsIntoItsSeatAfterASilentDrop()
{
    Relayed g;
    QVERIFY(g.start(8));
    Client &alice = g.alice, &bob = g.bob;
    Recorder &a = g.a, &b = g.b;
    TcpRelay &relay = g.relay;
    alice.move(1);
    QVERIFY(b.has(u"moved alice 1"_s));
    QVERIFY(a.has(u"moved alice 1"_s));

    relay.cutClients(); // alice's network is gone; the server still holds her connection
    QVERIFY(a.has(u"disconnected 1006"_s));
    QCOMPARE(alice.state(), Client::State::Reconnecting);
    alice.move(2); // held until the seat is back
    QVERIFY(a.has(u"resumed"_s));
    QCOMPARE(alice.state(), Client::State::Playing);
    QVERIFY(b.has(u"moved alice 2"_s));
    QVERIFY(a.has(u"moved alice 2"_s));
    QCOMPARE(a.log.filter(u"started"_s).size(), 1); // not started twice
    bob.move(3);
    QVERIFY(a.has(u"moved bob 3"_s));
    QVERIFY(!b.log.contains(u"opponentLeft"_s)); // a takeover: bob heard nothing
    QCOMPARE(a.log.filter(u"reconnecting"_s), QStringList {u"reconnecting 1"_s});
}

void TestClient::givesUpWhenTheServerIsGone()
{
    quint16 port = 0;
    {
        TestServer gone;
        port = gone.port();
    }
    Client alice(QUrl(u"ws://127.0.0.1:%1"_s.arg(port)));
    alice.setReconnect(2, 10);
    Recorder a(alice);
    alice.enter(1, u"alice"_s);
    QVERIFY(waitUntil([&] { return alice.state() == Client::State::Closed; }));
    QCOMPARE(a.log,
        (QStringList {u"disconnected 1006"_s, u"reconnecting 1"_s, u"disconnected 1006"_s,
            u"reconnecting 2"_s, u"disconnected 1006"_s}));
}

// The server numbers moves (seq) and replays from lastSeq: a client whose network drops
// while its opponent moves reconnects into its seat with the last seq it saw and gets those
// moves, each once; what it had already is not shown twice.
void TestClient::resumesWithLastSeqWhereMovesAreNumbered()
{
    Relayed g;
    QVERIFY(g.start(9));
    Client &alice = g.alice, &bob = g.bob;
    Recorder &a = g.a, &b = g.b;
    TcpRelay &relay = g.relay;
    alice.move(1);
    QVERIFY(a.has(u"moved alice 1"_s));
    QCOMPARE(alice.lastSeq(), 1);

    relay.cutClients(); // alice's network is gone; the server still holds her connection
    QVERIFY(a.has(u"disconnected 1006"_s));
    bob.move(2); // sent to alice's old connection: lost on the way
    bob.move(3);
    QVERIFY(b.has(u"moved bob 3"_s));
    QVERIFY(a.has(u"resumed"_s));
    QVERIFY(a.has(u"moved bob 3"_s));
    QCOMPARE(a.moves(), (QStringList {u"moved alice 1"_s, u"moved bob 2"_s, u"moved bob 3"_s}));
    QCOMPARE(alice.lastSeq(), 3);
    QCOMPARE(a.log.filter(u"started"_s).size(), 1);
    alice.move(4);
    QVERIFY(b.has(u"moved alice 4"_s));
    QCOMPARE(bob.lastSeq(), 4);
    QCOMPARE(b.moves(),
        (QStringList {u"moved alice 1"_s, u"moved bob 2"_s, u"moved bob 3"_s, u"moved alice 4"_s}));
}

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
