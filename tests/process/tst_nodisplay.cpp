// pairmatch without --no-gui where there is no display (issue 13): at a terminal, one line
// naming --no-gui and exit status 2 (not Qt's platform-plugin abort, exit 134 and a core);
// started as a service (stdin not a terminal), the server alone with one warning line.
// CTest sets QT_QPA_PLATFORM=offscreen for every test: cleared here, with the display
// variables, as on a server.
#include "playerchecks.h"
#include "serverprocess.h"
#include "testplayer.h"

#include <QFile>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kGenerousMs = 15'000;

// A pseudo-terminal whose other end a child can take as stdin: isatty() holds there.
class PseudoTerminal final
{
public:
    PseudoTerminal()
    {
        m_master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (m_master >= 0 && ::grantpt(m_master) == 0 && ::unlockpt(m_master) == 0) {
            if (const char *name = ::ptsname(m_master))
                m_slave = QString::fromLocal8Bit(name);
        }
    }
    ~PseudoTerminal()
    {
        if (m_master >= 0)
            ::close(m_master);
    }
    Q_DISABLE_COPY_MOVE(PseudoTerminal)
    QString slavePath() const { return m_slave; }

private:
    int m_master = -1;
    QString m_slave;
};

QProcessEnvironment withoutDisplay(const QStringList &set = {})
{
    QProcessEnvironment env = ServerProcess::cleanEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_SOCKET"})
        env.remove(QLatin1StringView(name));
    for (const QString &pair : set)
        env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    return env;
}

bool isOneLine(const QByteArray &text)
{
    return text.size() > 1 && text.count('\n') == 1 && text.endsWith('\n');
}

} // namespace

class TestNoDisplay final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void atTerminalSaysNoGuiAndExits2_data();
    void atTerminalSaysNoGuiAndExits2();
    void asServiceRunsHeadless();
    void attachWithoutDisplayExits2();
    void platformPluginFailingAfterAllExits2();
};

void TestNoDisplay::atTerminalSaysNoGuiAndExits2_data()
{
    QTest::addColumn<QStringList>("environment");
    QTest::newRow("no display variable") << QStringList();
    QTest::newRow("X display that does not exist") << QStringList {u"DISPLAY=:4242"_s};
    QTest::newRow("Wayland display that does not exist")
        << QStringList {u"WAYLAND_DISPLAY=pairmatch-none"_s, u"XDG_RUNTIME_DIR=/tmp"_s};
    QTest::newRow("platform xcb, no display") << QStringList {u"QT_QPA_PLATFORM=xcb"_s};
}

void TestNoDisplay::atTerminalSaysNoGuiAndExits2()
{
    QFETCH(QStringList, environment);
    PseudoTerminal terminal;
    QVERIFY(!terminal.slavePath().isEmpty());
    ServerProcess run;
    run.setStandardInputFile(terminal.slavePath());
    run.start({u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s}, withoutDisplay(environment));
    QVERIFY2(run.runToEnd(kGenerousMs), qPrintable(u"did not exit: "_s + run.describe()));
    QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 2,
        qPrintable(run.describe()));
    const QByteArray err = run.standardError();
    QVERIFY2(isOneLine(err), qPrintable(u"not one line: "_s + run.describe()));
    QVERIFY2(err.contains("--no-gui") && err.contains("no display"), err.constData());
    QVERIFY2(run.standardOutput().isEmpty(), qPrintable(run.describe()));
}

void TestNoDisplay::asServiceRunsHeadless()
{
    ServerProcess server;
    server.setStandardInputFile(QProcess::nullDevice());
    server.start({u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s}, withoutDisplay());
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    const QByteArray err = server.standardError();
    QVERIFY2(isOneLine(err), qPrintable(u"not one warning line: "_s + server.describe()));
    QVERIFY2(err.contains("warning") && err.contains("--no-gui"), err.constData());

    PM_OK(playShortRound(server, 1, 2));
    // headless for real: no GUI library mapped
    QFile maps(u"/proc/%1/maps"_s.arg(server.pid()));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    const QByteArray mapped = maps.readAll();
    QVERIFY(mapped.contains("libQt6Core"));
    QVERIFY2(!mapped.contains("libQt6Gui") && !mapped.contains("pairmatch_dashboard"),
        "a GUI library is mapped");
    QVERIFY(server.sendSignal(SIGTERM));
    QVERIFY2(server.waitFinished(kGenerousMs), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
}

// --attach is the dashboard alone: with no display it cannot fall back to anything.
void TestNoDisplay::attachWithoutDisplayExits2()
{
    ServerProcess run;
    run.setStandardInputFile(QProcess::nullDevice());
    run.start({u"--attach"_s, u"ws://127.0.0.1:9/admin"_s},
        withoutDisplay({u"PAIRMATCH_ADMIN_TOKEN=x"_s}));
    QVERIFY2(run.runToEnd(kGenerousMs), qPrintable(run.describe()));
    QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 2,
        qPrintable(run.describe()));
    QVERIFY2(isOneLine(run.standardError()), qPrintable(run.describe()));
    QVERIFY(run.standardError().contains("--no-gui"));
}

// A platform the probe cannot judge, which Qt then fails to load: Qt's fatal message is
// caught and becomes the same one line and exit 2, not an abort (exit 134, a core dump).
void TestNoDisplay::platformPluginFailingAfterAllExits2()
{
    if (!PAIRMATCH_GUI_BUILD)
        QSKIP("built without the dashboard (PAIRMATCH_GUI=OFF)");
    ServerProcess run;
    run.setStandardInputFile(QProcess::nullDevice());
    run.start({u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s},
        withoutDisplay({u"QT_QPA_PLATFORM=pairmatch-no-such-platform"_s}));
    QVERIFY2(run.runToEnd(kGenerousMs), qPrintable(run.describe()));
    QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 2,
        qPrintable(run.describe()));
    const QByteArray err = run.standardError();
    QVERIFY2(isOneLine(err), qPrintable(u"not one line: "_s + run.describe()));
    QVERIFY2(
        err.contains("cannot open the dashboard") && err.contains("--no-gui"), err.constData());
}

QTEST_GUILESS_MAIN(TestNoDisplay)
#include "tst_nodisplay.moc"
