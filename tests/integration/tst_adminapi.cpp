// The admin API (docs/admin-api.md): the bearer token checked before any WebSocket opens, the
// snapshot then ordered update batches, the commands and their results, and a stalled admin
// client dropped without slowing the players. The real AdminServer on 127.0.0.1 and a free
// port, next to the in-process player server.
#include "adminserver.h"
#include "historyrequests.h"
#include "historystore.h"
#include "memoryhistory.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"
#include "waituntil.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <functional>
#include <memory>
#include <vector>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr QByteArrayView kToken = "t0ken";

ServerConfig adminConfig()
{
    ServerConfig c = TestServer::defaultConfig();
    c.adminPort = 0;
    c.adminToken = kToken.toByteArray();
    return c;
}

// An admin API client over QWebSocket: records the first snapshot, every later snapshot,
// every update (unpacked from its batch, checked for seq order) and every command answer.
class AdminPeer final
{
public:
    AdminPeer()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
            [this](const QString &text) { onText(text); });
    }
    ~AdminPeer() { m_socket.abort(); }
    Q_DISABLE_COPY_MOVE(AdminPeer)

    // Opens with this Authorization header and waits for the first message.
    bool open(const AdminServer &admin, const QByteArray &authorization = "Bearer t0ken")
    {
        QNetworkRequest request(QUrl(admin.url()));
        request.setRawHeader("Authorization", authorization);
        m_socket.open(request);
        return waitUntil([this] { return !m_first.isEmpty(); });
    }

    QWebSocket &socket() { return m_socket; }
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    // The first message the server sent.
    const QJsonObject &first() const { return m_first; }
    QJsonObject lastSnapshot() const
    {
        return m_snapshots.isEmpty() ? QJsonObject() : m_snapshots.last();
    }
    qsizetype snapshotCount() const { return m_snapshots.size(); }

    void send(const QJsonObject &o) { m_socket.sendTextMessage(toText(o)); }
    void sendText(const QString &text) { m_socket.sendTextMessage(text); }

    // The next answer to a command (`result` or `error`); empty on timeout.
    QJsonObject reply(int timeoutMs = 5000)
    {
        if (!waitUntil([this] { return m_repliesTaken < m_replies.size(); }, timeoutMs))
            return {};
        return m_replies.at(m_repliesTaken++);
    }

    // The first update from index `from` on of this kind that satisfies pred, waiting for it;
    // empty on timeout. *at (if given) receives its index.
    QJsonObject waitUpdate(const QString &kind,
        const std::function<bool(const QJsonObject &)> &pred = {}, qsizetype from = 0,
        qsizetype *at = nullptr, int timeoutMs = 5000)
    {
        QJsonObject found;
        waitUntil(
            [&] {
                for (qsizetype i = from; i < m_updates.size(); ++i) {
                    const QJsonObject &u = m_updates.at(i);
                    if (u.value("kind"_L1).toString() == kind && (!pred || pred(u))) {
                        found = u;
                        if (at)
                            *at = i;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }
    const QList<QJsonObject> &updates() const { return m_updates; }
    int batchCount() const { return m_batches; }
    // The first breach of the update rules seen: a seq not one above the one before (the
    // snapshot's for the first), an empty batch, an update that is not {"command":"update"}.
    QString orderError() const { return m_orderError; }
    bool hasSeq() const { return m_haveSeq; }
    quint64 lastSeq() const { return m_lastSeq; }

private:
    void onText(const QString &text)
    {
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        if (m_first.isEmpty())
            m_first = o.isEmpty() ? QJsonObject {{u"unparsed"_s, text}} : o;
        const QString command = o.value("command"_L1).toString();
        if (command == "snapshot"_L1) {
            m_snapshots.append(o);
            m_lastSeq = quint64(o.value("seq"_L1).toDouble());
            m_haveSeq = true;
        } else if (command == "updates"_L1) {
            ++m_batches;
            const QJsonArray batch = o.value("updates"_L1).toArray();
            if (batch.isEmpty())
                noteError(u"an empty batch: %1"_s.arg(text));
            for (const QJsonValue v : batch) {
                const QJsonObject u = v.toObject();
                const auto seq = quint64(u.value("seq"_L1).toDouble());
                if (u.value("command"_L1).toString() != "update"_L1)
                    noteError(u"not an update: %1"_s.arg(toText(u)));
                if (!m_haveSeq)
                    noteError(u"an update before any snapshot: %1"_s.arg(toText(u)));
                else if (seq != m_lastSeq + 1)
                    noteError(u"seq %1 after %2: %3"_s.arg(seq).arg(m_lastSeq).arg(toText(u)));
                m_lastSeq = seq;
                m_updates.append(u);
            }
        } else {
            m_replies.append(o);
        }
    }
    void noteError(const QString &e)
    {
        if (m_orderError.isEmpty())
            m_orderError = e;
    }

    QWebSocket m_socket;
    QJsonObject m_first;
    QList<QJsonObject> m_snapshots;
    QList<QJsonObject> m_updates;
    QList<QJsonObject> m_replies;
    qsizetype m_repliesTaken = 0;
    int m_batches = 0;
    bool m_haveSeq = false;
    quint64 m_lastSeq = 0;
    QString m_orderError;
};

// The admin port next to a player server, as `--admin-port 0 --admin-token t0ken` sets up.
struct AdminSetup {
    explicit AdminSetup(const ServerConfig &config = adminConfig())
        : server(config)
        , admin(server.core(), server.config())
    {
        listening = server.isListening() && admin.listen();
    }
    TestServer server;
    AdminServer admin;
    bool listening = false;
};

// The admin API with the match history behind it, as ServerApp wires it (--history PATH):
// an SQLite file in a temporary directory, the core's record sink, answering `history`.
struct HistorySetup {
    HistorySetup()
        : store(HistoryStore::open(path(), &error))
        , setup(config())
    {
        if (store) {
            setup.server.core().setRecordSink(store.get());
            requests.setStore(store.get());
        }
        setup.admin.setHistory(&requests);
    }
    bool ready() const { return store && setup.listening; }
    QString path() const { return dir.filePath(u"history.sqlite"_s); }
    ServerConfig config() const
    {
        ServerConfig c = adminConfig();
        c.historyPath = path(); // as --history PATH: the core fills records of pairs over
        return c;
    }
    // Records a game and waits until the store has written it.
    bool record(MatchRecord game)
    {
        const quint64 before = store->written();
        store->record(std::move(game));
        return waitUntil([&] { return store->written() > before; });
    }

    QTemporaryDir dir;
    QString error;
    HistoryRequests requests;
    std::unique_ptr<HistoryStore> store;
    AdminSetup setup;
};

QJsonObject historyCommand(const QJsonObject &fields = {})
{
    QJsonObject o = fields;
    o.insert(u"command"_s, u"history"_s);
    return o;
}

// The pairIds of a history answer's rows, in order.
QStringList pairIdsOf(const QJsonObject &answer)
{
    QStringList ids;
    for (const QJsonValue v : answer.value("rows"_L1).toArray())
        ids << v.toObject().value("pairId"_L1).toString();
    return ids;
}

// The session of this player's connection in a snapshot or update array; empty if absent.
QJsonObject sessionOf(const QJsonArray &sessions, TestPlayer &player)
{
    for (const QJsonValue v : sessions) {
        if (v.toObject().value("remote"_L1).toString() == remoteOf(player))
            return v.toObject();
    }
    return {};
}

QJsonObject pairOf(const QJsonArray &pairs, const QByteArray &pairId)
{
    for (const QJsonValue v : pairs) {
        if (v.toObject().value("pairId"_L1).toString() == QLatin1StringView(pairId))
            return v.toObject();
    }
    return {};
}

// A JSON array sorted by one key, to compare two listings regardless of order.
QJsonArray sortedBy(const QJsonArray &array, QLatin1StringView key)
{
    QList<QJsonObject> items;
    for (const QJsonValue v : array)
        items.append(v.toObject());
    std::sort(items.begin(), items.end(), [&](const QJsonObject &a, const QJsonObject &b) {
        return a.value(key).toVariant().toString() < b.value(key).toVariant().toString();
    });
    QJsonArray out;
    for (const QJsonObject &o : items)
        out.append(o);
    return out;
}

QJsonObject kickCommand(qint64 sessionId)
{
    return {{u"command"_s, u"kick"_s}, {u"sessionId"_s, sessionId}};
}

QJsonObject expireCommand(const QByteArray &pairId)
{
    return {{u"command"_s, u"expire"_s}, {u"pairId"_s, QString::fromLatin1(pairId)}};
}

// A result answer of this action, with a message, and ok as expected.
QString checkResult(const QJsonObject &reply, const QString &action, bool ok)
{
    if (reply.value("command"_L1).toString() != "result"_L1
        || reply.value("action"_L1).toString() != action || reply.value("ok"_L1) != QJsonValue(ok)
        || reply.value("message"_L1).toString().isEmpty()) {
        return u"expected {\"command\":\"result\",\"action\":\"%1\",\"ok\":%2,\"message\":...}, "
               "got %3"_s.arg(action, ok ? u"true"_s : u"false"_s, toText(reply));
    }
    return {};
}

} // namespace

class TestAdminApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void authorized_data();
    void authorized();
    void refusedHandshake_data();
    void refusedHandshake();
    void acceptedHandshake_data();
    void acceptedHandshake();
    void refusalAsWebSocketClientSeesIt();
    void playerPortDoesNotServeAdmin();
    void snapshotMatchesState();
    void updatesFollowInOrder();
    void snapshotCommand();
    void kick();
    void kickUnknownSession();
    void expire();
    void expireRefused();
    void drainAndUndrain();
    void malformedCommand_data();
    void malformedCommand();
    void closeEndsClients();
    void anotherClientsSnapshotDoesNotHideMoves();
    void stalledClientIsDropped();
    void historyOff();
    void historyPaging();
    void historyFilter();
    void historyWithMoves();
    void historyBadQuery_data();
    void historyBadQuery();
    void historyAnswersOnlyTheAsker();
    void historyOfRealGames();
};

void TestAdminApi::authorized_data()
{
    QTest::addColumn<QByteArray>("presented");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("expected");
    QTest::newRow("right token") << QByteArray("Bearer t0ken") << QByteArray("t0ken") << true;
    QTest::newRow("scheme lower case") << QByteArray("bearer t0ken") << QByteArray("t0ken") << true;
    QTest::newRow("scheme upper case") << QByteArray("BEARER t0ken") << QByteArray("t0ken") << true;
    QTest::newRow("scheme mixed case") << QByteArray("bEaReR t0ken") << QByteArray("t0ken") << true;
    QTest::newRow("wrong token, same length")
        << QByteArray("Bearer t0kem") << QByteArray("t0ken") << false;
    QTest::newRow("wrong first byte") << QByteArray("Bearer 00ken") << QByteArray("t0ken") << false;
    QTest::newRow("token case differs")
        << QByteArray("Bearer T0KEN") << QByteArray("t0ken") << false;
    QTest::newRow("prefix of the token")
        << QByteArray("Bearer t0ke") << QByteArray("t0ken") << false;
    QTest::newRow("token plus more") << QByteArray("Bearer t0ken0") << QByteArray("t0ken") << false;
    QTest::newRow("token plus NUL")
        << QByteArray("Bearer t0ken\0", 13) << QByteArray("t0ken") << false;
    QTest::newRow("token without scheme") << QByteArray("t0ken") << QByteArray("t0ken") << false;
    QTest::newRow("Basic scheme") << QByteArray("Basic t0ken") << QByteArray("t0ken") << false;
    QTest::newRow("scheme without space")
        << QByteArray("Bearert0ken") << QByteArray("t0ken") << false;
    QTest::newRow("scheme only") << QByteArray("Bearer ") << QByteArray("t0ken") << false;
    QTest::newRow("nothing presented") << QByteArray() << QByteArray("t0ken") << false;
    QTest::newRow("empty token, scheme only") << QByteArray("Bearer ") << QByteArray() << false;
    QTest::newRow("empty token, something") << QByteArray("Bearer x") << QByteArray() << false;
    QTest::newRow("empty token, nothing") << QByteArray() << QByteArray() << false;
    QTest::newRow("empty token, scheme without space")
        << QByteArray("Bearer") << QByteArray() << false;
}

void TestAdminApi::authorized()
{
    QFETCH(QByteArray, presented);
    QFETCH(QByteArray, token);
    QFETCH(bool, expected);
    QCOMPARE(AdminServer::authorized(presented, token), expected);
}

void TestAdminApi::refusedHandshake_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("no Authorization") << upgradeRequest("/admin") << 401;
    QTest::newRow("wrong token, same length") << upgradeRequest("/admin", "Bearer t0kem") << 401;
    QTest::newRow("wrong token, shorter") << upgradeRequest("/admin", "Bearer t0k") << 401;
    QTest::newRow("wrong token, longer")
        << upgradeRequest("/admin", "Bearer t0ken-and-more") << 401;
    QTest::newRow("Basic scheme") << upgradeRequest("/admin", "Basic t0ken") << 401;
    QTest::newRow("Basic credentials") << upgradeRequest("/admin", "Basic dXNlcjp0MGtlbg==") << 401;
    QTest::newRow("token without scheme") << upgradeRequest("/admin", "t0ken") << 401;
    QTest::newRow("scheme only") << upgradeRequest("/admin", "Bearer") << 401;
    QTest::newRow("empty Authorization") << upgradeRequest("/admin", "") << 401;
    QTest::newRow("token in the query") << upgradeRequest("/admin?token=t0ken") << 401;
    QTest::newRow("other path, right token") << upgradeRequest("/other", "Bearer t0ken") << 404;
    QTest::newRow("root, right token") << upgradeRequest("/", "Bearer t0ken") << 404;
    QTest::newRow("admin prefix") << upgradeRequest("/administrator", "Bearer t0ken") << 404;
    QTest::newRow("below admin") << upgradeRequest("/admin/x", "Bearer t0ken") << 404;
    QTest::newRow("player path") << upgradeRequest("/ws/matching/1", "Bearer t0ken") << 404;
    QTest::newRow("other path, no token") << upgradeRequest("/other") << 404;
    QTest::newRow("POST") << upgradeRequest("/admin", "Bearer t0ken", "POST") << 400;
}

