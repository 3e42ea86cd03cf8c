// The command line of the real binary: --help, --version, bad values (exit 2, one line on
// stderr naming the flag or variable), PAIRMATCH_* fallbacks and their precedence, the one
// stdout line, a port in use, and flags that visibly reach the server.
#include "pairsetup.h"
#include "playerchecks.h"
#include "serverprocess.h"
#include "testplayer.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <csignal>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kGenerousMs = 10'000;

// "exactly one line": one newline, at the end, and something before it
bool isOneLine(const QByteArray &text)
{
    return text.size() > 1 && text.count('\n') == 1 && text.endsWith('\n');
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void help_data();
    void help();
    void version();
    void badValue_data();
    void badValue();
    void badEnvironmentValue_data();
    void badEnvironmentValue();
    void environmentFallback();
    void flagWinsOverEnvironment();
    void stdoutHoldsOnlyTheListeningLine();
    void portInUse();
    void prepareTimeoutChangesBehaviour_data();
    void prepareTimeoutChangesBehaviour();
    void maxFrameBytesChangesBehaviour();
    void rateLimitChangesBehaviour();

private:
    void stop(ServerProcess &server, TestPlayer *client = nullptr);
};

// SIGTERM after the server has surely been serving, and check it ends cleanly.
void TestCli::stop(ServerProcess &server, TestPlayer *client)
{
    QVERIFY(server.sendSignal(SIGTERM));
    if (client)
        QVERIFY(client->waitClosed(kGenerousMs));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
}

void TestCli::help_data()
{
    QTest::addColumn<QString>("flag");
    QTest::newRow("--help") << u"--help"_s;
    QTest::newRow("-h") << u"-h"_s;
}

void TestCli::help()
{
    QFETCH(QString, flag);
    ServerProcess run;
    run.start({flag});
    QVERIFY2(run.runToEnd(), qPrintable(run.describe()));
    QVERIFY2(run.exitedWithZero(), qPrintable(run.describe()));
    const QString text = QString::fromLocal8Bit(run.standardOutput());
    const QStringList flags {u"--no-gui"_s, u"--host"_s, u"--port"_s, u"--prepare-timeout-ms"_s,
        u"--ping-interval-ms"_s, u"--ping-timeout-ms"_s, u"--rate-limit"_s, u"--rate-burst"_s,
        u"--max-frame-bytes"_s, u"--max-connections"_s, u"--allowed-origins"_s,
        u"--require-origin"_s, u"--max-connections-per-ip"_s, u"--metrics-port"_s,
        u"--log-format"_s, u"--log-level"_s, u"--web"_s, u"--redis"_s, u"--node-id"_s,
        u"--node-ttl-ms"_s, u"--help"_s, u"--version"_s};
    for (const QString &f : flags)
        QVERIFY2(text.contains(f), qPrintable(f + u" is missing from --help:\n"_s + text));
    QVERIFY2(run.standardError().isEmpty(), run.standardError().constData());
}

void TestCli::version()
{
    ServerProcess run;
    run.start({u"--version"_s});
    QVERIFY2(run.runToEnd(), qPrintable(run.describe()));
    QVERIFY2(run.exitedWithZero(), qPrintable(run.describe()));
    QCOMPARE(run.standardOutput(), QByteArray("pairmatch " PAIRMATCH_EXPECTED_VERSION "\n"));
    QVERIFY(QRegularExpression(u"^pairmatch \\d+\\.\\d+\\.\\d+\n$"_s)
                .match(QString::fromLocal8Bit(run.standardOutput()))
                .hasMatch());
    QVERIFY2(run.standardError().isEmpty(), run.standardError().constData());
}

