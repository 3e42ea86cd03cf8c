// Shutdown of the real binary (protocol "Shutdown"): on SIGTERM or SIGINT it closes every
// connection with 1001 and nothing else first, exits 0 within 5 seconds, and frees its port
// at once.
#include "pairsetup.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "serverprocess.h"
#include "testplayer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <csignal>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// The protocol's promise: exit 0 within 5 s of the signal.
constexpr qint64 kExitPromiseMs = 5000;
// How long a wait may take before the test gives up; above the promise, so that a late
// exit is reported as late, with its time, not as a hang.
constexpr int kGenerousMs = 15'000;

const char *signalName(int signal)
{
    return signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal";
}

QString describeAll(const QList<QJsonObject> &messages)
{
    QStringList texts;
    for (const QJsonObject &m : messages)
        texts << toText(m);
    return texts.join(u", "_s);
}

// After the signal: the server exits 0, and within the promise.
QString exitedCleanlyInTime(ServerProcess &server, const QElapsedTimer &sinceSignal)
{
    if (!server.waitFinished(kGenerousMs))
        return server.describe();
    const qint64 took = sinceSignal.elapsed();
    if (!server.exitedWithZero())
        return server.describe();
    if (took >= kExitPromiseMs) {
        return u"exited %1 ms after the signal, the protocol promises < %2 ms"_s.arg(took).arg(
            kExitPromiseMs);
    }
    return {};
}

// Bytes the kernel may hold between a server that writes and a client that does not read:
// twice the largest send buffer and the default receive buffer, and room to spare.
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

} // namespace

class TestShutdown final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sigtermClosesEveryClientAndExits();
    void sigintClosesEveryClientAndExits();
    void sigtermWithDashboardClosesEveryClientAndExits();
    void idleServerExitsOnSigterm();
    void signalRightAfterListeningLine_data();
    void signalRightAfterListeningLine();
    void unansweredCloseDoesNotHoldShutdown();
    void stuckReaderDoesNotHoldShutdown();

private:
    void closesEveryClientAndExits(int signal, bool withDashboard = false);
    void restartsOnSamePort(quint16 port);
};

void TestShutdown::closesEveryClientAndExits(int signal, bool withDashboard)
{
    ServerProcess server;
    QStringList arguments = ServerProcess::headlessArguments();
    QProcessEnvironment environment = ServerProcess::cleanEnvironment();
    if (withDashboard) { // the window offscreen, the server on a thread of its own
        arguments.removeAll(u"--no-gui"_s);
        environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    }
    server.start(arguments, environment);
    QVERIFY2(server.waitListening(), qPrintable(server.error()));

    // a player waiting in a queue
    TestPlayer waiter;
    QVERIFY(waiter.open(server.matchingUrl(1)));
    waiter.entry(u"walt"_s);
    QVERIFY2(waiter.expect(u"entried"_s), qPrintable(waiter.lastMismatch()));

    // two players matched (their matching connections stay open), seated in a started
    // round, with a move made
    PairSetup pair(server.url({}), 2);
    PM_OK(pair.start());
    PM_OK(pair.move(false, QJsonObject {{u"card"_s, u"K"_s}}));

    const QList<TestPlayer *> everyone {&waiter, &pair.waiterMatching, &pair.newcomerMatching,
        &pair.waiterRound, &pair.newcomerRound};
    const QStringList names {u"waiting player"_s, u"matched player a"_s, u"matched player b"_s,
        u"seated player a"_s, u"seated player b"_s};
    for (TestPlayer *p : everyone) {
        QVERIFY(p->sync());
        QCOMPARE(p->pendingCount(), 0);
    }

    QElapsedTimer sinceSignal;
    sinceSignal.start();
    QVERIFY(server.sendSignal(signal));

    for (qsizetype i = 0; i < everyone.size(); ++i) {
        TestPlayer &p = *everyone[i];
        QVERIFY2(p.waitClosed(kGenerousMs),
            qPrintable(
                names[i] + u" was not closed after "_s + QLatin1StringView(signalName(signal))));
        QVERIFY2(p.closeCode() == 1001,
            qPrintable(u"%1 closed with %2 ('%3'), not 1001"_s.arg(names[i])
                           .arg(p.closeCode())
                           .arg(p.closeReason())));
        QCOMPARE(p.closeReason(), u"server shutting down"_s);
        // nothing before the close: in particular no `none` to a seated player
        const QList<QJsonObject> got = p.takeAll();
        QVERIFY2(got.isEmpty(),
            qPrintable(names[i] + u" received before the close: "_s + describeAll(got)));
    }

    PM_OK(exitedCleanlyInTime(server, sinceSignal));

    restartsOnSamePort(server.port());
}

