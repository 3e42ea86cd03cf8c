// --no-gui: the real binary maps no GUI library, before and after serving players, and needs
// no display (none set, or one that does not exist).
#include "serverprocess.h"
#include "testplayer.h"

#include <QFile>
#include <QTest>

#include <algorithm>
#include <csignal>

using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// Parts of the path of a mapped file that mark it as GUI (case-sensitive: libglib is fine).
const QStringList &guiMarkers()
{
    static const QStringList markers {u"libQt6Gui"_s, u"libQt6Widgets"_s, u"libQt6OpenGL"_s,
        u"libQt6XcbQpa"_s, u"libQt6WaylandClient"_s, u"libxcb"_s, u"libX11"_s, u"libGL"_s,
        u"libEGL"_s, u"libwayland"_s, u"libxkbcommon"_s, u"libfontconfig"_s, u"libfreetype"_s,
        u"libharfbuzz"_s, u"/platforms/"_s, u"pairmatch_dashboard"_s};
    return markers;
}

// The files mapped into the process, from /proc/PID/maps; empty (and *error set) on failure.
QStringList mappedFiles(qint64 pid, QString *error)
{
    QFile maps(u"/proc/%1/maps"_s.arg(pid));
    if (!maps.open(QIODevice::ReadOnly)) {
        *error = maps.fileName() + u": "_s + maps.errorString();
        return {};
    }
    QStringList files;
    const QList<QByteArray> lines = maps.readAll().split('\n');
    for (const QByteArray &line : lines) {
        // address perms offset dev inode [path]
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() >= 6 && fields[5].startsWith('/')) {
            const QString path = QString::fromLocal8Bit(fields.mid(5).join(' '));
            if (!files.contains(path))
                files << path;
        }
    }
    if (files.isEmpty())
        *error = maps.fileName() + u" lists no file"_s;
    return files;
}

// Empty when no GUI library is mapped, else which are.
QString guiLibrariesMapped(qint64 pid)
{
    QString error;
    const QStringList files = mappedFiles(pid, &error);
    if (!error.isEmpty())
        return error;
    QStringList gui;
    for (const QString &file : files) {
        for (const QString &marker : guiMarkers()) {
            if (file.contains(marker)) {
                gui << file;
                break;
            }
        }
    }
    return gui.isEmpty() ? QString() : u"GUI libraries mapped: "_s + gui.join(u", "_s);
}

} // namespace

class TestHeadless final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mapsSelfCheck();
    void noGuiLibraryMapped_data();
    void noGuiLibraryMapped();
};

// The check itself sees what it should: this very test maps Qt Core, and its own maps.
void TestHeadless::mapsSelfCheck()
{
    QString error;
    const QStringList files = mappedFiles(QCoreApplication::applicationPid(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(std::any_of(files.cbegin(), files.cend(),
        [](const QString &f) { return f.contains(u"libQt6Core"_s); }));
}

void TestHeadless::noGuiLibraryMapped_data()
{
    QTest::addColumn<QStringList>("unset");
    QTest::addColumn<QStringList>("set"); // NAME=VALUE

    const QStringList display {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s};
    QTest::newRow("no display variables") << display << QStringList();
    // a display that is not there: a process that tried to open one would fail or abort
    QTest::newRow("display that does not exist")
        << QStringList()
        << QStringList {
               u"DISPLAY=:4242"_s, u"WAYLAND_DISPLAY=pairmatch-none"_s, u"QT_QPA_PLATFORM=xcb"_s};
}

void TestHeadless::noGuiLibraryMapped()
{
    QFETCH(QStringList, unset);
    QFETCH(QStringList, set);
    QProcessEnvironment environment = ServerProcess::cleanEnvironment();
    for (const QString &name : unset)
        environment.remove(name);
    for (const QString &pair : set)
        environment.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));

    ServerProcess server;
    server.start(ServerProcess::headlessArguments(), environment);
    QVERIFY2(server.waitListening(), qPrintable(server.error()));
    const QString atStart = guiLibrariesMapped(server.pid());
    QVERIFY2(atStart.isEmpty(), qPrintable(u"after the listening line: "_s + atStart));

    // serve: a waiting player stays connected while a round is played
    TestPlayer waiter;
    QVERIFY(waiter.open(server.matchingUrl(9)));
    waiter.entry(u"stays"_s);
    QVERIFY2(waiter.expect(u"entried"_s), qPrintable(waiter.lastMismatch()));
    const QString round = playShortRound(server, 1);
    QVERIFY2(round.isEmpty(), qPrintable(round));
    QVERIFY(waiter.sync());
    const QString afterPlay = guiLibrariesMapped(server.pid());
    QVERIFY2(afterPlay.isEmpty(), qPrintable(u"after a round: "_s + afterPlay));

    const QString stderrText = QString::fromLocal8Bit(server.standardError());
    QVERIFY2(!stderrText.contains(u"qt.qpa"_s) && !stderrText.contains(u"display"_s),
        qPrintable(u"stderr speaks of a display: "_s + stderrText));

    QVERIFY(server.sendSignal(SIGTERM));
    QVERIFY(waiter.waitClosed(10'000));
    QVERIFY2(server.waitFinished(10'000), qPrintable(server.describe()));
    QVERIFY2(server.exitedWithZero(), qPrintable(server.describe()));
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
