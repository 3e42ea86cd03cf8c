// The real binary run as in production (issue 13): /healthz and /readyz on the admin port
// and on --metrics-port through a drain and a SIGTERM, /metrics accepted by promtool, JSON
// log lines that parse one by one with their fields, --log-level, and SIGHUP without TLS.
#include "httpget.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "serverprocess.h"
#include "testplayer.h"
#include "waituntil.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <csignal>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kGenerousMs = 15'000;
const QByteArray kToken = "ops-test-token";

quint16 portOf(const QString &url)
{
    return quint16(QUrl(url).port());
}

// An operator's admin client sends one command and waits for its result.
QString adminCommand(quint16 adminPort, const QString &command)
{
    QWebSocket admin;
    QList<QJsonObject> received;
    QObject::connect(&admin, &QWebSocket::textMessageReceived, &admin,
        [&](const QString &text) { received << QJsonDocument::fromJson(text.toUtf8()).object(); });
    QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/admin"_s.arg(adminPort)));
    request.setRawHeader("Authorization", "Bearer " + kToken);
    admin.open(request);
    if (!waitUntil([&] { return admin.state() == QAbstractSocket::ConnectedState; }))
        return u"the admin client did not connect: "_s + admin.errorString();
    admin.sendTextMessage(u"{\"command\":\"%1\"}"_s.arg(command));
    const bool answered = waitUntil([&] {
        for (const QJsonObject &m : std::as_const(received)) {
            if (m.value("command"_L1) == "result"_L1 && m.value("action"_L1) == command)
                return true;
        }
        return false;
    });
    admin.close();
    return answered ? QString() : u"no result for "_s + command;
}

QString expectStatus(quint16 port, const QByteArray &path, int status, const QByteArray &body)
{
    const HttpGetResult r = httpGet(port, path);
    if (r.status != status || (!body.isNull() && r.body != body)) {
        return u"GET %1 on port %2: %3 '%4', expected %5 '%6'"_s.arg(QString::fromLatin1(path))
            .arg(port)
            .arg(r.status)
            .arg(QString::fromUtf8(r.body).trimmed(), QString::number(status),
                QString::fromUtf8(body).trimmed());
    }
    return {};
}

// Bytes the kernel may hold between a server that writes and a client that does not read
// (as in tst_shutdown): twice the largest send buffer and the default receive buffer.
qint64 kernelBufferBudget()
{
    const auto sysctlField = [](const char *path, int field) -> qint64 {
        QFile file(QString::fromLatin1(path));
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        const QList<QByteArray> fields = file.readAll().simplified().split(' ');
        return fields.size() > field ? fields[field].toLongLong() : 0;
    };
    const qint64 send = qMax<qint64>(sysctlField("/proc/sys/net/ipv4/tcp_wmem", 2), 4 << 20);
    const qint64 receive = qMax<qint64>(sysctlField("/proc/sys/net/ipv4/tcp_rmem", 1), 128 << 10);
    return 2 * (send + receive) + (1 << 20);
}

QProcessEnvironment withToken()
{
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    env.insert(u"PAIRMATCH_ADMIN_TOKEN"_s, QString::fromLatin1(kToken));
    return env;
}

} // namespace

class TestOperations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readinessThroughDrainAndSigterm();
    void metricsFromTheBinary();
    void jsonLogLinesParseWithFields();
    void logLevelWarningKeepsInfoOut();
    void sighupWithoutTlsKeepsServing();
};

