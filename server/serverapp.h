// The whole server on the thread that makes it: the core, the players' listener, the admin
// API, and what a signal or a shutdown does. Headless, main() runs it on the main thread;
// with the dashboard, a ServerThread runs it on a thread of its own, so that watching never
// slows playing.
#pragma once

#include "clock.h"
#include "serverconfig.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace pairmatch {

class AdminServer;
class HistoryRequests;
class HistoryStore;
class OpsEndpoints;
class ServerCore;
class SignalWatcher;
class WsServer;

class ServerApp final : public QObject
{
    Q_OBJECT

public:
    explicit ServerApp(const ServerConfig &config, QObject *parent = nullptr);
    ~ServerApp() override;
    Q_DISABLE_COPY_MOVE(ServerApp)

    // Watches SIGTERM, SIGINT (shut down) and SIGHUP (reload the TLS certificate and key),
    // opens the match history (--history), listens, and prints `listening on ws://HOST:PORT`
    // (and `admin on ...`, `metrics on ...`) on stdout. False, with errorString(), when it
    // cannot listen or open the history (then exitCode() is 2).
    bool start();
    QString errorString() const { return m_error; }
    // The exit status the process should end with: 0, or 2 when a cluster refused this node
    // (its --node-id is held by a live node) at start or later, or the history file could
    // not be opened.
    int exitCode() const { return m_exitCode; }

    ServerCore &core() { return *m_core; }
    // The operators' queries of the match history (the admin API's and the in-process
    // dashboard's `history`).
    HistoryRequests &historyRequests() { return *m_historyRequests; }
    // The match history, once started; null with --history off.
    HistoryStore *history() const { return m_history.get(); }
    // ws://HOST:PORT (or wss://) of the players' port, once listening.
    QString playersUrl() const;
    // ws://HOST:PORT/admin when the admin API listens, else empty.
    QString adminUrl() const;
    bool isShuttingDown() const;

    // Stops accepting at once (the ports are free again) and closes every connection with
    // 1001; finished() follows when all are closed, or at the deadline (closeGraceMs + 1.5
    // s). Called again while shutting down, it finishes at once.
    void shutdown();

Q_SIGNALS:
    // The server is done: every connection closed, or the deadline passed.
    void finished();

private:
    void onSignal(int signal);
    void finishIfDone();
    void reloadCertificates();

    ServerConfig m_config;
    SteadyClock m_clock;
    // Before the core: destroyed after it, so the records of its last pairs are written.
    std::unique_ptr<HistoryStore> m_history;
    std::unique_ptr<ServerCore> m_core;
    std::unique_ptr<HistoryRequests> m_historyRequests;
    std::unique_ptr<WsServer> m_players;
    std::unique_ptr<OpsEndpoints> m_ops;
    std::unique_ptr<AdminServer> m_admin;
    // Open until the process ends: /readyz answers 503 all through a shutdown.
    std::unique_ptr<WsServer> m_metrics;
    std::unique_ptr<SignalWatcher> m_signals;
    QTimer m_deadline;
    QString m_error;
    bool m_finished = false;
    bool m_connectionsClosed = false;
    int m_exitCode = 0;
};

} // namespace pairmatch