void TestAdminApi::refusedHandshake()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    AdminSetup setup;
    QVERIFY(setup.listening);
    const HttpAnswer answer = httpExchange(setup.admin.port(), request);
    QVERIFY2(answer.status() == status,
        qPrintable(u"expected HTTP %1, got '%2'"_s.arg(status).arg(
            QString::fromLatin1(answer.statusLine()))));
    if (status == 401) {
        QVERIFY2(answer.head.contains("\r\nWWW-Authenticate: Bearer realm=\"pairmatch\"\r\n"),
            answer.head.constData());
    }
    QVERIFY2(answer.closedByServer, "the server kept the refused connection open");
    QCOMPARE(setup.admin.clientCount(), 0);
}

void TestAdminApi::acceptedHandshake_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("/admin") << upgradeRequest("/admin", "Bearer t0ken");
    QTest::newRow("/admin/") << upgradeRequest("/admin/", "Bearer t0ken");
    QTest::newRow("/admin with a query") << upgradeRequest("/admin?x=1", "Bearer t0ken");
    QTest::newRow("scheme lower case") << upgradeRequest("/admin", "bearer t0ken");
    QTest::newRow("spaces around the value") << upgradeRequest("/admin", "   Bearer t0ken   ");
}

void TestAdminApi::acceptedHandshake()
{
    QFETCH(QByteArray, request);
    AdminSetup setup;
    QVERIFY(setup.listening);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, setup.admin.port());
    QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
    socket.write(request);
    QByteArray received;
    QTRY_VERIFY((received += socket.readAll()).contains("\r\n\r\n"));
    QVERIFY2(received.startsWith("HTTP/1.1 101 "), received.constData());
    QTRY_COMPARE(setup.admin.clientCount(), 1);
    socket.abort();
    QTRY_COMPARE(setup.admin.clientCount(), 0);
}