void TestOperations::readinessThroughDrainAndSigterm()
{
    ServerProcess server;
    // no rate limit, and a send buffer large enough that the stuck reader below is not cut
    server.start(ServerProcess::headlessArguments()
            + QStringList {u"--admin-port"_s, u"0"_s, u"--metrics-port"_s, u"0"_s,
                u"--rate-limit"_s, u"0"_s, u"--max-send-buffer-bytes"_s,
                QString::number(1LL << 30)},
        withToken());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    const quint16 admin = portOf(server.waitForStdoutLine(u"admin on "_s));
    const QString metricsUrl = server.waitForStdoutLine(u"metrics on "_s);
    QVERIFY2(metricsUrl.startsWith(u"http://127.0.0.1:"_s) && metricsUrl.endsWith(u"/metrics"_s),
        qPrintable(metricsUrl));
    const quint16 metrics = portOf(metricsUrl);
    QVERIFY(admin && metrics);

    for (const quint16 port : {admin, metrics}) {
        PM_OK(expectStatus(port, "/healthz", 200, "ok\n"));
        PM_OK(expectStatus(port, "/readyz", 200, "ready\n"));
    }
    // the players' port does not answer them; the admin port serves /metrics without a token
    PM_OK(expectStatus(server.port(), "/readyz", 404, {}));
    const HttpGetResult adminMetrics = httpGet(admin, "/metrics");
    QCOMPARE(adminMetrics.status, 200);
    QVERIFY(adminMetrics.body.contains("\npairmatch_matches_total 0\n"));

    PM_OK(adminCommand(admin, u"drain"_s));
    for (const quint16 port : {admin, metrics}) {
        PM_OK(expectStatus(port, "/readyz", 503, "draining\n"));
        PM_OK(expectStatus(port, "/healthz", 200, "ok\n"));
    }
    PM_OK(adminCommand(admin, u"undrain"_s));
    PM_OK(expectStatus(metrics, "/readyz", 200, "ready\n"));

    // A seated player that stopped reading, its opponent's moves piled up in front of it:
    // the server cannot even send it the close frame, so its shutdown lasts the close grace
    // (2 s, then it cuts). Meanwhile the metrics port says 503 and the process answers.
    PairSetup pair(server.url({}), 6, u"stuck"_s, u"mover"_s);
    PM_OK(pair.match());
    RawWsClient stuck;
    PM_OK(pair.seatWaiter(stuck));
    stuck.pauseReading();
    stuck.socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    TestPlayer &mover = pair.newcomerRound;
    PM_OK(pair.openRound(mover));
    pair.preparedAsNewcomer(mover);
    PM_OK(expectCommand(mover, u"start"_s));
    const QString card(15'000, u'x');
    const qint64 moves = kernelBufferBudget() / card.size() + 1;
    for (qint64 i = 0; i < moves; ++i)
        mover.game(card);
    for (qint64 i = 0; i < moves; ++i)
        PM_OK(expectCommand(mover, u"game"_s));

    QVERIFY(server.sendSignal(SIGTERM));
    PM_OK(expectClosed(mover, 1001, {}, kGenerousMs));
    PM_OK(expectStatus(metrics, "/readyz", 503, "shutting down\n"));
    PM_OK(expectStatus(metrics, "/healthz", 200, "ok\n"));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
    // the premise: the server really was held by the stuck connection
    QVERIFY2(server.standardError().contains("did not finish closing"),
        qPrintable(u"the stuck connection was not stuck: "_s + server.describe()));
}

void TestOperations::metricsFromTheBinary()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments() + QStringList {u"--metrics-port"_s, u"0"_s});
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    const quint16 metrics = portOf(server.waitForStdoutLine(u"metrics on "_s));
    PM_OK(playShortRound(server, 3, 4));
    TestPlayer waiting;
    QVERIFY(waiting.open(server.matchingUrl(8)));
    waiting.entry(u"wendy"_s);
    PM_OK(expectMessage(waiting, message(u"entried"_s)));

    const HttpGetResult r = httpGet(metrics, "/metrics");
    QCOMPARE(r.status, 200);
    const QHash<QByteArray, QByteArray> m = metricSamples(r.body);
    QCOMPARE(m.value("pairmatch_matches_total"), QByteArray("1"));
    QCOMPARE(m.value("pairmatch_moves_total"), QByteArray("4"));
    QCOMPARE(m.value("pairmatch_pairs_over_total{outcome=\"ended\"}"), QByteArray("1"));
    QCOMPARE(m.value("pairmatch_players_waiting{type=\"8\"}"), QByteArray("1"));
    QCOMPARE(m.value("pairmatch_move_duration_seconds_count"), QByteArray("4"));
    QVERIFY(m.value("process_open_fds").toInt() > 0);

    if (QStringLiteral(PAIRMATCH_PROMTOOL).isEmpty())
        QSKIP("promtool not found at configure time (Debian: prometheus)");
    QProcess promtool;
    promtool.start(QStringLiteral(PAIRMATCH_PROMTOOL), {u"check"_s, u"metrics"_s});
    QVERIFY(promtool.waitForStarted());
    promtool.write(r.body);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(30'000));
    QVERIFY2(promtool.exitCode() == 0,
        promtool.readAllStandardOutput() + promtool.readAllStandardError());
    QVERIFY(server.sendSignal(SIGTERM));
    QVERIFY(waiting.waitClosed(kGenerousMs));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
}

