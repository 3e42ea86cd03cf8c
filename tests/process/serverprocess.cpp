#include "serverprocess.h"

#include "clientplay.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "testplayer.h"
#include "waituntil.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QSignalSpy>

#include <csignal>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

QString ServerProcess::binary()
{
    return QStringLiteral(PAIRMATCH_BINARY);
}

QStringList ServerProcess::headlessArguments(quint16 port)
{
    return {u"--no-gui"_s, u"--host"_s, u"127.0.0.1"_s, u"--port"_s, QString::number(port)};
}

QProcessEnvironment ServerProcess::cleanEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QStringList keys = environment.keys();
    for (const QString &key : keys) {
        if (key.startsWith("PAIRMATCH_"_L1))
            environment.remove(key);
    }
    // No test writes into the user's data directory: the match history is off unless a
    // test sets PAIRMATCH_HISTORY (or --history) itself.
    environment.insert(u"PAIRMATCH_HISTORY"_s, u"off"_s);
    return environment;
}

ServerProcess::ServerProcess()
{
    m_process.setProgram(binary());
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setChildProcessModifier(&dieWithParent);
}

ServerProcess::~ServerProcess()
{
    if (isRunning()) {
        m_process.kill();
        m_process.waitForFinished(kStartTimeoutMs);
    }
}

void ServerProcess::start(const QStringList &arguments, const QProcessEnvironment &environment)
{
    m_process.setArguments(arguments);
    m_process.setProcessEnvironment(environment);
    m_process.start(QIODevice::ReadOnly);
}

bool ServerProcess::waitListening(int timeoutMs)
{
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = u"the process did not start: "_s + m_process.errorString();
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    drain();
    while (!m_stdout.contains('\n')) {
        if (!isRunning()) {
            drain();
            if (m_stdout.contains('\n'))
                break;
            m_error = u"it ended before printing a line: "_s + describe();
            return false;
        }
        if (deadline.hasExpired()) {
            m_error = u"no line on stdout within %1 ms"_s.arg(timeoutMs);
            return false;
        }
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        drain();
    }
    m_listeningLine = QString::fromLocal8Bit(m_stdout.first(m_stdout.indexOf('\n')));
    static const QRegularExpression pattern(
        u"^listening on wss?://([0-9.]+|\\[[0-9a-f:]+\\]):(\\d+)$"_s);
    const QRegularExpressionMatch match = pattern.match(m_listeningLine);
    const int port = match.hasMatch() ? match.captured(2).toInt() : 0;
    if (port <= 0 || port > 65535) {
        m_error
            = u"the first stdout line is not `listening on ws://HOST:PORT` (or wss://): '%1'"_s.arg(
                m_listeningLine);
        return false;
    }
    m_host = match.captured(1);
    m_port = quint16(port);
    return true;
}

bool ServerProcess::runToEnd(int timeoutMs)
{
    const bool ended = m_process.waitForFinished(timeoutMs);
    if (!ended) {
        m_process.kill();
        m_process.waitForFinished(timeoutMs);
    }
    drain();
    return ended;
}

bool ServerProcess::waitFinished(int timeoutMs)
{
    if (isRunning()) {
        QSignalSpy finished(&m_process, &QProcess::finished);
        if (isRunning())
            finished.wait(timeoutMs);
    }
    drain();
    return !isRunning();
}

bool ServerProcess::sendSignal(int signal)
{
    const qint64 id = pid();
    return id > 0 && ::kill(pid_t(id), signal) == 0;
}

bool ServerProcess::waitForStderr(const QByteArray &text, int times, int timeoutMs)
{
    return waitUntil(
        [&] {
            drain();
            return m_stderr.count(text) >= times;
        },
        timeoutMs);
}

QString ServerProcess::waitForStdoutLine(const QString &prefix, int timeoutMs)
{
    QString found;
    waitUntil(
        [&] {
            drain();
            // complete lines only
            const QByteArray complete = m_stdout.left(m_stdout.lastIndexOf('\n') + 1);
            const QStringList lines = QString::fromLocal8Bit(complete).split(u'\n');
            for (const QString &line : lines) {
                if (line.startsWith(prefix)) {
                    found = line.sliced(prefix.size());
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

QUrl ServerProcess::url(const QString &path) const
{
    return QUrl(u"ws://%1:%2%3"_s.arg(m_host).arg(m_port).arg(path));
}

QUrl ServerProcess::matchingUrl(qint32 type) const
{
    return url(u"/ws/matching/"_s + QString::number(type));
}

QUrl ServerProcess::roundUrl(const QString &pairId) const
{
    return url(u"/ws/round/"_s + pairId);
}

QByteArray ServerProcess::standardOutput()
{
    drain();
    return m_stdout;
}

QByteArray ServerProcess::standardError()
{
    drain();
    return m_stderr;
}

bool ServerProcess::exitedWithZero() const
{
    return !isRunning() && m_process.exitStatus() == QProcess::NormalExit
        && m_process.exitCode() == 0;
}

QString ServerProcess::describe()
{
    drain();
    QString how;
    if (isRunning())
        how = u"still running"_s;
    else if (m_process.exitStatus() == QProcess::CrashExit)
        how = u"killed by a signal (crash exit)"_s;
    else
        how = u"exited with code %1"_s.arg(m_process.exitCode());
    return how + u"; stdout: '"_s + QString::fromLocal8Bit(m_stdout) + u"'; stderr: '"_s
        + QString::fromLocal8Bit(m_stderr) + u'\'';
}

void ServerProcess::drain()
{
    m_stdout += m_process.readAllStandardOutput();
    m_stderr += m_process.readAllStandardError();
}

QString playShortRound(const ServerProcess &server, qint32 type, int moves)
{
    // as a game plays: through the client library
    return playRoundWithClients(
        server.url({}), type, u"round%1a"_s.arg(type), u"round%1b"_s.arg(type), moves);
}

} // namespace pairmatch::test