void TestAdminApi::refusalAsWebSocketClientSeesIt()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    for (const QByteArray &authorization :
        {QByteArray("Bearer wrong"), QByteArray("Basic t0ken"), QByteArray()}) {
        QWebSocket socket;
        QNetworkRequest request(QUrl(setup.admin.url()));
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        bool connected = false;
        QObject::connect(&socket, &QWebSocket::connected, &socket, [&] { connected = true; });
        socket.open(request);
        QTRY_VERIFY(socket.error() != QAbstractSocket::UnknownSocketError);
        QVERIFY2(socket.errorString().contains(u"401"_s), qPrintable(socket.errorString()));
        QVERIFY(!connected);
        QCOMPARE(setup.admin.clientCount(), 0);
    }
}

void TestAdminApi::playerPortDoesNotServeAdmin()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    QVERIFY(setup.server.port() != setup.admin.port());
    const HttpAnswer answer
        = httpExchange(setup.server.port(), upgradeRequest("/admin", "Bearer t0ken"));
    QVERIFY2(answer.status() == 404, answer.statusLine().constData());
    TestPlayer player;
    QCOMPARE(player.openExpectingRefusal(setup.server.url(u"/admin"_s)), 404);
    QCOMPARE(setup.admin.clientCount(), 0);
    QCOMPARE(setup.server.core().connectionCount(), 0);
}

void TestAdminApi::snapshotMatchesState()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    TestServer &server = setup.server;
    // a waiting player, a started pair, a pair nobody sits in yet
    TestPlayer walt;
    QVERIFY(walt.open(server.matchingUrl(4)));
    walt.entry(u"walt"_s);
    QVERIFY2(walt.expect(u"entried"_s), qPrintable(walt.lastMismatch()));
    PairSetup started(server, 2, u"ann"_s, u"ben"_s);
    PM_OK(started.start());
    PM_OK(started.move(true, 1));
    PairSetup issued(server, 3, u"cat"_s, u"dan"_s);
    PM_OK(issued.match());

    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    const QJsonObject snap = peer.first();
    QCOMPARE(snap.value("command"_L1).toString(), u"snapshot"_s);
    QVERIFY(snap.value("seq"_L1).isDouble());
    QCOMPARE(snap.value("draining"_L1), QJsonValue(false));

    // the same as the core's own view, taken now (no traffic since)
    const QJsonObject core = toJson(server.core().view().snapshot());
    QCOMPARE(snap.value("seq"_L1), core.value("seq"_L1));
    QCOMPARE(sortedBy(snap.value("sessions"_L1).toArray(), "id"_L1),
        sortedBy(core.value("sessions"_L1).toArray(), "id"_L1));
    QCOMPARE(snap.value("queue"_L1).toArray(), core.value("queue"_L1).toArray());
    QCOMPARE(sortedBy(snap.value("pairs"_L1).toArray(), "pairId"_L1),
        sortedBy(core.value("pairs"_L1).toArray(), "pairId"_L1));

    // and what the test knows of the traffic
    const QJsonArray sessions = snap.value("sessions"_L1).toArray();
    QCOMPARE(sessions.size(), 7); // walt, 2 x (matching + round), 2 x matching
    const QJsonObject waltSession = sessionOf(sessions, walt);
    QCOMPARE(waltSession.value("userId"_L1).toString(), u"walt"_s);
    QCOMPARE(waltSession.value("path"_L1).toString(), u"/ws/matching/4"_s);
    QCOMPARE(waltSession.value("endpoint"_L1).toString(), u"matching"_s);
    QCOMPARE(waltSession.value("in"_L1).toInt(), 1);
    QCOMPARE(waltSession.value("out"_L1).toInt(), 1);

    const QJsonArray queue = snap.value("queue"_L1).toArray();
    QCOMPARE(queue.size(), 1);
    QCOMPARE(queue.at(0)[u"userId"_s].toString(), u"walt"_s);
    QCOMPARE(queue.at(0)[u"type"_s].toInt(), 4);
    QCOMPARE(queue.at(0)[u"sessionId"_s], waltSession.value("id"_L1));

    const QJsonArray pairs = snap.value("pairs"_L1).toArray();
    QCOMPARE(pairs.size(), 2);
    const QJsonObject s = pairOf(pairs, started.pairId);
    QCOMPARE(s.value("state"_L1).toString(), u"started"_s);
    QCOMPARE(s.value("type"_L1).toInt(), 2);
    QCOMPARE(s.value("users"_L1).toArray(), (QJsonArray {u"ben"_s, u"ann"_s}));
    QCOMPARE(s.value("moves"_L1).toInt(), 1);
    QCOMPARE(s.value("prepareDeadline"_L1).toInteger(), qint64(-1));
    const QJsonArray seats = s.value("seats"_L1).toArray();
    QCOMPARE(seats.at(0), sessionOf(sessions, started.newcomerRound).value("id"_L1));
    QCOMPARE(seats.at(1), sessionOf(sessions, started.waiterRound).value("id"_L1));
    QCOMPARE(sessionOf(sessions, started.waiterRound).value("path"_L1).toString(),
        u"/ws/round/"_s + QString::fromLatin1(started.pairId));
    QCOMPARE(sessionOf(sessions, started.waiterRound).value("userId"_L1).toString(), u"ann"_s);
    const QJsonObject i = pairOf(pairs, issued.pairId);
    QCOMPARE(i.value("state"_L1).toString(), u"issued"_s);
    QCOMPARE(i.value("seats"_L1).toArray(), (QJsonArray {0, 0}));
    QVERIFY(i.value("prepareDeadline"_L1).toInteger() > i.value("issuedAt"_L1).toInteger());

    // the match events are in the log
    int matches = 0;
    for (const QJsonValue e : snap.value("events"_L1).toArray())
        matches += e[u"kind"_s].toString() == "match"_L1;
    QCOMPARE(matches, 2);
}