void TestOperations::jsonLogLinesParseWithFields()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments() + QStringList {u"--log-format"_s, u"json"_s});
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    PM_OK(playShortRound(server, 4, 2));
    QCOMPARE(httpExchange(server.port(), upgradeRequest("/nowhere")).status(), 404);
    QVERIFY(server.sendSignal(SIGTERM));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));

    const QByteArray err = server.standardError();
    QVERIFY(err.endsWith('\n'));
    const QList<QByteArray> lines = err.trimmed().split('\n');
    QVERIFY2(lines.size() >= 10, err.constData());
    int opened = 0, closedRound = 0, matched = 0, over = 0, refused = 0;
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), line.constData());
        const QJsonObject o = doc.object();
        for (const char *key : {"time", "level", "category", "message"})
            QVERIFY2(o.value(QLatin1StringView(key)).isString(), line.constData());
        const QString message = o.value("message"_L1).toString();
        const auto has = [&](const char *key) {
            return o.contains(QLatin1StringView(key));
        };
        if (message.contains(u" open /ws/"_s)) {
            ++opened;
            QVERIFY2(has("conn") && has("remote") && !has("code"), line.constData());
            QVERIFY(o.value("remote"_L1).toString().startsWith(u"127.0.0.1:"_s));
        } else if (message.contains(u" closed "_s) && has("pairId")) {
            ++closedRound;
            QVERIFY2(
                has("conn") && has("userId") && has("code") && has("remote"), line.constData());
        } else if (message.startsWith(u"match type 4"_s)) {
            ++matched;
            QVERIFY2(has("conn") && has("userId") && has("pairId"), line.constData());
        } else if (message.contains(u" over: ended"_s)) {
            ++over;
            QVERIFY2(has("pairId"), line.constData());
        } else if (message.startsWith(u"refused "_s)) {
            ++refused;
            QCOMPARE(o.value("code"_L1).toInt(), 404);
            QVERIFY2(has("remote"), line.constData());
        }
    }
    QCOMPARE(opened, 4);
    QCOMPARE(closedRound, 2);
    QCOMPARE(matched, 1);
    QCOMPARE(over, 1);
    QCOMPARE(refused, 1);
}

void TestOperations::logLevelWarningKeepsInfoOut()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments() + QStringList {u"--log-level"_s, u"warning"_s});
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    PM_OK(playShortRound(server, 5, 1));
    QVERIFY(server.sendSignal(SIGTERM));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
    QCOMPARE(server.standardError(), QByteArray()); // every line of this run is info
}

// Without TLS there is nothing to reload: SIGHUP says so and the server serves on (it used
// to shut down on SIGHUP).
void TestOperations::sighupWithoutTlsKeepsServing()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    TestPlayer waiting;
    QVERIFY(waiting.open(server.matchingUrl(1)));
    waiting.entry(u"stays"_s);
    PM_OK(expectMessage(waiting, message(u"entried"_s)));
    QVERIFY(server.sendSignal(SIGHUP));
    QVERIFY2(server.waitForStderr("SIGHUP: no TLS certificate is configured"),
        qPrintable(server.describe()));
    QVERIFY(server.isRunning());
    PM_OK(playShortRound(server, 2, 1));
    QVERIFY(waiting.isOpen());
    QVERIFY(server.sendSignal(SIGTERM));
    PM_OK(expectClosed(waiting, 1001));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
}

QTEST_GUILESS_MAIN(TestOperations)
#include "tst_operations.moc"