void TestCli::badValue_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("named"); // what the error line must name

    // after valid headless flags, so that a parser letting the bad one pass starts a server
    const QStringList ok = ServerProcess::headlessArguments();
    QTest::newRow("port abc") << ok + QStringList {u"--port"_s, u"abc"_s} << u"--port"_s;
    QTest::newRow("port 70000") << ok + QStringList {u"--port"_s, u"70000"_s} << u"--port"_s;
    QTest::newRow("port -1") << ok + QStringList {u"--port"_s, u"-1"_s} << u"--port"_s;
    QTest::newRow("port without value") << ok + QStringList {u"--port"_s} << u"--port"_s;
    QTest::newRow("host nonsense") << ok + QStringList {u"--host"_s, u"nonsense"_s} << u"--host"_s;
    QTest::newRow("host empty") << ok + QStringList {u"--host"_s, QString()} << u"--host"_s;
    QTest::newRow("rate-limit -1")
        << ok + QStringList {u"--rate-limit"_s, u"-1"_s} << u"--rate-limit"_s;
    QTest::newRow("rate-burst 0") << ok + QStringList {u"--rate-burst"_s, u"0"_s}
                                  << u"--rate-burst"_s;
    QTest::newRow("max-connections 0")
        << ok + QStringList {u"--max-connections"_s, u"0"_s} << u"--max-connections"_s;
    QTest::newRow("max-connections abc")
        << ok + QStringList {u"--max-connections"_s, u"abc"_s} << u"--max-connections"_s;
    QTest::newRow("max-frame-bytes 1")
        << ok + QStringList {u"--max-frame-bytes"_s, u"1"_s} << u"--max-frame-bytes"_s;
    QTest::newRow("prepare-timeout-ms 0")
        << ok + QStringList {u"--prepare-timeout-ms"_s, u"0"_s} << u"--prepare-timeout-ms"_s;
    QTest::newRow("ping-interval-ms x")
        << ok + QStringList {u"--ping-interval-ms"_s, u"x"_s} << u"--ping-interval-ms"_s;
    QTest::newRow("ping-timeout-ms -5")
        << ok + QStringList {u"--ping-timeout-ms"_s, u"-5"_s} << u"--ping-timeout-ms"_s;
    QTest::newRow("allowed-origins without scheme")
        << ok + QStringList {u"--allowed-origins"_s, u"game.example.com"_s}
        << u"--allowed-origins"_s;
    QTest::newRow("max-connections-per-ip -1")
        << ok + QStringList {u"--max-connections-per-ip"_s, u"-1"_s}
        << u"--max-connections-per-ip"_s;
    QTest::newRow("metrics-port 70000")
        << ok + QStringList {u"--metrics-port"_s, u"70000"_s} << u"--metrics-port"_s;
    QTest::newRow("log-format xml")
        << ok + QStringList {u"--log-format"_s, u"xml"_s} << u"--log-format"_s;
    QTest::newRow("log-level loud")
        << ok + QStringList {u"--log-level"_s, u"loud"_s} << u"--log-level"_s;
    // QCommandLineParser names an unknown option without its dashes
    QTest::newRow("unknown flag") << ok + QStringList {u"--bogus-flag"_s} << u"bogus-flag"_s;
    QTest::newRow("stray argument") << ok + QStringList {u"stray"_s} << u"stray"_s;
}

void TestCli::badValue()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, named);
    ServerProcess run;
    run.start(arguments);
    QVERIFY2(run.runToEnd(), qPrintable(u"did not exit: "_s + run.describe()));
    QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 2,
        qPrintable(run.describe()));
    const QByteArray err = run.standardError();
    QVERIFY2(isOneLine(err), qPrintable(u"not exactly one line on stderr: "_s + run.describe()));
    QVERIFY2(QString::fromLocal8Bit(err).contains(named),
        qPrintable(u"stderr does not name "_s + named + u": "_s + QString::fromLocal8Bit(err)));
    QVERIFY2(run.standardOutput().isEmpty(), run.standardOutput().constData());
}

void TestCli::badEnvironmentValue_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("arguments");

    const QStringList noPort {u"--no-gui"_s, u"--host"_s, u"127.0.0.1"_s};
    const QStringList noHost {u"--no-gui"_s, u"--port"_s, u"0"_s};
    const QStringList noSwitch {u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s};
    const QStringList all = ServerProcess::headlessArguments();
    QTest::newRow("PAIRMATCH_PORT=abc") << u"PAIRMATCH_PORT"_s << u"abc"_s << noPort;
    QTest::newRow("PAIRMATCH_PORT=70000") << u"PAIRMATCH_PORT"_s << u"70000"_s << noPort;
    QTest::newRow("PAIRMATCH_HOST=nonsense") << u"PAIRMATCH_HOST"_s << u"nonsense"_s << noHost;
    QTest::newRow("PAIRMATCH_NO_GUI=maybe") << u"PAIRMATCH_NO_GUI"_s << u"maybe"_s << noSwitch;
    QTest::newRow("PAIRMATCH_RATE_LIMIT=-1") << u"PAIRMATCH_RATE_LIMIT"_s << u"-1"_s << all;
    QTest::newRow("PAIRMATCH_MAX_CONNECTIONS=0") << u"PAIRMATCH_MAX_CONNECTIONS"_s << u"0"_s << all;
}

