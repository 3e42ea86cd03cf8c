// libpairmatch-client as a game developer gets it: `cmake --install --component client` into
// a fresh prefix holds the library, its headers, the CMake package and pairmatch-cli, and no
// server library; the example (shared/client/examples) configures with
// find_package(pairmatch-client) against that prefix alone, builds, and two of its bots play
// a whole duel on the real server (each exits 0 with the score, the two scores mirrored).
#include "serverprocess.h"

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kStepTimeoutMs = 240'000;

struct Run {
    int code = -1;
    QString output;
};

Run run(const QString &program, const QStringList &arguments, int timeoutMs = kStepTimeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, arguments);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, u"timed out: "_s + QString::fromLocal8Bit(p.readAll())};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
        QString::fromLocal8Bit(p.readAll())};
}

} // namespace

class TestClientPackage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void installBuildAndPlay();
};

void TestClientPackage::installBuildAndPlay()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString prefix = dir.filePath(u"prefix"_s);
    const QString build = dir.filePath(u"example"_s);

    const Run install = run(QStringLiteral(PAIRMATCH_CMAKE),
        {u"--install"_s, QStringLiteral(PAIRMATCH_BUILD_DIR), u"--component"_s, u"client"_s,
            u"--prefix"_s, prefix});
    QVERIFY2(install.code == 0, qPrintable(install.output));

    // what the package holds, and what it does not
    QStringList files;
    for (QDirIterator it(prefix, QDir::Files, QDirIterator::Subdirectories); it.hasNext();)
        files << QDir(prefix).relativeFilePath(it.next());
    const auto holds = [&](const QString &pattern) {
        return !files.filter(QRegularExpression(pattern)).isEmpty();
    };
    QVERIFY2(holds(u"^include/pairmatch/client\\.h$"_s), qPrintable(files.join(u'\n')));
    QVERIFY2(holds(u"^include/pairmatch/clientexport\\.h$"_s), qPrintable(files.join(u'\n')));
    QVERIFY2(holds(u"/libpairmatch-client\\.so"_s), qPrintable(files.join(u'\n')));
    QVERIFY2(holds(u"/cmake/pairmatch-client/pairmatch-clientConfig\\.cmake$"_s),
        qPrintable(files.join(u'\n')));
    QVERIFY2(holds(u"^bin/pairmatch-cli$"_s), qPrintable(files.join(u'\n')));
    QVERIFY2(!holds(u"pairmatch_(shared|server)|/pairmatch$|dashboard"_s),
        qPrintable(files.join(u'\n')));
    const QString library
        = files.filter(QRegularExpression(u"/libpairmatch-client\\.so\\.0$"_s)).value(0);
    QVERIFY2(!library.isEmpty(), qPrintable(files.join(u'\n')));
    const Run needed = run(u"readelf"_s, {u"-d"_s, QDir(prefix).filePath(library)});
    QVERIFY2(needed.code == 0, qPrintable(needed.output));
    const QStringList dependencies
        = needed.output.split(u'\n').filter(u"(NEEDED)"_s); // not the SONAME
    QVERIFY2(!dependencies.filter(u"libQt6WebSockets"_s).isEmpty(), qPrintable(needed.output));
    QVERIFY2(dependencies.filter(u"libpairmatch"_s).isEmpty(), qPrintable(needed.output));
    QVERIFY2(dependencies.filter(u"Widgets"_s).isEmpty(), qPrintable(needed.output));

    // the example, a project of its own, against the prefix only
    QStringList configure {u"-S"_s, QStringLiteral(PAIRMATCH_EXAMPLE_DIR), u"-B"_s, build, u"-G"_s,
        QStringLiteral(PAIRMATCH_GENERATOR), u"-DCMAKE_PREFIX_PATH="_s + prefix,
        u"-DCMAKE_CXX_COMPILER="_s + QStringLiteral(PAIRMATCH_CXX_COMPILER),
        u"-DCMAKE_BUILD_TYPE=Release"_s};
    const QString sanitize = QStringLiteral(PAIRMATCH_SANITIZE_FLAGS);
    if (!sanitize.isEmpty()) // a library built with sanitizers needs their runtime
        configure << u"-DCMAKE_CXX_FLAGS="_s + sanitize
                  << u"-DCMAKE_EXE_LINKER_FLAGS="_s + sanitize;
    const Run configured = run(QStringLiteral(PAIRMATCH_CMAKE), configure);
    QVERIFY2(configured.code == 0, qPrintable(configured.output));
    const Run built = run(QStringLiteral(PAIRMATCH_CMAKE), {u"--build"_s, build});
    QVERIFY2(built.code == 0, qPrintable(built.output));
    const QString highcard = QDir(build).filePath(u"highcard"_s);
    QVERIFY(QFile::exists(highcard));

    // two bots play a whole duel on the real server
    ServerProcess server;
    server.start(ServerProcess::headlessArguments());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    const QString url = server.url({}).toString();
    QProcess alice, bob;
    alice.start(highcard, {url, u"alice"_s, u"21"_s});
    QVERIFY(alice.waitForStarted());
    bob.start(highcard, {url, u"bob"_s, u"21"_s});
    QVERIFY(alice.waitForFinished(60'000));
    QVERIFY(bob.waitForFinished(60'000));
    const QString a = QString::fromLocal8Bit(alice.readAllStandardOutput()).trimmed();
    const QString b = QString::fromLocal8Bit(bob.readAllStandardOutput()).trimmed();
    QVERIFY2(alice.exitCode() == 0,
        qPrintable(a + QString::fromLocal8Bit(alice.readAllStandardError())));
    QVERIFY2(
        bob.exitCode() == 0, qPrintable(b + QString::fromLocal8Bit(bob.readAllStandardError())));
    static const QRegularExpression score(u"^(won|did not win) (\\d)-(\\d)$"_s);
    const QRegularExpressionMatch ma = score.match(a), mb = score.match(b);
    QVERIFY2(ma.hasMatch() && mb.hasMatch(), qPrintable(a + u" / "_s + b));
    QCOMPARE(ma.captured(2), mb.captured(3)); // the same rounds from both sides
    QCOMPARE(ma.captured(3), mb.captured(2));
    QVERIFY(ma.captured(2).toInt() + ma.captured(3).toInt() <= 5);
}

QTEST_GUILESS_MAIN(TestClientPackage)
#include "tst_clientpackage.moc"
