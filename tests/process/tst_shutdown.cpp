// Shutdown of the real binary (protocol "Shutdown"): on SIGTERM or SIGINT it closes every
// connection with 1001 and nothing else first, exits 0 within 5 seconds, and frees its port
// at once.
#include "serverprocess.h"
#include "testplayer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTcpSocket>
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
        texts << QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact));
    return texts.join(u", "_s);
}

// Opens a WebSocket by hand on a raw socket: empty on success, else why not. What came after
// the 101 response is left in *rest.
QString rawHandshake(QTcpSocket &socket, quint16 port, const QByteArray &path, QByteArray *rest)
{
    socket.connectToHost(u"127.0.0.1"_s, port);
    if (!socket.waitForConnected(kGenerousMs))
        return u"raw connect: "_s + socket.errorString();
    socket.write("GET " + path
        + " HTTP/1.1\r\n"
          "Host: 127.0.0.1\r\n"
          "Upgrade: websocket\r\n"
          "Connection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\n\r\n");
    QByteArray received;
    while (!received.contains("\r\n\r\n")) {
        if (!socket.waitForReadyRead(kGenerousMs))
            return u"no handshake response: "_s + QString::fromLatin1(received);
        received += socket.readAll();
    }
    if (!received.startsWith("HTTP/1.1 101"))
        return u"handshake refused: "_s + QString::fromLatin1(received);
    *rest = received.mid(received.indexOf("\r\n\r\n") + 4);
    return {};
}

// One text frame as a client must send it: masked.
QByteArray maskedTextFrame(const QByteArray &payload)
{
    QByteArray frame;
    frame.append(char(0x81));
    if (payload.size() < 126) {
        frame.append(char(0x80 | payload.size()));
    } else {
        Q_ASSERT(payload.size() < 65536);
        frame.append(char(0x80 | 126));
        frame.append(char(payload.size() >> 8));
        frame.append(char(payload.size() & 0xff));
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload[i] ^ mask[i % 4]));
    return frame;
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
    void idleServerExitsOnSigterm();
    void signalRightAfterListeningLine_data();
    void signalRightAfterListeningLine();
    void unansweredCloseDoesNotHoldShutdown();
    void stuckReaderDoesNotHoldShutdown();

private:
    void closesEveryClientAndExits(int signal);
    void restartsOnSamePort(quint16 port);
};