void TestCli::badEnvironmentValue()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QStringList, arguments);
    QProcessEnvironment environment = ServerProcess::cleanEnvironment();
    environment.insert(variable, value);
    ServerProcess run;
    run.start(arguments, environment);
    QVERIFY2(run.runToEnd(), qPrintable(u"did not exit: "_s + run.describe()));
    QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 2,
        qPrintable(run.describe()));
    const QByteArray err = run.standardError();
    QVERIFY2(isOneLine(err), qPrintable(u"not exactly one line on stderr: "_s + run.describe()));
    QVERIFY2(QString::fromLocal8Bit(err).contains(variable),
        qPrintable(u"stderr does not name "_s + variable + u": "_s + QString::fromLocal8Bit(err)));
    QVERIFY2(run.standardOutput().isEmpty(), run.standardOutput().constData());
}

// No flag at all: everything from PAIRMATCH_*, including a limit the server visibly applies.
void TestCli::environmentFallback()
{
    QProcessEnvironment environment = ServerProcess::cleanEnvironment();
    environment.insert(u"PAIRMATCH_NO_GUI"_s, u"1"_s);
    environment.insert(u"PAIRMATCH_HOST"_s, u"127.0.0.1"_s);
    environment.insert(u"PAIRMATCH_PORT"_s, u"0"_s);
    environment.insert(u"PAIRMATCH_MAX_CONNECTIONS"_s, u"1"_s);
    ServerProcess server;
    server.start({}, environment);
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    QCOMPARE(server.host(), u"127.0.0.1"_s);

    TestPlayer first, second;
    QVERIFY(first.open(server.matchingUrl(1)));
    QVERIFY(first.sync());
    QCOMPARE(second.openExpectingRefusal(server.matchingUrl(1)), 503);
    stop(server, &first);
}

// Every value from the environment is bad or different; the flags win, each of them.
void TestCli::flagWinsOverEnvironment()
{
    QProcessEnvironment environment = ServerProcess::cleanEnvironment();
    environment.insert(u"PAIRMATCH_NO_GUI"_s, u"0"_s);
    environment.insert(u"PAIRMATCH_HOST"_s, u"nonsense"_s);
    environment.insert(u"PAIRMATCH_PORT"_s, u"abc"_s);
    environment.insert(u"PAIRMATCH_MAX_CONNECTIONS"_s, u"1"_s);
    ServerProcess server;
    server.start(ServerProcess::headlessArguments() + QStringList {u"--max-connections"_s, u"2"_s},
        environment);
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    QCOMPARE(server.host(), u"127.0.0.1"_s);

    // 2 from the flag: not 1 from the environment, not the default 100000
    TestPlayer first, second, third;
    QVERIFY(first.open(server.matchingUrl(1)));
    QVERIFY(first.sync());
    QVERIFY(second.open(server.matchingUrl(1)));
    QVERIFY(second.sync());
    QCOMPARE(third.openExpectingRefusal(server.matchingUrl(1)), 503);
    second.close();
    QVERIFY(second.waitClosed());
    stop(server, &first);
}

void TestCli::stdoutHoldsOnlyTheListeningLine()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    const QString round = playShortRound(server, 5);
    QVERIFY2(round.isEmpty(), qPrintable(round));
    // an error on the way, too
    TestPlayer p;
    QVERIFY(p.open(server.matchingUrl(5)));
    p.sendText(u"not json"_s);
    QVERIFY2(p.expectError(u"bad_json"_s), qPrintable(p.lastMismatch()));
    stop(server, &p);

    const QByteArray out = server.standardOutput();
    QCOMPARE(out, "listening on ws://127.0.0.1:" + QByteArray::number(server.port()) + '\n');
}

