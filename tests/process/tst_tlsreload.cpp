// SIGHUP reloads the TLS certificate and key (issue 13): a connection made after it sees the
// new certificate, one made before stays open and plays on; a bad new pair (a key that is
// not the certificate's, a file that holds no certificate, a missing file) is logged and
// the pair in use is kept.
#include "playerchecks.h"
#include "serverprocess.h"
#include "testplayer.h"
#include "waituntil.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kGenerousMs = 15'000;

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// The certificate a new TLS connection to 127.0.0.1:port is shown (null on failure).
QSslCertificate certificateShown(quint16 port)
{
    QSslSocket socket;
    socket.setPeerVerifyMode(QSslSocket::VerifyNone);
    socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
    if (!waitUntil([&] { return socket.isEncrypted(); }, 5000))
        return QSslCertificate();
    return socket.peerCertificate();
}

void useTls(TestPlayer &player)
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    player.socket().setSslConfiguration(ssl);
}

QUrl wss(const ServerProcess &server, const QString &path)
{
    return QUrl(u"wss://127.0.0.1:%1%2"_s.arg(server.port()).arg(path));
}

} // namespace

class TestTlsReload final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sighupServesTheNewPairKeepsOldConnections();
};

void TestTlsReload::sighupServesTheNewPairKeepsOldConnections()
{
    QVERIFY2(QSslSocket::supportsSsl(), "this Qt has no TLS backend");
    const QByteArray cert1 = readAll(QStringLiteral(PAIRMATCH_INTEGRATION_DATA_DIR "/cert.pem"));
    const QByteArray key1 = readAll(QStringLiteral(PAIRMATCH_INTEGRATION_DATA_DIR "/key.pem"));
    const QByteArray cert2 = readAll(QStringLiteral(PAIRMATCH_TEST_DATA_DIR "/cert2.pem"));
    const QByteArray key2 = readAll(QStringLiteral(PAIRMATCH_TEST_DATA_DIR "/key2.pem"));
    QVERIFY(!cert1.isEmpty() && !key1.isEmpty() && !cert2.isEmpty() && !key2.isEmpty());
    const QSslCertificate first = QSslCertificate::fromData(cert1).value(0);
    const QSslCertificate second = QSslCertificate::fromData(cert2).value(0);
    QVERIFY(!first.isNull() && !second.isNull() && first != second);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString certFile = dir.filePath(u"cert.pem"_s);
    const QString keyFile = dir.filePath(u"key.pem"_s);
    QVERIFY(writeAll(certFile, cert1) && writeAll(keyFile, key1));

    ServerProcess server;
    server.start(ServerProcess::headlessArguments()
        + QStringList {u"--tls-cert"_s, certFile, u"--tls-key"_s, keyFile});
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    QVERIFY(server.listeningLine().startsWith(u"listening on wss://"_s));
    QCOMPARE(certificateShown(server.port()), first);

    // a player connected before the reload, waiting in a queue
    TestPlayer before;
    useTls(before);
    QVERIFY(before.open(wss(server, u"/ws/matching/3"_s)));
    before.entry(u"early"_s);
    PM_OK(expectMessage(before, message(u"entried"_s)));
    QCOMPARE(before.socket().sslConfiguration().peerCertificate(), first);

    // the new pair
    QVERIFY(writeAll(certFile, cert2) && writeAll(keyFile, key2));
    QVERIFY(server.sendSignal(SIGHUP));
    QVERIFY2(
        server.waitForStderr("SIGHUP: TLS certificate reloaded"), qPrintable(server.describe()));
    QVERIFY2(
        server.standardError().contains("CN=pairmatch-reload-test"), qPrintable(server.describe()));
    QCOMPARE(certificateShown(server.port()), second);

    // the old connection is still open and matched with a player who came after
    TestPlayer after;
    useTls(after);
    QVERIFY(after.open(wss(server, u"/ws/matching/3"_s)));
    QCOMPARE(after.socket().sslConfiguration().peerCertificate(), second);
    after.entry(u"late"_s);
    PM_OK(expectCommand(after, u"prepare"_s));
    PM_OK(expectCommand(before, u"prepare"_s));
    QCOMPARE(before.socket().sslConfiguration().peerCertificate(), first);

    // bad new pairs: each is logged, the second pair stays in use
    const QList<std::pair<QByteArray, QByteArray>> bad {
        {cert1, key2}, // a key that is not the certificate's
        {"not a certificate\n", key2}, {cert2, QByteArray()}, // an empty key file
    };
    int warnings = 0;
    for (const auto &[cert, key] : bad) {
        QVERIFY(writeAll(certFile, cert) && writeAll(keyFile, key));
        QVERIFY(server.sendSignal(SIGHUP));
        QVERIFY2(server.waitForStderr("TLS certificate not reloaded", ++warnings),
            qPrintable(server.describe()));
        QCOMPARE(certificateShown(server.port()), second);
    }
    const QByteArray err = server.standardError();
    QVERIFY2(err.contains("is not the private key of the certificate"), err.constData());
    QVERIFY2(err.contains("holds no PEM certificate"), err.constData());
    QVERIFY2(err.contains("holds no PEM RSA or EC private key"), err.constData());
    // and a missing file
    QVERIFY(QFile::remove(keyFile));
    QVERIFY(server.sendSignal(SIGHUP));
    QVERIFY2(server.waitForStderr("TLS certificate not reloaded", ++warnings),
        qPrintable(server.describe()));
    QVERIFY2(server.standardError().contains("cannot read --tls-key"), err.constData());
    QCOMPARE(certificateShown(server.port()), second);

    QVERIFY(before.isOpen() && after.isOpen());
    QVERIFY(server.sendSignal(SIGTERM));
    PM_OK(expectClosed(before, 1001));
    PM_OK(expectClosed(after, 1001));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
}

QTEST_GUILESS_MAIN(TestTlsReload)
#include "tst_tlsreload.moc"