// A new server started right after the old one exited binds the same port and serves on it.
void TestShutdown::restartsOnSamePort(quint16 port)
{
    ServerProcess next;
    next.start(ServerProcess::headlessArguments(port));
    QVERIFY2(next.waitListening(), qPrintable(u"restart on port %1: "_s.arg(port) + next.error()));
    QCOMPARE(next.listeningLine(), u"listening on ws://127.0.0.1:%1"_s.arg(port));
    TestPlayer p;
    QVERIFY(p.open(next.matchingUrl(1)));
    p.entry(u"again"_s);
    QVERIFY2(p.expect(u"entried"_s), qPrintable(p.lastMismatch()));
    QVERIFY(next.sendSignal(SIGTERM));
    QVERIFY(p.waitClosed(kGenerousMs));
    QVERIFY2(next.waitFinished(kGenerousMs), qPrintable(next.describe()));
    QVERIFY2(next.exitedWithZero(), qPrintable(next.describe()));
}

void TestShutdown::sigtermClosesEveryClientAndExits()
{
    closesEveryClientAndExits(SIGTERM);
}

void TestShutdown::sigintClosesEveryClientAndExits()
{
    closesEveryClientAndExits(SIGINT);
}

// The same with the dashboard open: the server, on its own thread, closes every player with
// 1001 and the process exits 0 in the same bound.
void TestShutdown::sigtermWithDashboardClosesEveryClientAndExits()
{
#ifndef PAIRMATCH_HAVE_DASHBOARD
    QSKIP("the dashboard module is not built (PAIRMATCH_GUI=OFF)");
#endif
    closesEveryClientAndExits(SIGTERM, true);
}

// No client at all. The server has served (and lost) one connection first, so the signal
// surely reaches a running event loop: this is about the idle shutdown path, not start-up.
void TestShutdown::idleServerExitsOnSigterm()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    {
        TestPlayer p;
        QVERIFY(p.open(server.matchingUrl(1)));
        QVERIFY(p.sync());
        p.close();
        QVERIFY(p.waitClosed());
    }
    QElapsedTimer sinceSignal;
    sinceSignal.start();
    QVERIFY(server.sendSignal(SIGTERM));
    PM_OK(exitedCleanlyInTime(server, sinceSignal));
    restartsOnSamePort(server.port());
}

void TestShutdown::signalRightAfterListeningLine_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

// The listening line is the readiness a supervisor (or a test) waits for; a signal sent as
// soon as it is read must still mean a clean shutdown, exit 0, not death by the signal.
// Several starts, since the window is short.
void TestShutdown::signalRightAfterListeningLine()
{
    QFETCH(int, signal);
    constexpr int kAttempts = 20;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
        ServerProcess server;
        server.start(ServerProcess::headlessArguments());
        QVERIFY2(server.waitListening(), qPrintable(server.error()));
        QVERIFY(server.sendSignal(signal));
        QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
        QVERIFY2(server.exitedWithZero(),
            qPrintable(u"attempt %1 of %2: %3 sent right after the listening line: "_s.arg(attempt)
                           .arg(kAttempts)
                           .arg(QLatin1StringView(signalName(signal)))
                + server.describe()));
    }
}

