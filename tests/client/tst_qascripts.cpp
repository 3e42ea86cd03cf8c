// The QA scripts of resources/qa/, each run by the real pairmatch-cli against the real
// pairmatch binary started with the flags the script names (`# server: ...`): every step
// must hold (exit 0). And the cli's own verdicts: a script whose expectation is wrong exits
// 1 naming the failing line, a malformed one exits 2.
#include "serverprocess.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kScriptTimeoutMs = 60'000;

QString qaDir()
{
    return QStringLiteral(PAIRMATCH_QA_DIR);
}

QStringList serverFlags(const QString &scriptPath)
{
    QFile file(scriptPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList flags;
    static const QRegularExpression directive(u"^#\\s*server:(.*)$"_s);
    static const QRegularExpression space(u"\\s+"_s);
    for (const QString &line : QString::fromUtf8(file.readAll()).split(u'\n')) {
        const QRegularExpressionMatch m = directive.match(line.trimmed());
        if (m.hasMatch())
            flags += m.captured(1).split(space, Qt::SkipEmptyParts);
    }
    return flags;
}

struct CliRun {
    int exitCode = -1;
    QString output;
};

// Starts a server for the script and runs pairmatch-cli --script on it.
CliRun runScript(const QString &scriptPath, QString *error)
{
    ServerProcess server;
    server.start(ServerProcess::headlessArguments() + serverFlags(scriptPath));
    if (!server.waitListening()) {
        *error = u"the server did not start: "_s + server.error();
        return {};
    }
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral(PAIRMATCH_CLI_BINARY),
        {u"--script"_s, scriptPath, u"--verbose"_s, server.url({}).toString()});
    if (!cli.waitForFinished(kScriptTimeoutMs)) {
        cli.kill();
        cli.waitForFinished();
        *error = u"pairmatch-cli did not finish within %1 ms: %2"_s.arg(kScriptTimeoutMs)
                     .arg(QString::fromUtf8(cli.readAll()));
        return {};
    }
    CliRun run {cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1,
        QString::fromUtf8(cli.readAll())};
    if (!server.isRunning())
        *error = u"the server ended during the script: "_s + server.describe();
    return run;
}

QString writeScript(QTemporaryDir &dir, const QString &name, const QString &text)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text.toUtf8());
    return path;
}

} // namespace

class TestQaScripts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyPathQaTests();
    void script_data();
    void script();
    void aWrongExpectationFailsNamingItsLine();
    void aMalformedScriptIsAUsageError();
};

// The paths the issue names each have their script.
void TestQaScripts::everyPathQaTests()
{
    const QStringList names = QDir(qaDir()).entryList({u"*.pmqa"_s}, QDir::Files);
    for (const char *path : {"full-round", "none", "invalid", "takeover", "duplicate-user",
             "cancel", "rate-limit", "oversized-frame"}) {
        const QString file = QString::fromLatin1(path) + u".pmqa"_s;
        QVERIFY2(names.contains(file), qPrintable(file + u" is missing from "_s + qaDir()));
    }
}

void TestQaScripts::script_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(qaDir());
    const QStringList names = dir.entryList({u"*.pmqa"_s}, QDir::Files, QDir::Name);
    for (const QString &name : names)
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestQaScripts::script()
{
    QFETCH(QString, path);
    QString error;
    const CliRun run = runScript(path, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(run.exitCode == 0, qPrintable(run.output));
    QVERIFY2(run.output.contains(u"steps held"_s), qPrintable(run.output));
}

void TestQaScripts::aWrongExpectationFailsNamingItsLine()
{
    QTemporaryDir dir;
    const QString path = writeScript(dir, u"wrong.pmqa"_s,
        u"alice enter 3\n"
        "alice expect entried\n"
        "# a comment\n"
        "alice expect prepare within 200\n"_s);
    QString error;
    const CliRun run = runScript(path, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.output.contains(u"FAIL line 4: alice expect prepare within 200: nothing "
                                 "arrived within 200 ms"_s),
        qPrintable(run.output));

    const QString mismatch
        = writeScript(dir, u"mismatch.pmqa"_s, u"alice enter 3\nalice expect entried type=3\n"_s);
    const CliRun second = runScript(mismatch, &error);
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.output.contains(u"FAIL line 2: alice expect entried type=3: entried: type is "
                                    "(absent), expected 3"_s),
        qPrintable(second.output));
}

void TestQaScripts::aMalformedScriptIsAUsageError()
{
    QTemporaryDir dir;
    const QString path = writeScript(dir, u"bad.pmqa"_s, u"alice enter 3\nalice dance\n"_s);
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral(PAIRMATCH_CLI_BINARY), {u"--script"_s, path, u"ws://127.0.0.1:9"_s});
    QVERIFY(cli.waitForFinished(kScriptTimeoutMs));
    QCOMPARE(cli.exitCode(), 2);
    const QString output = QString::fromUtf8(cli.readAll());
    QVERIFY2(output.contains(u"line 2: unknown step 'dance'"_s), qPrintable(output));
}

QTEST_GUILESS_MAIN(TestQaScripts)
#include "tst_qascripts.moc"
