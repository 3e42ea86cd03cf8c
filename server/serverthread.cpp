#include "serverthread.h"

#include "commandline.h"
#include "epolldispatcher.h"
#include "feedpublisher.h"
#include "inprocessfeed.h"
#include "serverapp.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QPointer>

namespace pairmatch {

using namespace Qt::StringLiterals;

ServerThread::ServerThread(const ServerConfig &config, QObject *parent)
    : QThread(parent)
    , m_config(config)
{
    setObjectName(u"pairmatch-server"_s); // the thread's name, as ps and gdb show it
    // The server's dispatcher, as headless; PAIRMATCH_EVENT_DISPATCHER=qt keeps Qt's.
    if (qEnvironmentVariable("PAIRMATCH_EVENT_DISPATCHER") != "qt"_L1)
        setEventDispatcher(new EpollDispatcher);
}

ServerThread::~ServerThread()
{
    if (isRunning()) {
        shutdown();
        wait();
    }
}

bool ServerThread::startServer(InProcessFeed *feed)
{
    m_feed = feed;
    QEventLoop waiting;
    bool listening = false;
    connect(this, &ServerThread::started, &waiting, [&](bool ok) {
        listening = ok;
        waiting.quit();
    });
    connect(this, &QThread::finished, &waiting, &QEventLoop::quit);
    start();
    waiting.exec();
    return listening;
}

void ServerThread::shutdown()
{
    Q_EMIT shutdownRequested();
}

void ServerThread::run()
{
    ServerApp app(m_config);
    if (!app.start()) {
        m_error = app.errorString();
        m_startExitCode = app.exitCode() ? app.exitCode() : 1;
        Q_EMIT started(false);
        return;
    }
    FeedPublisher publisher(app.core());
    publisher.setHistory(&app.historyRequests());
    if (m_feed)
        m_feed->attach(&publisher);
    m_url = app.playersUrl();
    m_adminUrl = app.adminUrl();
    connect(
        this, &ServerThread::shutdownRequested, &app, &ServerApp::shutdown, Qt::QueuedConnection);
    connect(&app, &ServerApp::finished, &app, [this] { quit(); });
    Q_EMIT started(true);
    exec();
}

int runWithDashboard(const ServerConfig &config,
    const std::function<QObject *(AdminFeed *feed, const QString &playersUrl)> &open)
{
    ServerThread server(config);
    // Before it starts: a signal may end the server while the window is being made.
    QObject::connect(&server, &QThread::finished, qApp, [] { QCoreApplication::exit(0); });
    InProcessFeed feed;
    if (!server.startServer(&feed)) {
        printLine(stderr, u"pairmatch: "_s + server.errorString());
        return server.startExitCode();
    }
    const QPointer<QObject> window = open(&feed, server.url());
    const int status = server.isFinished() ? 0 : QCoreApplication::exec();
    server.shutdown(); // the window closed: the players are told, within the shutdown bound
    server.wait();
    delete window.data();
    return status;
}

} // namespace pairmatch
