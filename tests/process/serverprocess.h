// The real pairmatch binary as a child process, for process-level tests: started with
// QProcess, its port learnt from the one `listening on ws://HOST:PORT` line it prints.
// Every wait is bounded; waits that must let the test's own clients talk run the event loop.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "childprocess.h"

#include <functional>

namespace pairmatch::test {

class ServerProcess final
{
public:
    static constexpr int kStartTimeoutMs = 10'000;

    // The binary under test (PAIRMATCH_BINARY, fixed at compile time).
    static QString binary();
    // --no-gui --host 127.0.0.1 --port PORT
    static QStringList headlessArguments(quint16 port = 0);
    // The test's environment without any PAIRMATCH_* variable, so only what a test sets
    // counts, but PAIRMATCH_HISTORY=off: no test writes a history into the user's data dir.
    static QProcessEnvironment cleanEnvironment();

    ServerProcess();
    ~ServerProcess(); // kills the process if it still runs
    Q_DISABLE_COPY_MOVE(ServerProcess)

    void start(
        const QStringList &arguments, const QProcessEnvironment &environment = cleanEnvironment());
    // Before start(): runs in the child between fork and exec (setrlimit, signal dispositions),
    // after dieWithParent() (childprocess.h), which every server process gets.
    void setChildProcessModifier(const std::function<void()> &modifier)
    {
        m_process.setChildProcessModifier([modifier] {
            dieWithParent();
            modifier();
        });
    }
    // Before start(): the child's stdin reads this file (a terminal, /dev/null...).
    void setStandardInputFile(const QString &path) { m_process.setStandardInputFile(path); }
    // Waits for the first stdout line and checks it is `listening on ws://HOST:PORT`.
    // On false, error() tells why.
    bool waitListening(int timeoutMs = kStartTimeoutMs);
    // For a run that should end by itself (--help, a bad flag): waits, and kills it if it
    // has not ended within timeoutMs (then false).
    bool runToEnd(int timeoutMs = kStartTimeoutMs);
    // Waits for the end while the event loop runs (the test's clients keep talking).
    bool waitFinished(int timeoutMs);
    bool sendSignal(int signal);
    // Waits while the event loop runs until stderr holds `text` at least `times` times.
    bool waitForStderr(const QByteArray &text, int times = 1, int timeoutMs = kStartTimeoutMs);
    // Waits for a stdout line starting with prefix ("admin on ", "metrics on ") and returns
    // the rest of it; empty on timeout.
    QString waitForStdoutLine(const QString &prefix, int timeoutMs = kStartTimeoutMs);

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 pid() const { return m_process.processId(); }
    QString listeningLine() const { return m_listeningLine; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QUrl url(const QString &path) const;
    QUrl matchingUrl(qint32 type) const;
    QUrl roundUrl(const QString &pairId) const;

    // Everything the process wrote so far.
    QByteArray standardOutput();
    QByteArray standardError();
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    int exitCode() const { return m_process.exitCode(); }
    bool exitedWithZero() const;
    // For failure messages: how it ended (or that it runs) and its stderr.
    QString describe();
    QString error() const { return m_error; }

private:
    void drain();

    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QString m_listeningLine;
    QString m_host;
    quint16 m_port = 0;
    QString m_error;
};

// Plays a short round on the server as a game would (two pairmatch::Client players,
// clientplay.h): they match on `type`, take their seats, make `moves` moves and end. Empty
// on success, else what went wrong.
QString playShortRound(const ServerProcess &server, qint32 type, int moves = 3);

} // namespace pairmatch::test
