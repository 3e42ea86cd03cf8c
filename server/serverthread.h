// The server on a thread of its own, for the dashboard mode: a ServerApp on its own event
// loop and event dispatcher (epoll, as headless), with the FeedPublisher the dashboard's
// InProcessFeed connects to. The server's objects are made, used and destroyed on that
// thread; the dashboard's thread only starts it, connects to the publisher's signals, and
// asks it to shut down.
#pragma once

#include "serverconfig.h"

#include <QThread>

#include <functional>

namespace pairmatch {

class AdminFeed;
class InProcessFeed;

class ServerThread final : public QThread
{
    Q_OBJECT

public:
    explicit ServerThread(const ServerConfig &config, QObject *parent = nullptr);
    // Shuts the server down (if it still runs) and waits for the thread.
    ~ServerThread() override;
    Q_DISABLE_COPY_MOVE(ServerThread)

    // Starts the thread and waits until its server listens (it has printed its listening
    // line), with `feed` (if any) attached to the server's FeedPublisher. False, with
    // errorString(), when it cannot listen. The feed must outlive the thread.
    bool startServer(InProcessFeed *feed = nullptr);
    QString errorString() const { return m_error; }
    // After a failed start: the exit status it calls for (ServerApp::exitCode(), else 1).
    int startExitCode() const { return m_startExitCode; }

    // ws://HOST:PORT of the players' port, once startServer() succeeded.
    QString url() const { return m_url; }
    // ws://HOST:PORT/admin when the admin API listens, else empty.
    QString adminUrl() const { return m_adminUrl; }

    // Closes every connection with 1001 as SIGTERM does; the thread finishes when all are
    // closed, within the same bound. Asked again while shutting down: finishes at once.
    void shutdown();

Q_SIGNALS:
    void started(bool listening);
    void shutdownRequested();

protected:
    void run() override;

private:
    const ServerConfig m_config;
    // Written by the server's thread before started() is emitted, read after it arrives.
    QString m_error;
    int m_startExitCode = 1;
    QString m_url;
    QString m_adminUrl;
    InProcessFeed *m_feed = nullptr;
};

// The dashboard mode: the server on a ServerThread, exactly as headless, and a dashboard
// opened on this thread by `open` (given the in-process feed and the players' URL; it
// returns the window), until the window closes — then the server shuts down as on SIGTERM,
// every player closed with 1001 within the same bound — or the server finishes (a signal),
// and the window with it. Runs this thread's event loop; returns the exit status.
int runWithDashboard(const ServerConfig &config,
    const std::function<QObject *(AdminFeed *feed, const QString &playersUrl)> &open);

} // namespace pairmatch