// A client that completed the handshake but never answers the close frame does not hold
// the shutdown.
void TestShutdown::unansweredCloseDoesNotHoldShutdown()
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));

    RawWsClient raw;
    QVERIFY(raw.open(server.port(), "/ws/matching/4", kGenerousMs));

    QElapsedTimer sinceSignal;
    sinceSignal.start();
    QVERIFY(server.sendSignal(SIGTERM));
    // the first frame is the close frame: FIN + close opcode, then the code 1001
    QVERIFY2(raw.waitForCloseFrame(kGenerousMs), "no close frame after SIGTERM");
    QCOMPARE(raw.dataFramesSeen(), 0);
    QCOMPARE(raw.pingsReceived(), 0);
    QCOMPARE(raw.closeFrameHead(), quint8(0x88));
    QCOMPARE(raw.closeCode(), 1001);
    // never answered
    PM_OK(exitedCleanlyInTime(server, sinceSignal));
}

// A seated player that stopped reading while its opponent's moves pile up: the server cannot
// even send it the close frame. It still exits 0 within 5 s (it cuts that connection), the
// opponent gets 1001 and no `none`, and the port is free while the server is still cutting.
void TestShutdown::stuckReaderDoesNotHoldShutdown()
{
    ServerProcess server;
    // no rate limit, and a send buffer large enough that the stuck reader is not cut for it
    server.start(ServerProcess::headlessArguments()
        + QStringList {
            u"--rate-limit"_s, u"0"_s, u"--max-send-buffer-bytes"_s, QString::number(1LL << 30)});
    QVERIFY2(server.waitListening(), qPrintable(server.error()));

    PairSetup pair(server.url({}), 6, u"stuck"_s, u"mover"_s);
    PM_OK(pair.match());
    pair.waiterMatching.close();
    pair.newcomerMatching.close();
    QVERIFY(pair.waiterMatching.waitClosed());
    QVERIFY(pair.newcomerMatching.waitClosed());

    // the stuck player: a raw socket that takes its seat, reads `wait`, then reads no more
    RawWsClient stuck;
    PM_OK(pair.seatWaiter(stuck));
    stuck.pauseReading(); // from here on Qt leaves what arrives in the kernel
    stuck.socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);

    TestPlayer &mover = pair.newcomerRound;
    PM_OK(pair.openRound(mover));
    pair.preparedAsNewcomer(mover);
    QVERIFY2(mover.expect(u"start"_s), qPrintable(mover.lastMismatch()));
    // more than the kernel can buffer between the two ends, so the server holds the rest
    const qint64 budget = kernelBufferBudget();
    const QString card(15'000, u'x');
    const qint64 moves = budget / card.size() + 1;
    for (qint64 i = 0; i < moves; ++i)
        mover.game(card);
    for (qint64 i = 0; i < moves; ++i)
        QVERIFY2(mover.expect(u"game"_s), qPrintable(mover.lastMismatch()));
    QVERIFY(mover.sync());
    QCOMPARE(mover.pendingCount(), 0);

    QElapsedTimer sinceSignal;
    sinceSignal.start();
    QVERIFY(server.sendSignal(SIGTERM));
    QVERIFY(mover.waitClosed(kGenerousMs));
    QCOMPARE(mover.closeCode(), 1001);
    const QList<QJsonObject> got = mover.takeAll();
    QVERIFY2(got.isEmpty(), qPrintable(u"the opponent received: "_s + describeAll(got)));

    // the port is free while the old server still waits for its stuck connection
    {
        ServerProcess next;
        next.start(ServerProcess::headlessArguments(server.port()));
        QVERIFY2(next.waitListening(),
            qPrintable(u"while the old server is closing: "_s + next.error()));
    }

    PM_OK(exitedCleanlyInTime(server, sinceSignal));
    // the premise: the server really had to cut that connection
    QVERIFY2(server.standardError().contains("did not finish closing"),
        qPrintable(u"the stuck connection was not stuck: "_s + server.describe()));
}

QTEST_GUILESS_MAIN(TestShutdown)
#include "tst_shutdown.moc"
