// The match history of the real binary (docs/history.md): games played over real WebSockets
// on `pairmatch --no-gui --history FILE`, one of each way a pair comes to be over (ended,
// none, invalid, kicked, expired), kept with their exact fields and still there after a
// restart; --history off writes nothing; a full disk (a tiny RLIMIT_FSIZE) costs the records,
// never the games; an unusable file is a start-up error that names it; pairmatch-replay reads
// the file.
//
// Until PairTable fills Output::records (branch seq), the server keeps no rows: the checks of
// rows written by the server are skipped while kPairTableFillsRecords is false. The integrator
// sets it to true (and removes it) when seq lands. Everything else runs now.
#include "historydatabase.h"
#include "historystore.h"
#include "httpget.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "serverprocess.h"
#include "testplayer.h"
#include "waituntil.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>
#include <sys/resource.h>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// PairTable hands the core a MatchRecord for each pair that is over (branch seq). False: the
// server writes no rows yet, and the checks of server-written rows are skipped.
constexpr bool kPairTableFillsRecords = false;
#define PM_NEEDS_PAIRTABLE_RECORDS()                                                               \
    do {                                                                                           \
        if (!kPairTableFillsRecords)                                                               \
            QSKIP("needs PairTable records (branch seq): set kPairTableFillsRecords");             \
    } while (false)

const QByteArray kToken = "history-test-token";
constexpr int kPrepareTimeoutMs = 400;

QProcessEnvironment withToken()
{
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert(u"PAIRMATCH_ADMIN_TOKEN"_s, QString::fromLatin1(kToken));
    return env;
}

quint16 portOf(const QString &url)
{
    return quint16(QUrl(url).port());
}

QUrl serverUrl(const ServerProcess &server)
{
    return QUrl(u"ws://127.0.0.1:%1"_s.arg(server.port()));
}

// An operator: connects to /admin, takes the snapshot, sends one command, waits for its result.
class Operator final
{
public:
    explicit Operator(quint16 port)
    {
        QObject::connect(
            &m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &text) {
                m_received << QJsonDocument::fromJson(text.toUtf8()).object();
            });
        QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/admin"_s.arg(port)));
        request.setRawHeader("Authorization", "Bearer " + kToken);
        m_socket.open(request);
    }
    Q_DISABLE_COPY_MOVE(Operator)

    // The id of the open round session of userId, from a fresh snapshot; 0 when none.
    quint64 roundSession(const QString &userId)
    {
        if (!waitUntil([&] { return find(u"snapshot"_s) != nullptr; }))
            return 0;
        const QJsonArray sessions = find(u"snapshot"_s)->value("sessions"_L1).toArray();
        for (const QJsonValue &s : sessions) {
            const QJsonObject o = s.toObject();
            if (o.value("endpoint"_L1) == "round"_L1 && o.value("userId"_L1) == userId)
                return quint64(o.value("id"_L1).toDouble());
        }
        return 0;
    }

    QString command(const QJsonObject &command)
    {
        if (!waitUntil([&] { return m_socket.state() == QAbstractSocket::ConnectedState; }))
            return u"the admin client did not connect: "_s + m_socket.errorString();
        m_socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(command).toJson(QJsonDocument::Compact)));
        const QString action = command.value("command"_L1).toString();
        const QJsonObject *result = nullptr;
        waitUntil([&] {
            result = find(u"result"_s, action);
            return result != nullptr;
        });
        if (!result)
            return u"no result for "_s + action;
        if (!result->value("ok"_L1).toBool())
            return action + u" failed: "_s + result->value("message"_L1).toString();
        return {};
    }

private:
    const QJsonObject *find(const QString &command, const QString &action = {}) const
    {
        for (const QJsonObject &m : m_received) {
            if (m.value("command"_L1) == command
                && (action.isEmpty() || m.value("action"_L1) == action))
                return &m;
        }
        return nullptr;
    }

    QWebSocket m_socket;
    QList<QJsonObject> m_received;
};

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run replay(const QStringList &arguments)
{
    QProcess p;
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.remove(u"PAIRMATCH_HISTORY"_s);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PAIRMATCH_REPLAY_BINARY), arguments);
    if (!p.waitForFinished(10'000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
        p.readAllStandardError()};
}