void TestCli::portInUse()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
    const quint16 port = occupant.serverPort();

    ServerProcess run;
    run.start(ServerProcess::headlessArguments(port));
    QVERIFY2(run.runToEnd(), qPrintable(u"did not exit: "_s + run.describe()));
    QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() != 0,
        qPrintable(run.describe()));
    QVERIFY2(run.standardOutput().isEmpty(), qPrintable(run.describe()));
    const QString err = QString::fromLocal8Bit(run.standardError());
    QVERIFY2(isOneLine(run.standardError()), qPrintable(run.describe()));
    QVERIFY2(err.contains(QString::number(port)), qPrintable(u"port not named: "_s + err));
    QVERIFY2(err.contains(u"in use"_s, Qt::CaseInsensitive),
        qPrintable(u"does not say the port is in use: "_s + err));
}

void TestCli::prepareTimeoutChangesBehaviour_data()
{
    QTest::addColumn<bool>("fromEnvironment");
    QTest::newRow("--prepare-timeout-ms 2000") << false;
    QTest::newRow("PAIRMATCH_PREPARE_TIMEOUT_MS=2000") << true;
}

// With the default (10 s) a lone seated player would wait 10 s for `invalid`; with 2 s it
// comes well within the 8 s the test waits, and seating takes far less than 2 s.
void TestCli::prepareTimeoutChangesBehaviour()
{
    QFETCH(bool, fromEnvironment);
    QProcessEnvironment environment = ServerProcess::cleanEnvironment();
    QStringList arguments = ServerProcess::headlessArguments();
    if (fromEnvironment)
        environment.insert(u"PAIRMATCH_PREPARE_TIMEOUT_MS"_s, u"2000"_s);
    else
        arguments << u"--prepare-timeout-ms"_s << u"2000"_s;
    ServerProcess server;
    server.start(arguments, environment);
    QVERIFY2(server.waitListening(), qPrintable(server.error()));

    PairSetup pair(server.url({}), 3, u"early"_s, u"absent"_s);
    PM_OK(pair.match());
    PM_OK(pair.seatWaiter());
    TestPlayer &seated = pair.waiterRound;
    QVERIFY2(seated.expect(u"invalid"_s, nullptr, 8000), qPrintable(seated.lastMismatch()));
    QVERIFY(seated.waitClosed());
    QCOMPARE(seated.closeCode(), 1000);
    pair.newcomerMatching.close();
    QVERIFY(pair.newcomerMatching.waitClosed());
    stop(server, &pair.waiterMatching);
}

void TestCli::maxFrameBytesChangesBehaviour()
{
    ServerProcess server;
    server.start(
        ServerProcess::headlessArguments() + QStringList {u"--max-frame-bytes"_s, u"64"_s});
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    TestPlayer p;
    QVERIFY(p.open(server.matchingUrl(1)));
    // 100 bytes: within the default 64 KiB, over the 64 set here
    p.entry(u"framed"_s, {{u"pad"_s, QString(60, u'x')}});
    QVERIFY(p.waitClosed());
    QCOMPARE(p.closeCode(), 1009);
    stop(server);
}

void TestCli::rateLimitChangesBehaviour()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments()
        + QStringList {u"--rate-limit"_s, u"1"_s, u"--rate-burst"_s, u"2"_s});
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    TestPlayer p;
    QVERIFY(p.open(server.matchingUrl(1)));
    // three at once: the burst of 2 passes, the third is over the limit
    for (int i = 0; i < 3; ++i)
        p.sendText(u"{\"command\":\"nope\"}"_s);
    QVERIFY2(p.expectError(u"unknown_command"_s), qPrintable(p.lastMismatch()));
    QVERIFY2(p.expectError(u"unknown_command"_s), qPrintable(p.lastMismatch()));
    QVERIFY2(p.expectError(u"rate_limited"_s), qPrintable(p.lastMismatch()));
    QVERIFY(p.waitClosed());
    QCOMPARE(p.closeCode(), 1008);
    stop(server);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