void TestShutdown::closesEveryClientAndExits(int signal)
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));

    // a player waiting in a queue
    TestPlayer waiter;
    QVERIFY(waiter.open(server.matchingUrl(1)));
    waiter.entry(u"walt"_s);
    QVERIFY2(waiter.expect(u"entried"_s), qPrintable(waiter.lastMismatch()));

    // two players matched (their matching connections stay open) ...
    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(2)));
    QVERIFY(b.open(server.matchingUrl(2)));
    a.entry(u"alice"_s);
    QVERIFY2(a.expect(u"entried"_s), qPrintable(a.lastMismatch()));
    b.entry(u"bob"_s);
    QJsonObject prepareA, prepareB;
    QVERIFY2(a.expect(u"prepare"_s, &prepareA), qPrintable(a.lastMismatch()));
    QVERIFY2(b.expect(u"prepare"_s, &prepareB), qPrintable(b.lastMismatch()));
    const QString pairId = prepareA.value(u"pairId"_s).toString();

    // ... and seated in a started round, with a move made
    TestPlayer ra, rb;
    QVERIFY(ra.open(server.roundUrl(pairId)));
    QVERIFY(rb.open(server.roundUrl(pairId)));
    ra.prepared(u"alice"_s, prepareA.value(u"token"_s).toString());
    QVERIFY2(ra.expect(u"wait"_s), qPrintable(ra.lastMismatch()));
    rb.prepared(u"bob"_s, prepareB.value(u"token"_s).toString());
    QVERIFY2(ra.expect(u"start"_s), qPrintable(ra.lastMismatch()));
    QVERIFY2(rb.expect(u"start"_s), qPrintable(rb.lastMismatch()));
    rb.game(QJsonObject {{u"card"_s, u"K"_s}});
    QVERIFY2(ra.expect(u"game"_s), qPrintable(ra.lastMismatch()));
    QVERIFY2(rb.expect(u"game"_s), qPrintable(rb.lastMismatch()));

    const QList<TestPlayer *> everyone {&waiter, &a, &b, &ra, &rb};
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

    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    const qint64 took = sinceSignal.elapsed();
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
    QVERIFY2(took < kExitPromiseMs,
        qPrintable(u"exited %1 ms after the signal, the protocol promises < %2 ms"_s.arg(took).arg(
            kExitPromiseMs)));

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
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    const qint64 took = sinceSignal.elapsed();
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
    QVERIFY2(took < kExitPromiseMs, qPrintable(u"exited after %1 ms"_s.arg(took)));
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

    QTcpSocket raw;
    QByteArray received;
    const QString handshake = rawHandshake(raw, server.port(), "/ws/matching/4", &received);
    QVERIFY2(handshake.isEmpty(), qPrintable(handshake));

    QElapsedTimer sinceSignal;
    sinceSignal.start();
    QVERIFY(server.sendSignal(SIGTERM));
    // the close frame: FIN + close opcode, unmasked length, then the code 1001
    while (received.size() < 4) {
        QVERIFY2(raw.waitForReadyRead(kGenerousMs), "no close frame after SIGTERM");
        received += raw.readAll();
    }
    QCOMPARE(quint8(received[0]), quint8(0x88));
    QCOMPARE((quint8(received[2]) << 8) | quint8(received[3]), 1001);
    // never answered
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    const qint64 took = sinceSignal.elapsed();
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
    QVERIFY2(took < kExitPromiseMs,
        qPrintable(u"exited %1 ms after the signal, the protocol promises < %2 ms"_s.arg(took).arg(
            kExitPromiseMs)));
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

    TestPlayer a, b;
    QVERIFY(a.open(server.matchingUrl(6)));
    QVERIFY(b.open(server.matchingUrl(6)));
    a.entry(u"stuck"_s);
    QVERIFY2(a.expect(u"entried"_s), qPrintable(a.lastMismatch()));
    b.entry(u"mover"_s);
    QJsonObject prepareA, prepareB;
    QVERIFY2(a.expect(u"prepare"_s, &prepareA), qPrintable(a.lastMismatch()));
    QVERIFY2(b.expect(u"prepare"_s, &prepareB), qPrintable(b.lastMismatch()));
    const QString pairId = prepareA.value(u"pairId"_s).toString();
    a.close();
    b.close();
    QVERIFY(a.waitClosed());
    QVERIFY(b.waitClosed());

    // the stuck player: a raw socket that takes its seat, reads `wait`, then reads no more
    QTcpSocket stuck;
    QByteArray received;
    const QString handshake
        = rawHandshake(stuck, server.port(), "/ws/round/" + pairId.toLatin1(), &received);
    QVERIFY2(handshake.isEmpty(), qPrintable(handshake));
    const QJsonObject prepared {{u"command"_s, u"prepared"_s},
        {u"user"_s, QJsonObject {{u"userId"_s, u"stuck"_s}}},
        {u"token"_s, prepareA.value(u"token"_s)}};
    stuck.write(maskedTextFrame(QJsonDocument(prepared).toJson(QJsonDocument::Compact)));
    while (!received.contains("\"wait\"")) {
        QVERIFY2(stuck.waitForReadyRead(kGenerousMs), received.constData());
        received += stuck.readAll();
    }
    stuck.setReadBufferSize(1); // from here on Qt leaves what arrives in the kernel
    stuck.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);

    TestPlayer mover;
    QVERIFY(mover.open(server.roundUrl(pairId)));
    mover.prepared(u"mover"_s, prepareB.value(u"token"_s).toString());
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

    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    const qint64 took = sinceSignal.elapsed();
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
    QVERIFY2(took < kExitPromiseMs,
        qPrintable(u"exited %1 ms after the signal, the protocol promises < %2 ms"_s.arg(took).arg(
            kExitPromiseMs)));
    // the premise: the server really had to cut that connection
    QVERIFY2(server.standardError().contains("did not finish closing"),
        qPrintable(u"the stuck connection was not stuck: "_s + server.describe()));
}

QTEST_GUILESS_MAIN(TestShutdown)
#include "tst_shutdown.moc"