void TestAdminApi::updatesFollowInOrder()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    TestServer &server = setup.server;
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    QCOMPARE(peer.first().value("command"_L1).toString(), u"snapshot"_s);
    const auto snapSeq = quint64(peer.first().value("seq"_L1).toDouble());

    TestPlayer nina;
    QVERIFY(nina.open(server.matchingUrl(9)));
    qsizetype openedAt = -1;
    const QJsonObject opened = peer.waitUpdate(
        u"sessionOpened"_s,
        [&](const QJsonObject &u) { return u[u"session"_s][u"remote"_s] == remoteOf(nina); }, 0,
        &openedAt);
    QVERIFY2(!opened.isEmpty(), "no sessionOpened for a new player");
    const QJsonObject session = opened.value("session"_L1).toObject();
    const QJsonValue ninaId = session.value("id"_L1);
    QCOMPARE(session.value("path"_L1).toString(), u"/ws/matching/9"_s);
    QCOMPARE(session.value("endpoint"_L1).toString(), u"matching"_s);
    QVERIFY(quint64(opened.value("seq"_L1).toDouble()) > snapSeq);
    const int batchesBefore = peer.batchCount();

    nina.entry(u"nina"_s);
    QVERIFY2(nina.expect(u"entried"_s), qPrintable(nina.lastMismatch()));
    qsizetype joinedAt = -1;
    const QJsonObject joined = peer.waitUpdate(u"queueJoined"_s, {}, openedAt, &joinedAt);
    QVERIFY2(!joined.isEmpty(), "no queueJoined");
    QCOMPARE(joined[u"entry"_s][u"userId"_s].toString(), u"nina"_s);
    QCOMPARE(joined[u"entry"_s][u"type"_s].toInt(), 9);
    QCOMPARE(joined[u"entry"_s][u"sessionId"_s], ninaId);

    TestPlayer otto;
    QVERIFY(otto.open(server.matchingUrl(9)));
    otto.entry(u"otto"_s);
    QJsonObject prepare;
    QVERIFY2(nina.expect(u"prepare"_s, &prepare), qPrintable(nina.lastMismatch()));
    const QString pairId = prepare.value("pairId"_L1).toString();
    const QJsonObject left = peer.waitUpdate(
        u"queueLeft"_s, [&](const QJsonObject &u) { return u[u"sessionId"_s] == ninaId; },
        joinedAt);
    QVERIFY2(!left.isEmpty(), "no queueLeft for the matched waiter");
    qsizetype pairAt = -1;
    const QJsonObject pair = peer.waitUpdate(
        u"pairChanged"_s, [&](const QJsonObject &u) { return u[u"pair"_s][u"pairId"_s] == pairId; },
        joinedAt, &pairAt);
    QVERIFY2(!pair.isEmpty(), "no pairChanged for the new pair");
    QCOMPARE(pair[u"pair"_s][u"state"_s].toString(), u"issued"_s);
    QCOMPARE(pair[u"pair"_s][u"users"_s].toArray(), (QJsonArray {u"otto"_s, u"nina"_s}));
    QCOMPARE(pair[u"pair"_s][u"type"_s].toInt(), 9);
    const QJsonObject match = peer.waitUpdate(
        u"event"_s, [&](const QJsonObject &u) { return u[u"event"_s][u"kind"_s] == u"match"_s; },
        joinedAt);
    QVERIFY2(!match.isEmpty(), "no match event");
    QCOMPARE(match[u"event"_s][u"userId"_s].toString(), u"otto"_s);
    QCOMPARE(match[u"event"_s][u"otherUserId"_s].toString(), u"nina"_s);
    QCOMPARE(match[u"event"_s][u"pairId"_s].toString(), pairId);

    nina.close();
    QVERIFY(nina.waitClosed());
    const QJsonObject closed = peer.waitUpdate(
        u"sessionClosed"_s, [&](const QJsonObject &u) { return u[u"sessionId"_s] == ninaId; },
        pairAt);
    QVERIFY2(!closed.isEmpty(), "no sessionClosed");

    // every update once, seq one above the one before, from the snapshot's on
    QVERIFY2(peer.orderError().isEmpty(), qPrintable(peer.orderError()));
    QVERIFY(peer.batchCount() > batchesBefore); // the steps above came in several batches
    QVERIFY(peer.updates().first().value("seq"_L1).toDouble() == double(snapSeq + 1));
}

void TestAdminApi::snapshotCommand()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    TestPlayer walt;
    QVERIFY(walt.open(setup.server.matchingUrl(4)));
    walt.entry(u"walt"_s);
    QVERIFY2(walt.expect(u"entried"_s), qPrintable(walt.lastMismatch()));
    QVERIFY(!peer.waitUpdate(u"queueJoined"_s).isEmpty());

    peer.send({{u"command"_s, u"snapshot"_s}});
    QTRY_COMPARE(peer.snapshotCount(), 2);
    const QJsonObject snap = peer.lastSnapshot();
    QCOMPARE(snap.value("queue"_L1).toArray().size(), 1);
    QCOMPARE(snap.value("queue"_L1).toArray().at(0)[u"userId"_s].toString(), u"walt"_s);
    // updates go on from its seq (orderError() below)
    walt.close();
    QVERIFY(!peer.waitUpdate(u"queueLeft"_s).isEmpty());
    QVERIFY2(peer.orderError().isEmpty(), qPrintable(peer.orderError()));
}

void TestAdminApi::kick()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    PairSetup pair(setup.server, 1, u"ann"_s, u"ben"_s);
    PM_OK(pair.start());
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    const QJsonObject p = pairOf(peer.first().value("pairs"_L1).toArray(), pair.pairId);
    const qint64 annSeat = p.value("seats"_L1).toArray().at(1).toInteger(); // [newcomer, waiter]
    QCOMPARE(annSeat,
        sessionOf(peer.first().value("sessions"_L1).toArray(), pair.waiterRound)
            .value("id"_L1)
            .toInteger());

    peer.send(kickCommand(annSeat));
    PM_OK(checkResult(peer.reply(), u"kick"_s, true));
    QVERIFY(pair.waiterRound.waitClosed());
    QCOMPARE(pair.waiterRound.closeCode(), 4000);
    QCOMPARE(pair.waiterRound.closeReason(), u"kicked by operator"_s);
    QVERIFY2(pair.newcomerRound.expect(u"none"_s), qPrintable(pair.newcomerRound.lastMismatch()));
    QVERIFY(pair.newcomerRound.sync());
    QCOMPARE(pair.newcomerRound.pendingCount(), 0);

    const auto isAnn = [&](const QJsonObject &u) {
        return u[u"event"_s][u"kind"_s] == u"kick"_s && u[u"event"_s][u"sessionId"_s] == annSeat;
    };
    const QJsonObject event = peer.waitUpdate(u"event"_s, isAnn);
    QVERIFY2(!event.isEmpty(), "no kick event");
    QCOMPARE(event[u"event"_s][u"userId"_s].toString(), u"ann"_s);
    const QJsonObject disconnect = peer.waitUpdate(u"disconnect"_s,
        [&](const QJsonObject &u) { return u[u"disconnect"_s][u"sessionId"_s] == annSeat; });
    QVERIFY2(!disconnect.isEmpty(), "no disconnect record");
    QCOMPARE(disconnect[u"disconnect"_s][u"code"_s].toInt(), 4000);
    QVERIFY(!peer.waitUpdate(u"sessionClosed"_s,
                     [&](const QJsonObject &u) { return u[u"sessionId"_s] == annSeat; })
                 .isEmpty());
    QVERIFY(!peer.waitUpdate(u"pairChanged"_s,
                     [&](const QJsonObject &u) { return u[u"pair"_s][u"outcome"_s] == u"none"_s; })
                 .isEmpty());
    QVERIFY2(peer.orderError().isEmpty(), qPrintable(peer.orderError()));

    // a second kick of the same session finds nothing to do
    peer.send(kickCommand(annSeat));
    PM_OK(checkResult(peer.reply(), u"kick"_s, false));
}