QByteArray gameFrame(const QByteArray &userId, const QByteArray &data, quint64 seq)
{
    return "{\"command\":\"game\",\"userId\":\"" + userId + "\",\"data\":" + data
        + ",\"seq\":" + QByteArray::number(seq) + '}';
}

// A game as the server would keep it: bob (newcomer) and alice (waiter), alice ended it.
MatchRecord handMadeGame(const QByteArray &pairId, qint64 overAtMs, int moves)
{
    MatchRecord r;
    r.pairId = pairId;
    r.type = 4;
    r.userIds = {"bob", "alice"};
    r.users = {"{\"userId\":\"bob\"}", "{\"userId\":\"alice\",\"name\":\"Alice\"}"};
    r.seed = 4242;
    r.issuedAtMs = overAtMs - 60'000;
    r.startedAtMs = overAtMs - 59'000;
    r.overAtMs = overAtMs;
    r.outcome = MatchOutcome::Ended;
    r.by = 1;
    r.moveCount = quint64(moves);
    for (int i = 1; i <= moves; ++i) {
        r.moves.append(gameFrame(
            i % 2 ? "bob" : "alice", "{\"card\":" + QByteArray::number(i) + "}", quint64(i)));
    }
    r.seenSeq = {quint64(moves), quint64(moves)};
    return r;
}

// The rows of a history file, read as pairmatch-replay reads it.
QList<MatchRecord> rowsOf(const QString &path, QString *error)
{
    HistoryDatabase db;
    if (!db.open(path, HistoryDatabase::Mode::ReadOnly, error))
        return {};
    HistoryQuery q;
    q.limit = kMaxHistoryLimit;
    q.withMoves = true;
    const HistoryPage page = db.query(q);
    *error = page.error;
    return page.rows;
}

const MatchRecord *rowOf(const QList<MatchRecord> &rows, const QByteArray &pairId)
{
    for (const MatchRecord &r : rows) {
        if (r.pairId == pairId)
            return &r;
    }
    return nullptr;
}

