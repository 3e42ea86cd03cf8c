// The CI smoke run of pairmatch-bench: the real server on 127.0.0.1, each of the five
// scenarios with tiny numbers (a second each), and wss://. Each run must exit 0 and report no
// protocol error in its --json output. No timing threshold: only that it completes cleanly.
#include "serverprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kRunTimeoutMs = 30'000;

QString benchBinary()
{
    return QStringLiteral(PAIRMATCH_BENCH_BINARY);
}

struct BenchRun {
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
    QJsonObject json;
};

// Runs the bench to its end (bounded), while the event loop turns.
BenchRun runBench(const QStringList &arguments)
{
    BenchRun run;
    QProcess bench;
    bench.start(benchBinary(), arguments);
    if (!bench.waitForStarted(5000))
        return run;
    QDeadlineTimer deadline(kRunTimeoutMs);
    while (bench.state() != QProcess::NotRunning && !deadline.hasExpired())
        QTest::qWait(20);
    if (bench.state() != QProcess::NotRunning) {
        bench.kill();
        bench.waitForFinished(2000);
    } else {
        run.finished = bench.exitStatus() == QProcess::NormalExit;
    }
    run.exitCode = bench.exitCode();
    run.out = bench.readAllStandardOutput();
    run.err = bench.readAllStandardError();
    run.json = QJsonDocument::fromJson(run.out).object();
    return run;
}

QString describe(const BenchRun &run)
{
    return u"exit %1%2\nstdout: %3\nstderr: %4"_s.arg(run.exitCode)
        .arg(run.finished ? QString() : u" (did not finish)"_s)
        .arg(QString::fromUtf8(run.out), QString::fromUtf8(run.err.right(2000)));
}

} // namespace

class TestBench final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scenario_data();
    void scenario();
    void secureWebSocket();
    void badOptionExits2();
    void noServerExits1();
};

void TestBench::scenario_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("figure"); // a counter that must have moved
    QTest::newRow("relay") << QStringList {u"--scenario"_s, u"relay"_s, u"--pairs"_s, u"5"_s}
                           << u"moves_sent"_s;
    QTest::newRow("relay-wide") << QStringList {u"--scenario"_s, u"relay-wide"_s, u"--pairs"_s,
        u"20"_s} << u"moves_sent"_s;
    QTest::newRow("latency") << QStringList {u"--scenario"_s, u"latency"_s, u"--pairs"_s, u"5"_s,
        u"--rate"_s, u"200"_s}
                             << u"moves_sent"_s;
    QTest::newRow("churn") << QStringList {u"--scenario"_s, u"churn"_s, u"--concurrency"_s, u"5"_s,
        u"--moves"_s, u"5"_s}
                           << u"connections_started"_s;
    // several source addresses, and the server's memory read from /proc
    QTest::newRow("idle") << QStringList {u"--scenario"_s, u"idle"_s, u"--connections"_s, u"20"_s,
        u"--source-addresses"_s, u"127.0.0.2-127.0.0.3"_s}
                          << u"connections_started"_s;
}

void TestBench::scenario()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, figure);
    ServerProcess server;
    server.start(ServerProcess::headlessArguments() << u"--rate-limit"_s << u"0"_s);
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    QStringList args {u"--url"_s, u"ws://127.0.0.1:%1"_s.arg(server.port()), u"--json"_s,
        u"--max-time"_s, u"15"_s, u"--warmup"_s, u"0.3"_s, u"--duration"_s, u"1"_s};
    args << arguments;
    if (qstrcmp(QTest::currentDataTag(), "idle") == 0)
        args << u"--server-pid"_s << QString::number(server.pid());
    const BenchRun run = runBench(args);
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.json.value(u"ok"_s).toBool(), qPrintable(describe(run)));
    QCOMPARE(run.json.value(u"protocol_errors"_s).toDouble(-1), 0.0);
    QVERIFY2(run.json.value(figure).toDouble() > 0, qPrintable(describe(run)));
    QVERIFY2(server.isRunning(), qPrintable(server.describe()));
}

void TestBench::secureWebSocket()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments()
        << u"--rate-limit"_s << u"0"_s << u"--tls-cert"_s
        << QStringLiteral(PAIRMATCH_TEST_DATA_DIR "/cert.pem") << u"--tls-key"_s
        << QStringLiteral(PAIRMATCH_TEST_DATA_DIR "/key.pem"));
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    QVERIFY2(server.listeningLine().startsWith("listening on wss://"_L1),
        qPrintable(server.listeningLine()));
    const BenchRun run = runBench({u"--url"_s, u"wss://127.0.0.1:%1"_s.arg(server.port()),
        u"--json"_s, u"--insecure"_s, u"--max-time"_s, u"15"_s, u"--warmup"_s, u"0.3"_s,
        u"--duration"_s, u"1"_s, u"--scenario"_s, u"relay"_s, u"--pairs"_s, u"3"_s});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QCOMPARE(run.json.value(u"protocol_errors"_s).toDouble(-1), 0.0);
    QVERIFY(run.json.value(u"moves_sent"_s).toDouble() > 0);
}

void TestBench::badOptionExits2()
{
    const BenchRun run = runBench({u"--pairs"_s, u"0"_s});
    QVERIFY2(run.finished && run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.err.contains("--pairs"), qPrintable(describe(run)));
}

void TestBench::noServerExits1()
{
    // nothing listens on port 1: every connection fails, which is a failed run
    const BenchRun run = runBench({u"--url"_s, u"ws://127.0.0.1:1"_s, u"--pairs"_s, u"2"_s,
        u"--duration"_s, u"0.2"_s, u"--warmup"_s, u"0"_s, u"--max-time"_s, u"10"_s});
    QVERIFY2(run.finished && run.exitCode == 1, qPrintable(describe(run)));
}

QTEST_GUILESS_MAIN(TestBench)
#include "tst_bench.moc"