void TestAdminApi::kickUnknownSession()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    TestPlayer walt;
    QVERIFY(walt.open(setup.server.matchingUrl(4)));
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    peer.send(kickCommand(999'999));
    PM_OK(checkResult(peer.reply(), u"kick"_s, false));
    // 0 is no session id at all: a bad request, not a failed kick
    peer.send(kickCommand(0));
    const QJsonObject reply = peer.reply();
    QCOMPARE(reply.value(u"command"_s).toString(), u"error"_s);
    QCOMPARE(reply.value(u"code"_s).toString(), u"bad_request"_s);
    QVERIFY(walt.sync());
    QVERIFY(walt.isOpen());
}

void TestAdminApi::expire()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    PairSetup pair(setup.server, 1, u"ann"_s, u"ben"_s);
    PM_OK(pair.match());
    PM_OK(pair.seatWaiter());
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    QCOMPARE(
        pairOf(peer.first().value("pairs"_L1).toArray(), pair.pairId).value("state"_L1).toString(),
        u"waiting"_s);

    peer.send(expireCommand(pair.pairId));
    PM_OK(checkResult(peer.reply(), u"expire"_s, true));
    QVERIFY2(pair.waiterRound.expect(u"invalid"_s), qPrintable(pair.waiterRound.lastMismatch()));
    QVERIFY(pair.waiterRound.waitClosed());
    QCOMPARE(pair.waiterRound.closeCode(), 1000);

    const QJsonObject event = peer.waitUpdate(
        u"event"_s, [](const QJsonObject &u) { return u[u"event"_s][u"kind"_s] == u"expire"_s; });
    QVERIFY2(!event.isEmpty(), "no expire event");
    QCOMPARE(event[u"event"_s][u"pairId"_s].toString(), QString::fromLatin1(pair.pairId));
    QVERIFY(!peer.waitUpdate(u"pairRemoved"_s,
                     [&](const QJsonObject &u) {
                         return u[u"pairId"_s].toString() == QLatin1StringView(pair.pairId);
                     })
                 .isEmpty());
    QVERIFY2(peer.orderError().isEmpty(), qPrintable(peer.orderError()));

    // the pair is gone for players too
    TestPlayer late;
    QVERIFY(late.open(setup.server.roundUrl(pair.pairId)));
    late.prepared(u"ben"_s, pair.newcomerToken);
    QVERIFY2(late.expectError(u"unknown_pair"_s), qPrintable(late.lastMismatch()));
}

void TestAdminApi::expireRefused()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    PairSetup pair(setup.server, 1, u"ann"_s, u"ben"_s);
    PM_OK(pair.start());
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    peer.send(expireCommand(pair.pairId)); // started: its prepare timeout no longer applies
    PM_OK(checkResult(peer.reply(), u"expire"_s, false));
    peer.send(expireCommand("no-such-pair"));
    PM_OK(checkResult(peer.reply(), u"expire"_s, false));
    PM_OK(pair.move(false, u"still playing"_s));
}

void TestAdminApi::drainAndUndrain()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    TestServer &server = setup.server;
    TestPlayer walt;
    QVERIFY(walt.open(server.matchingUrl(6)));
    walt.entry(u"walt"_s);
    QVERIFY2(walt.expect(u"entried"_s), qPrintable(walt.lastMismatch()));
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));

    peer.send({{u"command"_s, u"drain"_s}});
    PM_OK(checkResult(peer.reply(), u"drain"_s, true));
    const QJsonObject draining = peer.waitUpdate(u"draining"_s);
    QCOMPARE(draining.value("draining"_L1), QJsonValue(true));
    QVERIFY(!peer.waitUpdate(u"event"_s,
                     [](const QJsonObject &u) { return u[u"event"_s][u"kind"_s] == u"drain"_s; })
                 .isEmpty());
    peer.send({{u"command"_s, u"drain"_s}}); // again: nothing changes, still answered
    PM_OK(checkResult(peer.reply(), u"drain"_s, true));

    TestPlayer xena;
    QVERIFY(xena.open(server.matchingUrl(6)));
    xena.entry(u"xena"_s);
    QVERIFY2(xena.expectError(u"draining"_s), qPrintable(xena.lastMismatch()));
    QVERIFY(walt.sync());
    QCOMPARE(walt.pendingCount(), 0); // not matched with anyone
    peer.send({{u"command"_s, u"snapshot"_s}});
    QTRY_COMPARE(peer.snapshotCount(), 2);
    QCOMPARE(peer.lastSnapshot().value("draining"_L1), QJsonValue(true));
    const QJsonArray queue = peer.lastSnapshot().value("queue"_L1).toArray();
    QCOMPARE(queue.size(), 1);
    QCOMPARE(queue.at(0)[u"userId"_s].toString(), u"walt"_s);

    peer.send({{u"command"_s, u"undrain"_s}});
    PM_OK(checkResult(peer.reply(), u"undrain"_s, true));
    QVERIFY(!peer.waitUpdate(u"draining"_s,
                     [](const QJsonObject &u) { return u[u"draining"_s] == QJsonValue(false); })
                 .isEmpty());
    xena.entry(u"xena"_s);
    QVERIFY2(xena.expect(u"prepare"_s), qPrintable(xena.lastMismatch()));
    QVERIFY2(walt.expect(u"prepare"_s), qPrintable(walt.lastMismatch()));
    QVERIFY2(peer.orderError().isEmpty(), qPrintable(peer.orderError()));
}

void TestAdminApi::malformedCommand_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("code");
    QTest::newRow("not JSON") << u"hello"_s << u"bad_json"_s;
    QTest::newRow("truncated JSON") << u"{\"command\":\"kick\""_s << u"bad_json"_s;
    QTest::newRow("array") << u"[\"kick\"]"_s << u"bad_json"_s;
    QTest::newRow("empty object") << u"{}"_s << u"bad_json"_s;
    QTest::newRow("command not a string") << u"{\"command\":5}"_s << u"bad_json"_s;
    QTest::newRow("empty command") << u"{\"command\":\"\"}"_s << u"bad_json"_s;
    QTest::newRow("unknown command") << u"{\"command\":\"reboot\"}"_s << u"unknown_command"_s;
    QTest::newRow("player command") << u"{\"command\":\"entry\"}"_s << u"unknown_command"_s;
    QTest::newRow("kick without id") << u"{\"command\":\"kick\"}"_s << u"bad_request"_s;
    QTest::newRow("kick, id a string")
        << u"{\"command\":\"kick\",\"sessionId\":\"1\"}"_s << u"bad_request"_s;
    QTest::newRow("kick, id null")
        << u"{\"command\":\"kick\",\"sessionId\":null}"_s << u"bad_request"_s;
    QTest::newRow("expire without id") << u"{\"command\":\"expire\"}"_s << u"bad_request"_s;
    QTest::newRow("expire, id a number")
        << u"{\"command\":\"expire\",\"pairId\":7}"_s << u"bad_request"_s;
    QTest::newRow("expire, id empty")
        << u"{\"command\":\"expire\",\"pairId\":\"\"}"_s << u"bad_request"_s;
}