QString stopServer(ServerProcess &server)
{
    if (!server.sendSignal(SIGTERM) || !server.waitFinished(10'000) || !server.exitedWithZero())
        return u"the server did not stop cleanly: "_s + server.describe();
    return {};
}

// The exact fields every row of a pair played by PairSetup has.
QString checkPairRow(const MatchRecord *row, const PairSetup &pair, MatchOutcome outcome, int by,
    quint64 moveCount, bool started)
{
    if (!row)
        return u"no row for pair %1"_s.arg(QString::fromUtf8(pair.pairId));
    QStringList wrong;
    const auto expect = [&](bool ok, const QString &what) {
        if (!ok)
            wrong << what;
    };
    expect(row->type == pair.type, u"type %1"_s.arg(row->type));
    expect(row->userIds[0] == pair.newcomerId.toUtf8() && row->userIds[1] == pair.waiterId.toUtf8(),
        u"userIds %1, %2"_s.arg(
            QString::fromUtf8(row->userIds[0]), QString::fromUtf8(row->userIds[1])));
    for (std::size_t i = 0; i < 2; ++i) {
        expect(
            QJsonDocument::fromJson(row->users[i]).object().value("userId"_L1).toString().toUtf8()
                == row->userIds[i],
            u"users[%1] %2"_s.arg(i).arg(QString::fromUtf8(row->users[i])));
    }
    expect(row->seed == pair.prepareToWaiter.value("seed"_L1).toInt(), u"seed %1"_s.arg(row->seed));
    expect(row->outcome == outcome, u"outcome %1"_s.arg(matchOutcomeName(row->outcome)));
    expect(row->by == by, u"by %1"_s.arg(row->by));
    expect(row->moveCount == moveCount, u"moveCount %1"_s.arg(row->moveCount));
    expect(row->firstSeq == 1, u"firstSeq %1"_s.arg(row->firstSeq));
    expect(quint64(row->moves.size()) == moveCount, u"%1 moves"_s.arg(row->moves.size()));
    expect(row->issuedAtMs > 0 && row->overAtMs >= row->issuedAtMs, u"issued/over times"_s);
    expect(started ? row->startedAtMs >= row->issuedAtMs && row->overAtMs >= row->startedAtMs
                   : row->startedAtMs == 0,
        u"startedAt %1"_s.arg(row->startedAtMs));
    for (std::size_t i = 0; i < 2; ++i)
        expect(row->seenSeq[i] <= moveCount, u"seenSeq[%1] %2"_s.arg(i).arg(row->seenSeq[i]));
    if (wrong.isEmpty())
        return {};
    return u"pair %1 (%2): %3"_s.arg(
        QString::fromUtf8(pair.pairId), matchOutcomeName(outcome), wrong.join(u"; "_s));
}

} // namespace

class TestHistory final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    // One pair of each outcome on one server; then the rows, exactly; then a restart on the
    // same file keeps them and adds the next game's.
    void everyOutcomeIsKept()
    {
        const QString file = m_dir->filePath(u"history.sqlite"_s);
        ServerProcess server;
        server.start(ServerProcess::headlessArguments()
                << u"--history"_s << file << u"--prepare-timeout-ms"_s
                << QString::number(kPrepareTimeoutMs) << u"--admin-port"_s << u"0"_s,
            withToken());
        QVERIFY2(server.waitListening(), qPrintable(server.error()));
        const quint16 adminPort = portOf(server.waitForStdoutLine(u"admin on "_s));
        QVERIFY(adminPort);
        QVERIFY(QFile::exists(file)); // made before the server listened
        const QUrl url = serverUrl(server);

        // ended: three moves, then alice (the waiter) ends it
        PairSetup ended(url, 1, u"alice"_s, u"bob"_s);
        PM_OK(ended.start());
        PM_OK(ended.move(true, QJsonObject {{u"n"_s, 1}}));
        PM_OK(ended.move(false, QJsonObject {{u"n"_s, 2}}));
        PM_OK(ended.move(true, QJsonObject {{u"n"_s, 3}}));
        ended.waiterRound.end();
        QVERIFY2(
            ended.waiterRound.expect(u"ended"_s), qPrintable(ended.waiterRound.lastMismatch()));

        // none: dave (the newcomer) moves once and leaves; carol gets none
        PairSetup none(url, 2, u"carol"_s, u"dave"_s);
        PM_OK(none.start());
        PM_OK(none.move(false, QJsonObject {{u"n"_s, 1}}));
        none.newcomerRound.close();
        QVERIFY2(none.waiterRound.expect(u"none"_s), qPrintable(none.waiterRound.lastMismatch()));

        // invalid: frank never takes his seat; the prepare timeout fires
        PairSetup invalid(url, 3, u"erin"_s, u"frank"_s);
        PM_OK(invalid.match());
        PM_OK(invalid.seatWaiter());
        QVERIFY2(invalid.waiterRound.expect(u"invalid"_s, nullptr, 10 * kPrepareTimeoutMs),
            qPrintable(invalid.waiterRound.lastMismatch()));

        // kicked: an operator kicks hank's seat; gina gets none
        PairSetup kicked(url, 4, u"gina"_s, u"hank"_s);
        PM_OK(kicked.start());
        PM_OK(kicked.move(true, QJsonObject {{u"n"_s, 1}}));
        {
            Operator op(adminPort);
            const quint64 session = op.roundSession(u"hank"_s);
            QVERIFY2(session, "hank's round session is in the snapshot");
            PM_OK(op.command({{u"command"_s, u"kick"_s}, {u"sessionId"_s, double(session)}}));
        }
        QVERIFY(kicked.newcomerRound.waitClosed());
        QCOMPARE(kicked.newcomerRound.closeCode(), 4000);
        QVERIFY2(
            kicked.waiterRound.expect(u"none"_s), qPrintable(kicked.waiterRound.lastMismatch()));

        // expired: an operator fires the prepare timeout of a pair with one seat taken
        PairSetup expired(url, 5, u"ivan"_s, u"judy"_s);
        PM_OK(expired.match());
        PM_OK(expired.seatWaiter());
        {
            Operator op(adminPort);
            PM_OK(op.command(
                {{u"command"_s, u"expire"_s}, {u"pairId"_s, QString::fromUtf8(expired.pairId)}}));
        }
        QVERIFY2(expired.waiterRound.expect(u"invalid"_s),
            qPrintable(expired.waiterRound.lastMismatch()));

        PM_OK(stopServer(server)); // what is pending is written before it exits

        PM_NEEDS_PAIRTABLE_RECORDS();
        QString error;
        QList<MatchRecord> rows = rowsOf(file, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), 5);
        // [newcomer, waiter]: by 1 is the waiter, 0 the newcomer
        PM_OK(checkPairRow(rowOf(rows, ended.pairId), ended, MatchOutcome::Ended, 1, 3, true));
        PM_OK(checkPairRow(rowOf(rows, none.pairId), none, MatchOutcome::None, 0, 1, true));
        PM_OK(checkPairRow(
            rowOf(rows, invalid.pairId), invalid, MatchOutcome::Invalid, -1, 0, false));
        PM_OK(checkPairRow(rowOf(rows, kicked.pairId), kicked, MatchOutcome::Kicked, 0, 1, true));
        PM_OK(checkPairRow(
            rowOf(rows, expired.pairId), expired, MatchOutcome::Expired, -1, 0, false));
        // the ended game's log: the frames as relayed, in order, seen to the end by both
        const MatchRecord *game = rowOf(rows, ended.pairId);
        const QList<QByteArray> by = {"alice", "bob", "alice"};
        for (int i = 0; i < 3; ++i) {
            const QJsonObject move = QJsonDocument::fromJson(game->moves[i]).object();
            QCOMPARE(move.value("command"_L1).toString(), u"game"_s);
            QCOMPARE(move.value("userId"_L1).toString().toUtf8(), by[i]);
            QCOMPARE(move.value("data"_L1).toObject().value("n"_L1).toInt(), i + 1);
            QCOMPARE(move.value("seq"_L1).toInt(), i + 1);
        }
        QCOMPARE(game->seenSeq[0], quint64(3));
        QCOMPARE(game->seenSeq[1], quint64(3));

        // pairmatch-replay on the real game
        Run run = replay({u"--history"_s, file, u"--pair"_s, QString::fromUtf8(ended.pairId)});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QVERIFY2(
            run.out.contains("\n1  alice  {\"n\":1}\n2  bob  {\"n\":2}\n3  alice  {\"n\":3}\n"),
            run.out.constData());
        QVERIFY2(run.out.endsWith("log ok\n"), run.out.constData());
        run = replay({u"--history"_s, file, u"--user"_s, u"alice"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(
            run.out.contains(ended.pairId) && run.out.contains("vs bob  ended by alice  3 moves"),
            run.out.constData());
        run = replay(
            {u"--history"_s, file, u"--pair"_s, QString::fromUtf8(ended.pairId), u"--json"_s});
        QCOMPARE(run.exitCode, 0);
        MatchRecord fromReplay;
        QVERIFY(fromJson(QJsonDocument::fromJson(run.out).object(), fromReplay));
        QCOMPARE(toJson(fromReplay), toJson(*game));

        // a restart on the same file keeps the rows and adds the next game's
        ServerProcess again;
        again.start(ServerProcess::headlessArguments() << u"--history"_s << file);
        QVERIFY2(again.waitListening(), qPrintable(again.error()));
        PairSetup next(serverUrl(again), 6, u"kim"_s, u"lee"_s);
        PM_OK(next.start());
        next.waiterRound.end();
        QVERIFY(next.waiterRound.expect(u"ended"_s));
        PM_OK(stopServer(again));
        rows = rowsOf(file, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), 6);
        PM_OK(checkPairRow(rowOf(rows, next.pairId), next, MatchOutcome::Ended, 1, 0, true));
        PM_OK(checkPairRow(rowOf(rows, ended.pairId), ended, MatchOutcome::Ended, 1, 3, true));
    }

    // --history off touches no file; without --history the file is the user's data dir's.
    void offWritesNoFileAndTheDefaultIsTheDataDir()
    {
        QProcessEnvironment env = ServerProcess::cleanEnvironment();
        env.remove(u"PAIRMATCH_HISTORY"_s);
        env.insert(u"XDG_DATA_HOME"_s, m_dir->path());
        {
            ServerProcess server;
            server.start(ServerProcess::headlessArguments() << u"--history"_s << u"off"_s, env);
            QVERIFY2(server.waitListening(), qPrintable(server.error()));
            PM_OK(playShortRound(server, 1));
            PM_OK(stopServer(server));
            QVERIFY2(QDir(m_dir->path()).isEmpty(),
                qPrintable(QDir(m_dir->path()).entryList().join(u' ')));
        }
        {
            ServerProcess server;
            server.start(ServerProcess::headlessArguments(), env);
            QVERIFY2(server.waitListening(), qPrintable(server.error()));
            QVERIFY(QFile::exists(m_dir->filePath(u"pairmatch/history.sqlite"_s)));
            PM_OK(stopServer(server));
        }
        {
            env.insert(u"PAIRMATCH_HISTORY"_s, u"off"_s); // the variable too
            QVERIFY(QDir(m_dir->filePath(u"pairmatch"_s)).removeRecursively());
            ServerProcess server;
            server.start(ServerProcess::headlessArguments(), env);
            QVERIFY2(server.waitListening(), qPrintable(server.error()));
            PM_OK(stopServer(server));
            QVERIFY(QDir(m_dir->path()).isEmpty());
        }
    }

    // The history cannot grow (RLIMIT_FSIZE, as on a full disk): the games go on, the records
    // are counted as failed in /metrics, and the failure is logged once.
    void fullDiskCostsRecordsNotGames()
    {
        const QString file = m_dir->filePath(u"history.sqlite"_s);
        ServerProcess server;
        server.setChildProcessModifier([] {
            // room for the new, empty file and its WAL index, not for a game's moves
            const rlimit limit {48 * 1024, 48 * 1024};
            ::setrlimit(RLIMIT_FSIZE, &limit);
            ::signal(SIGXFSZ, SIG_IGN); // write() fails with EFBIG instead of killing
        });
        server.start(ServerProcess::headlessArguments()
            << u"--history"_s << file << u"--metrics-port"_s << u"0"_s);
        QVERIFY2(server.waitListening(), qPrintable(server.error()));
        const quint16 metricsPort = portOf(server.waitForStdoutLine(u"metrics on "_s));
        QVERIFY(metricsPort);
        const QJsonValue blob = QString(12'000, u'x'); // 12 kB a move, well past the limit

        const auto play = [&](qint32 type) -> QString {
            PairSetup pair(serverUrl(server), type, u"p%1a"_s.arg(type), u"p%1b"_s.arg(type));
            if (QString e = pair.start(); !e.isEmpty())
                return e;
            for (int i = 0; i < 6; ++i) {
                if (QString e = pair.move(i % 2 == 0, QJsonObject {{u"blob"_s, blob}});
                    !e.isEmpty())
                    return e;
            }
            pair.waiterRound.end();
            if (!pair.waiterRound.expect(u"ended"_s))
                return pair.waiterRound.lastMismatch();
            pair.waiterRound.close();
            pair.newcomerRound.close();
            return {};
        };
        const auto failed = [&] {
            const HttpGetResult r = httpGet(metricsPort, "/metrics");
            return metricSamples(r.body).value("pairmatch_history_failed_total").toULongLong();
        };
        PM_OK(play(1)); // the games go on
        QCOMPARE(httpGet(metricsPort, "/metrics").status, 200);
        QVERIFY(metricSamples(httpGet(metricsPort, "/metrics").body)
                    .contains("pairmatch_history_written_total"));

        if (kPairTableFillsRecords)
            QVERIFY2(waitUntil([&] { return failed() >= 1; }, 10'000), server.describe().toUtf8());
        PM_OK(play(2));
        PM_OK(play(3));
        if (kPairTableFillsRecords)
            QVERIFY2(waitUntil([&] { return failed() >= 3; }, 10'000), server.describe().toUtf8());
        PM_OK(stopServer(server));
        QVERIFY(server.isRunning() == false);

        PM_NEEDS_PAIRTABLE_RECORDS();
        const QByteArray err = server.standardError();
        QCOMPARE(err.count("finished game(s) not kept"), 1); // once, however many failed
    }

    void unusableFileIsAStartUpError_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("says");
        QTest::newRow("under /proc") << u"/proc/nope/history.sqlite"_s << u"cannot create"_s;
        QTest::newRow("parent is a file") << u"FILE/history.sqlite"_s << u"cannot create"_s;
        QTest::newRow("not SQLite") << u"FILE"_s << u"is not a pairmatch history"_s;
        QTest::newRow("a directory") << u"DIR"_s << u"not a regular file"_s;
    }

    void unusableFileIsAStartUpError()
    {
        QFETCH(QString, path);
        QFETCH(QString, says);
        const QString plain = m_dir->filePath(u"plain"_s);
        QFile f(plain);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(5000, 'x'));
        f.close();
        path.replace(u"FILE"_s, plain).replace(u"DIR"_s, m_dir->path());

        ServerProcess server;
        server.start(ServerProcess::headlessArguments() << u"--history"_s << path);
        QVERIFY(server.runToEnd());
        QCOMPARE(server.exitCode(), 2);
        QVERIFY(server.standardOutput().isEmpty()); // it never listened
        const QString err = QString::fromUtf8(server.standardError());
        QVERIFY2(err.startsWith(u"pairmatch: history file "_s + path), qPrintable(err));
        QVERIFY2(err.contains(says), qPrintable(err));
        QCOMPARE(err.count(u'\n'), 1);
    }

    // pairmatch-replay on a file HistoryStore wrote: the game, the check, the lists, JSON.
    void replayReadsTheFile()
    {
        const QString file = m_dir->filePath(u"history.sqlite"_s);
        const qint64 t = 1'796'000'000'000; // 2026-11-30T...Z
        const MatchRecord older = handMadeGame("p-old", t, 2);
        const MatchRecord newer = handMadeGame("p-new", t + 3'600'000, 3);
        MatchRecord broken = handMadeGame("p-broken", t - 1000, 3);
        broken.moves.removeAt(1); // seq 2 lost
        broken.moves[1] = gameFrame("mallory", "{}", 3);
        {
            QString error;
            std::unique_ptr<HistoryStore> store = HistoryStore::open(file, &error);
            QVERIFY2(store, qPrintable(error));
            for (const MatchRecord &r : {older, newer, broken})
                store->record(r);
        } // written before it is gone

        Run run = replay({u"--history"_s, file, u"--pair"_s, u"p-new"_s});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        const QString expected
            = u"pair      p-new\n"
              "type      4\n"
              "user 0    bob  {\"userId\":\"bob\"}\n"
              "user 1    alice  {\"userId\":\"alice\",\"name\":\"Alice\"}\n"
              "seed      4242\n"
              "issued    %1\n"
              "started   %2\n"
              "over      %3\n"
              "outcome   ended by alice\n"
              "moves     3\n"
              "seen      bob 3, alice 3\n"
              "1  bob  {\"card\":1}\n"
              "2  alice  {\"card\":2}\n"
              "3  bob  {\"card\":3}\n"
              "log ok\n"_s.arg(QDateTime::fromMSecsSinceEpoch(newer.issuedAtMs, Qt::UTC)
                                   .toString(Qt::ISODateWithMs),
                  QDateTime::fromMSecsSinceEpoch(newer.startedAtMs, Qt::UTC)
                      .toString(Qt::ISODateWithMs),
                  QDateTime::fromMSecsSinceEpoch(newer.overAtMs, Qt::UTC)
                      .toString(Qt::ISODateWithMs));
        QCOMPARE(QString::fromUtf8(run.out), expected);
        QVERIFY(expected.contains(u"T"_s) && expected.contains(u"Z\n"_s)); // ISO 8601, UTC

        run = replay({u"--history"_s, file, u"--pair"_s, u"p-new"_s, u"--json"_s});
        QCOMPARE(run.exitCode, 0);
        MatchRecord fromReplay;
        QVERIFY(fromJson(QJsonDocument::fromJson(run.out).object(), fromReplay));
        QCOMPARE(toJson(fromReplay), toJson(newer)); // as JSON: keys in JSON's own order

        run = replay({u"--history"_s, file, u"--pair"_s, u"p-broken"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(
            run.out.contains("log: ") && run.out.contains("mallory") && !run.out.contains("log ok"),
            run.out.constData());

        run = replay({u"--history"_s, file, u"--user"_s, u"alice"_s});
        QCOMPARE(run.exitCode, 0);
        QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].contains("  p-new  type 4  vs bob  ended by alice  3 moves"),
            lines[0].constData());
        QVERIFY(lines[1].contains("  p-old  "));
        QVERIFY(lines[2].contains("  p-broken  "));
        run = replay({u"--history"_s, file, u"--user"_s, u"bob"_s, u"--limit"_s, u"1"_s});
        QCOMPARE(run.out.trimmed().split('\n').size(), 1);
        QVERIFY(run.out.contains("vs alice"));
        run = replay({u"--history"_s, file, u"--user"_s, u"alice"_s, u"--json"_s});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray array = QJsonDocument::fromJson(run.out).array();
        QCOMPARE(array.size(), 3);
        QCOMPARE(array[0].toObject().value("pairId"_L1).toString(), u"p-new"_s);
        QVERIFY(!array[0].toObject().contains("moves"_L1));
        run = replay({u"--history"_s, file, u"--user"_s, u"nobody"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.isEmpty());

        // the file from the environment, as the server takes it
        QProcess p;
        QProcessEnvironment env = ServerProcess::cleanEnvironment();
        env.insert(u"PAIRMATCH_HISTORY"_s, file);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PAIRMATCH_REPLAY_BINARY), {u"--pair"_s, u"p-old"_s});
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 0);

        // usage errors, unknown pairs and unreadable files: 2, one line naming what is wrong
        struct Bad {
            QStringList arguments;
            QByteArray says;
        };
        const QString garbage = m_dir->filePath(u"garbage"_s);
        QFile g(garbage);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(QByteArray(5000, 'x'));
        g.close();
        const QList<Bad> bad = {
            {{u"--history"_s, file}, "either --pair ID or --user ID"},
            {{u"--history"_s, file, u"--pair"_s, u"a"_s, u"--user"_s, u"b"_s}, "either"},
            {{u"--history"_s, file, u"--pair"_s, u"nope"_s}, "no pair nope"},
            {{u"--history"_s, file, u"--user"_s, u"a"_s, u"--limit"_s, u"0"_s}, "--limit"},
            {{u"--history"_s, garbage, u"--pair"_s, u"x"_s}, "is not a pairmatch history"},
            {{u"--history"_s, m_dir->filePath(u"missing"_s), u"--pair"_s, u"x"_s},
                "does not exist"},
            {{u"--bogus"_s}, "bogus"},
        };
        for (const Bad &b : bad) {
            run = replay(b.arguments);
            QVERIFY2(run.exitCode == 2, qPrintable(b.arguments.join(u' ')));
            QVERIFY2(run.err.contains(b.says), run.err.constData());
        }
        QVERIFY(!QFile::exists(m_dir->filePath(u"missing"_s))); // read-only: nothing made

        run = replay({u"--help"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("--pair") && run.out.contains("--user")
            && run.out.contains("--json") && run.out.contains("--limit"));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