void TestAdminApi::malformedCommand()
{
    QFETCH(QString, text);
    QFETCH(QString, code);
    AdminSetup setup;
    QVERIFY(setup.listening);
    TestPlayer walt;
    QVERIFY(walt.open(setup.server.matchingUrl(4)));
    AdminPeer peer;
    QVERIFY(peer.open(setup.admin));
    peer.sendText(text);
    const QJsonObject reply = peer.reply();
    QVERIFY2(reply.value("command"_L1).toString() == "error"_L1
            && reply.value("code"_L1).toString() == code
            && !reply.value("message"_L1).toString().isEmpty(),
        qPrintable(u"expected error %1, got %2"_s.arg(code, toText(reply))));
    // nothing happened, and the connection goes on
    QVERIFY(walt.sync());
    QVERIFY(walt.isOpen());
    QVERIFY(!setup.server.core().isDraining());
    peer.send({{u"command"_s, u"snapshot"_s}});
    QTRY_COMPARE(peer.snapshotCount(), 2);
    QVERIFY(peer.isOpen());
}

void TestAdminApi::closeEndsClients()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    AdminPeer a, b;
    QVERIFY(a.open(setup.admin));
    QVERIFY(b.open(setup.admin));
    QCOMPARE(setup.admin.clientCount(), 2);
    const quint16 port = setup.admin.port();
    setup.admin.close();
    QCOMPARE(setup.admin.clientCount(), 0);
    QTRY_COMPARE(a.socket().state(), QAbstractSocket::UnconnectedState);
    QTRY_COMPARE(b.socket().state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(int(a.socket().closeCode()), 1001);
    // and the port is no longer served
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
}

// Moves are reported once a second, for the pairs whose count changed since the last report.
// A snapshot taken for one client must not count as that report for the others.
void TestAdminApi::anotherClientsSnapshotDoesNotHideMoves()
{
    AdminSetup setup;
    QVERIFY(setup.listening);
    PairSetup pair(setup.server, 1, u"ann"_s, u"ben"_s);
    PM_OK(pair.start());
    AdminPeer first;
    QVERIFY(first.open(setup.admin));
    // right after a stats tick, so that the next one is about a second away
    qsizetype at = 0;
    QVERIFY(!first.waitUpdate(u"stats"_s, {}, 0, &at, 3000).isEmpty());
    PM_OK(pair.move(true, 1));
    PM_OK(pair.move(false, 2));
    PM_OK(pair.move(true, 3));

    AdminPeer second; // its snapshot shows the three moves
    QVERIFY(second.open(setup.admin));
    QCOMPARE(
        pairOf(second.first().value("pairs"_L1).toArray(), pair.pairId).value("moves"_L1).toInt(),
        3);

    // the first client was told of the pair when it started, never of the moves: it must
    // learn of them at the next once-a-second report
    const QJsonObject moved = first.waitUpdate(
        u"pairChanged"_s,
        [&](const QJsonObject &u) {
            return u[u"pair"_s][u"pairId"_s].toString() == QLatin1StringView(pair.pairId)
                && u[u"pair"_s][u"moves"_s].toInt() == 3;
        },
        at, nullptr, 3000);
    QVERIFY2(!moved.isEmpty(),
        "the first admin client never learned of the 3 moves: the second client's snapshot "
        "marked them as reported (ServerCore::snapshot sets Pair::movesReported)");
}

void TestAdminApi::stalledClientIsDropped()
{
    ServerConfig config = adminConfig();
    config.prepareTimeoutMs = 2000; // pairs nobody sits in time out, and make more updates
    config.adminMaxBacklogBytes = 64 * 1024; // what the kernel holds comes on top of this
    AdminSetup setup(config);
    QVERIFY(setup.listening);
    TestServer &server = setup.server;

    // a pair that keeps playing throughout
    PairSetup relay(server, 1, u"ann"_s, u"ben"_s);
    PM_OK(relay.start());
    int moves = 0;

    // an admin client that reads, and one that does not
    AdminPeer healthy;
    QVERIFY(healthy.open(setup.admin));
    QTcpSocket stalled;
    // the socket exists once bound: the small kernel buffer then applies from the handshake on
    QVERIFY(stalled.bind(QHostAddress::LocalHost, 0));
    stalled.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    const int receiveBuffer
        = stalled.socketOption(QAbstractSocket::ReceiveBufferSizeSocketOption).toInt();
    QVERIFY2(
        receiveBuffer > 0 && receiveBuffer <= 16384, qPrintable(QString::number(receiveBuffer)));
    stalled.setReadBufferSize(4096);
    stalled.connectToHost(QHostAddress::LocalHost, setup.admin.port());
    QTRY_COMPARE(stalled.state(), QAbstractSocket::ConnectedState);
    stalled.write(upgradeRequest("/admin", "Bearer t0ken"));
    QByteArray head;
    QVERIFY(waitUntil([&] {
        while (!head.endsWith("\r\n\r\n") && stalled.bytesAvailable() > 0)
            head += stalled.read(1); // not a byte more than the head
        return head.endsWith("\r\n\r\n");
    }));
    QVERIFY2(head.startsWith("HTTP/1.1 101 "), head.constData());
    QTRY_COMPARE(setup.admin.clientCount(), 2);
    // from here on it never reads

    // updates in bulk: players that connect, match and leave (their pairs time out), and a
    // player whose every bad message is an `error` event with a long userId and pairId
    const QString longId = u"x"_s.repeated(64);
    TestPlayer noisy;
    QVERIFY(noisy.open(server.roundUrl(QByteArray(128, 'p'))));
    noisy.prepared(longId, u"nope"_s);
    QVERIFY2(noisy.expectError(u"unknown_pair"_s), qPrintable(noisy.lastMismatch()));

    constexpr int kMaxConnections = 2000;
    constexpr int kChurnPerRound = 8;
    constexpr int kNoisePerRound = 400;
    int connections = 0;
    int round = 0;
    QDeadlineTimer deadline(120'000); // a bound on a slow machine, not a measure
    while (setup.admin.clientCount() > 1 && !deadline.hasExpired()
        && connections + kChurnPerRound <= kMaxConnections) {
        ++round;
        std::vector<std::unique_ptr<TestPlayer>> churn;
        for (int i = 0; i < kChurnPerRound; ++i) {
            churn.push_back(std::make_unique<TestPlayer>());
            churn.back()->socket().open(server.matchingUrl(100 + round % 7));
        }
        connections += kChurnPerRound;
        QVERIFY(waitUntil([&] {
            return std::all_of(
                churn.begin(), churn.end(), [](const auto &p) { return p->isOpen(); });
        }));
        for (int i = 0; i < kChurnPerRound; ++i)
            churn[std::size_t(i)]->entry(
                u"churn-%1-%2-"_s.arg(round).arg(i).leftJustified(64, u'c'));
        for (const auto &p : churn) {
            // `entried` first for whoever waited, then `prepare` for all
            QJsonObject m = p->next();
            if (m.value("command"_L1).toString() == "entried"_L1)
                m = p->next();
            QVERIFY2(m.value("command"_L1).toString() == "prepare"_L1, qPrintable(toText(m)));
        }
        for (int i = 0; i < kNoisePerRound; ++i)
            noisy.sendText(u"not json"_s);
        QVERIFY(noisy.sync(10'000));
        noisy.takeAll();
        for (const auto &p : churn)
            p->close();
        PM_OK(relay.move(moves % 2 == 0, moves));
        ++moves;
    }
    QVERIFY2(setup.admin.clientCount() == 1,
        qPrintable(u"the stalled admin client was not dropped after %1 connections, %2 bad "
                   "messages"_s.arg(connections)
                       .arg(round * kNoisePerRound)));
    qInfo("dropped after %d rounds: %d connections, %d bad messages, %d moves", round, connections,
        round * kNoisePerRound, moves);

    // its TCP connection ends (once it reads again, it finds the end)
    stalled.setReadBufferSize(0);
    QVERIFY(waitUntil([&] {
        stalled.readAll();
        return stalled.state() == QAbstractSocket::UnconnectedState;
    }));

    // the reader kept up, and was told everything in order
    QVERIFY(healthy.isOpen());
    QVERIFY2(healthy.orderError().isEmpty(), qPrintable(healthy.orderError()));
    QVERIFY(healthy.updates().size() > round * kNoisePerRound);

    // the players play on
    for (int i = 0; i < 10; ++i, ++moves)
        PM_OK(relay.move(moves % 2 == 0, moves));
    QCOMPARE(
        pairOf(toJson(server.core().view().snapshot()).value("pairs"_L1).toArray(), relay.pairId)
            .value("moves"_L1)
            .toInt(),
        moves);
}

// No history (--history off): every query is answered, with a page that says so.
void TestAdminApi::historyOff()
{
    AdminSetup bare; // no history at all, as an AdminServer made without one
    QVERIFY(bare.listening);
    HistoryRequests off; // a server whose history is off (ServerApp without a store)
    AdminSetup withRequests;
    QVERIFY(withRequests.listening);
    withRequests.admin.setHistory(&off);
    for (AdminSetup *setup : {&bare, &withRequests}) {
        AdminPeer peer;
        QVERIFY(peer.open(setup->admin));
        peer.send(historyCommand({{u"userId"_s, u"alice"_s}, {u"limit"_s, 5}}));
        const QJsonObject reply = peer.reply();
        QCOMPARE(reply.value("command"_L1).toString(), u"history"_s);
        QCOMPARE(reply.value("error"_L1).toString(), u"history is off"_s);
        QCOMPARE(reply.value("rows"_L1).toArray().size(), 0);
        QCOMPARE(reply.value("more"_L1), QJsonValue(false));
        QVERIFY(!reply.contains("counters"_L1));
        QCOMPARE(reply.value("query"_L1).toObject().value("userId"_L1).toString(), u"alice"_s);
        QCOMPARE(reply.value("query"_L1).toObject().value("limit"_L1).toInt(), 5);
        QVERIFY(peer.isOpen());
    }
}

// offset/limit walk the games newest first; `more` says whether a next page exists.
void TestAdminApi::historyPaging()
{
    HistorySetup h;
    QVERIFY2(h.ready(), qPrintable(h.error));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(h.record(finishedGame("pair" + QByteArray::number(i), "alice", "bob", i)));
    AdminPeer peer;
    QVERIFY(peer.open(h.setup.admin));

    peer.send(historyCommand({{u"limit"_s, 2}}));
    QJsonObject reply = peer.reply();
    QCOMPARE(reply.value("command"_L1).toString(), u"history"_s);
    QCOMPARE(pairIdsOf(reply), (QStringList {u"pair5"_s, u"pair4"_s}));
    QCOMPARE(reply.value("more"_L1), QJsonValue(true));
    QVERIFY(!reply.contains("error"_L1));
    const QJsonObject counters = reply.value("counters"_L1).toObject();
    QCOMPARE(counters.value("written"_L1).toInt(), 5);
    QCOMPARE(counters.value("failed"_L1).toInt(), 0);
    QCOMPARE(counters.value("lastError"_L1).toString(), QString());

    peer.send(historyCommand({{u"limit"_s, 2}, {u"offset"_s, 2}}));
    reply = peer.reply();
    QCOMPARE(pairIdsOf(reply), (QStringList {u"pair3"_s, u"pair2"_s}));
    QCOMPARE(reply.value("more"_L1), QJsonValue(true));

    peer.send(historyCommand({{u"limit"_s, 2}, {u"offset"_s, 4}}));
    reply = peer.reply();
    QCOMPARE(pairIdsOf(reply), (QStringList {u"pair1"_s}));
    QCOMPARE(reply.value("more"_L1), QJsonValue(false));

    peer.send(historyCommand({{u"offset"_s, 50}}));
    reply = peer.reply();
    QCOMPARE(pairIdsOf(reply), QStringList());
    QCOMPARE(reply.value("more"_L1), QJsonValue(false));

    // the largest page there is; every answer decodes with the codec the dashboard uses
    peer.send(historyCommand({{u"limit"_s, kMaxHistoryLimit}}));
    reply = peer.reply();
    HistoryAnswer answer;
    QVERIFY2(fromJson(reply, answer), qPrintable(toText(reply)));
    QCOMPARE(answer.page.rows.size(), 5);
    QCOMPARE(answer.page.rows.first().pairId, "pair5");
    QCOMPARE(answer.page.rows.first().userIds, (std::array<QByteArray, 2> {"alice", "bob"}));
    QCOMPARE(answer.counters, (HistoryCounters {5, 0, {}}));
}

void TestAdminApi::historyFilter()
{
    HistorySetup h;
    QVERIFY2(h.ready(), qPrintable(h.error));
    QVERIFY(h.record(finishedGame("p1", "alice", "bob", 1)));
    QVERIFY(h.record(finishedGame("p2", "carol", "alice", 2)));
    QVERIFY(h.record(finishedGame("p3", "carol", "dave", 3)));
    AdminPeer peer;
    QVERIFY(peer.open(h.setup.admin));

    peer.send(historyCommand({{u"userId"_s, u"alice"_s}}));
    QCOMPARE(pairIdsOf(peer.reply()), (QStringList {u"p2"_s, u"p1"_s}));
    peer.send(historyCommand({{u"userId"_s, u"carol"_s}, {u"limit"_s, 1}}));
    QJsonObject reply = peer.reply();
    QCOMPARE(pairIdsOf(reply), (QStringList {u"p3"_s}));
    QCOMPARE(reply.value("more"_L1), QJsonValue(true));
    peer.send(historyCommand({{u"pairId"_s, u"p1"_s}}));
    QCOMPARE(pairIdsOf(peer.reply()), (QStringList {u"p1"_s}));
    peer.send(historyCommand({{u"userId"_s, u"nobody"_s}}));
    reply = peer.reply();
    QCOMPARE(pairIdsOf(reply), QStringList());
    QVERIFY(!reply.contains("error"_L1));
}

void TestAdminApi::historyWithMoves()
{
    HistorySetup h;
    QVERIFY2(h.ready(), qPrintable(h.error));
    QVERIFY(h.record(finishedGame("p1", "alice", "bob", 1, 3)));
    AdminPeer peer;
    QVERIFY(peer.open(h.setup.admin));

    peer.send(historyCommand({{u"pairId"_s, u"p1"_s}}));
    QJsonObject row = peer.reply().value("rows"_L1).toArray().first().toObject();
    QCOMPARE(row.value("moveCount"_L1).toInt(), 3);
    QVERIFY(!row.contains("moves"_L1));

    peer.send(historyCommand({{u"pairId"_s, u"p1"_s}, {u"withMoves"_s, true}}));
    const QJsonObject reply = peer.reply();
    QCOMPARE(reply.value("query"_L1).toObject().value("withMoves"_L1), QJsonValue(true));
    row = reply.value("rows"_L1).toArray().first().toObject();
    const QJsonArray moves = row.value("moves"_L1).toArray();
    QCOMPARE(moves.size(), 3);
    for (qsizetype i = 0; i < moves.size(); ++i) {
        const QJsonObject move = moves.at(i).toObject();
        QCOMPARE(move.value("command"_L1).toString(), u"game"_s);
        QCOMPARE(move.value("seq"_L1).toInt(), i + 1);
        QCOMPARE(move.value("userId"_L1).toString(), i % 2 ? u"bob"_s : u"alice"_s);
    }
}

void TestAdminApi::historyBadQuery_data()
{
    QTest::addColumn<QJsonObject>("command");
    QTest::addColumn<QString>("field");
    QTest::newRow("limit 0") << historyCommand({{u"limit"_s, 0}}) << u"limit"_s;
    QTest::newRow("limit past the bound")
        << historyCommand({{u"limit"_s, kMaxHistoryLimit + 1}}) << u"limit"_s;
    QTest::newRow("limit a string") << historyCommand({{u"limit"_s, u"10"_s}}) << u"limit"_s;
    QTest::newRow("offset negative") << historyCommand({{u"offset"_s, -5}}) << u"offset"_s;
    QTest::newRow("offset a fraction") << historyCommand({{u"offset"_s, 1.5}}) << u"offset"_s;
    QTest::newRow("userId a number") << historyCommand({{u"userId"_s, 3}}) << u"userId"_s;
    QTest::newRow("pairId an object")
        << historyCommand({{u"pairId"_s, QJsonObject {}}}) << u"pairId"_s;
    QTest::newRow("withMoves a string")
        << historyCommand({{u"withMoves"_s, u"yes"_s}}) << u"withMoves"_s;
}

void TestAdminApi::historyBadQuery()
{
    QFETCH(QJsonObject, command);
    QFETCH(QString, field);
    HistorySetup h;
    QVERIFY2(h.ready(), qPrintable(h.error));
    AdminPeer peer;
    QVERIFY(peer.open(h.setup.admin));
    peer.send(command);
    const QJsonObject reply = peer.reply();
    QVERIFY2(reply.value("command"_L1).toString() == "error"_L1
            && reply.value("code"_L1).toString() == "bad_request"_L1
            && reply.value("message"_L1).toString().contains(u'"' + field + u'"'),
        qPrintable(u"expected bad_request naming \"%1\", got %2"_s.arg(field, toText(reply))));
    QCOMPARE(h.requests.pendingCount(), 0); // the history was never asked
    QVERIFY(peer.isOpen());
}

// An answer goes to the client that asked, once the history has it; a client gone by then
// gets nothing, and the others nothing of it. The history here is one in memory whose
// answers the test holds back (a slow disk), with a write that failed.
void TestAdminApi::historyAnswersOnlyTheAsker()
{
    struct {
        HistoryRequests requests;
        MemoryHistory history;
        AdminSetup setup;
    } h;
    QVERIFY(h.setup.listening);
    h.history.connect(h.requests);
    h.setup.admin.setHistory(&h.requests);
    h.history.record(finishedGame("p1", "alice", "bob", 1));
    h.history.failNext(u"disk I/O error"_s);
    h.history.record(finishedGame("lost", "alice", "bob", 2));
    AdminPeer asker;
    AdminPeer other;
    auto leaver = std::make_unique<AdminPeer>();
    QVERIFY(asker.open(h.setup.admin));
    QVERIFY(other.open(h.setup.admin));
    QVERIFY(leaver->open(h.setup.admin));

    h.history.hold(); // a slow disk: the answers wait
    asker.send(historyCommand());
    leaver->send(historyCommand({{u"userId"_s, u"bob"_s}}));
    QTRY_COMPARE(h.history.heldCount(), 2);
    QCOMPARE(h.requests.pendingCount(), 2);
    QVERIFY(asker.reply(200).isEmpty()); // nothing before the history answers
    leaver.reset();
    QTRY_COMPARE(h.setup.admin.clientCount(), qsizetype(2));
    h.history.release();
    const QJsonObject reply = asker.reply();
    QCOMPARE(pairIdsOf(reply), (QStringList {u"p1"_s}));
    QVERIFY(!reply.value("query"_L1).toObject().contains("userId"_L1));
    const QJsonObject counters = reply.value("counters"_L1).toObject();
    QCOMPARE(counters.value("written"_L1).toInt(), 1);
    QCOMPARE(counters.value("failed"_L1).toInt(), 1);
    QCOMPARE(counters.value("lastError"_L1).toString(), u"disk I/O error"_s);
    QCOMPARE(h.requests.pendingCount(), 0);
    QVERIFY(other.reply(200).isEmpty());
    QVERIFY(asker.reply(200).isEmpty()); // the leaver's answer went nowhere
    QVERIFY(asker.isOpen() && other.isOpen());
}

// Real games, played to their end, are in the history with their moves in order.
void TestAdminApi::historyOfRealGames()
{
    HistorySetup h;
    QVERIFY2(h.ready(), qPrintable(h.error));
    PairSetup game(h.setup.server, 1, u"alice"_s, u"bob"_s);
    PM_OK(game.start());
    PM_OK(game.move(true, 1));
    PM_OK(game.move(false, u"two"_s));
    game.newcomerRound.send({{u"command"_s, u"end"_s}});
    QVERIFY2(game.newcomerRound.expect(u"ended"_s), qPrintable(game.newcomerRound.lastMismatch()));
    QTRY_COMPARE(h.store->written(), 1u);

    AdminPeer peer;
    QVERIFY(peer.open(h.setup.admin));
    peer.send(historyCommand({{u"userId"_s, u"alice"_s}, {u"withMoves"_s, true}}));
    const QJsonObject reply = peer.reply();
    QCOMPARE(pairIdsOf(reply), (QStringList {QString::fromLatin1(game.pairId)}));
    const QJsonObject row = reply.value("rows"_L1).toArray().first().toObject();
    QCOMPARE(row.value("outcome"_L1).toString(), u"ended"_s);
    QCOMPARE(row.value("by"_L1).toString(), u"bob"_s);
    QCOMPARE(row.value("moveCount"_L1).toInt(), 2);
    const QJsonArray moves = row.value("moves"_L1).toArray();
    QCOMPARE(moves.size(), 2);
    QCOMPARE(moves.at(0).toObject().value("userId"_L1).toString(), u"alice"_s);
    QCOMPARE(moves.at(0).toObject().value("data"_L1).toInt(), 1);
    QCOMPARE(moves.at(1).toObject().value("userId"_L1).toString(), u"bob"_s);
    QCOMPARE(moves.at(1).toObject().value("data"_L1).toString(), u"two"_s);
}

QTEST_GUILESS_MAIN(TestAdminApi)
#include "tst_adminapi.moc"
