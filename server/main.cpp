// pairmatch: the server, headless (--no-gui) or with the operator dashboard in the same
// process and thread; or, with --attach, the dashboard alone on a remote server's admin API.
// The dashboard lives in a module (Qt Widgets) loaded only when wanted, so a headless server
// maps no GUI library at all. Without --no-gui on a machine with no display, it says so and
// exits 2, or runs headless when started as a service (stdin not a terminal).
//
// Signals: SIGTERM and SIGINT shut down (a second one exits at once); SIGHUP reloads the TLS
// certificate and key.
#include "adminfeed.h"
#include "adminserver.h"
#include "dashboardloader.h"
#include "displayprobe.h"
#include "epolldispatcher.h"
#include "localfeed.h"
#include "logging.h"
#include "opsendpoints.h"
#include "options.h"
#include "playerlistener.h"
#include "servercore.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

void identify()
{
    QCoreApplication::setApplicationName(u"pairmatch"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PAIRMATCH_VERSION));
}

// SIGHUP: the certificate and key files are read again; new connections get the new pair,
// open ones keep theirs. A bad new pair is logged and the old one kept.
void reloadCertificates(const ServerConfig &config, WsServer &players, AdminServer *admin)
{
    if (config.tlsCertFile.isEmpty()) {
        qCInfo(lcNet) << "SIGHUP: no TLS certificate is configured (--tls-cert): nothing to reload";
        return;
    }
    QString error;
    QString summary;
    if (!players.reloadTls(&error, &summary)) {
        qCWarning(lcNet).noquote() << u"SIGHUP: TLS certificate not reloaded, the one in use is "
                                      "kept: "_s
                + error;
        return;
    }
    if (admin && !admin->reloadTls(&error))
        qCWarning(lcAdmin).noquote() << u"SIGHUP: admin port: "_s + error;
    qCInfo(lcNet).noquote() << u"SIGHUP: TLS certificate reloaded from %1 (%2): new connections "
                               "use it"_s.arg(config.tlsCertFile, summary);
}

QString httpUrl(const WsServer &server, const char *path)
{
    const QHostAddress a = server.address();
    const QString host
        = a.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + a.toString() + u']' : a.toString();
    return u"http://%1:%2%3"_s.arg(host).arg(server.port()).arg(QLatin1StringView(path));
}

// The server, on the current thread's event loop; with a dashboard when one is given.
int runServer(const Options &options, const DashboardLoader *dashboard)
{
    const ServerConfig &config = options.config;
    // Before anything can announce readiness: a signal right after "listening on" must
    // already shut down cleanly (or reload, for SIGHUP).
    SignalWatcher signals({SIGTERM, SIGINT, SIGHUP});
    SteadyClock clock;
    ServerCore core(config, clock);
    const std::unique_ptr<WsServer> players = makePlayerListener(core, config);
    if (!players->listen()) {
        printLine(stderr, u"pairmatch: "_s + players->errorString());
        return 1;
    }
    const OpsEndpoints ops(core, players.get());
    std::unique_ptr<AdminServer> admin;
    if (config.adminPort >= 0) {
        admin = std::make_unique<AdminServer>(core, config);
        admin->setHttpHandler(ops.handler());
        if (!admin->listen()) {
            printLine(stderr, u"pairmatch: admin API: "_s + admin->errorString());
            return 1;
        }
    }
    // Open until the process ends: /readyz answers 503 all through a shutdown.
    std::unique_ptr<WsServer> metrics;
    if (config.metricsPort >= 0) {
        metrics = makeMetricsListener(core, config, ops);
        if (!metrics->listen()) {
            printLine(stderr, u"pairmatch: metrics: "_s + metrics->errorString());
            return 1;
        }
    }
    printLine(stdout, u"listening on "_s + players->url());
    if (admin)
        printLine(stdout, u"admin on "_s + admin->url());
    if (metrics)
        printLine(stdout, u"metrics on "_s + httpUrl(*metrics, "/metrics"));

    std::unique_ptr<LocalFeed> feed;
    if (dashboard) {
        feed = std::make_unique<LocalFeed>(core);
        dashboard->open(feed.get());
    }

    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &core, [] {
        qCWarning(lcNet) << "connections still open at the shutdown deadline; exiting";
        QCoreApplication::exit(0);
    });
    QObject::connect(
        &core, &ServerCore::allConnectionsClosed, &core, [] { QCoreApplication::exit(0); });
    QObject::connect(
        &signals, &SignalWatcher::received, &core, [&](int signal) {
            if (signal == SIGHUP) {
                reloadCertificates(config, *players, admin.get());
                return;
            }
            if (core.isShuttingDown()) {
                QCoreApplication::exit(0); // a second signal: leave now
                return;
            }
            qCInfo(lcNet).noquote()
                << u"signal %1: shutting down, closing %2 connections"_s.arg(signal).arg(
                       core.connectionCount());
            players->close(); // the port is free from here on
            if (admin)
                admin->close();
            deadline.start(int(config.closeGraceMs) + 1500);
            core.shutdown();
        });
    return QCoreApplication::exec();
}

// The process has no display for the dashboard: one line and exit 2 at a terminal; started
// as a service (stdin not a terminal), the server alone with one warning line.
std::optional<int> noDisplay(Options &options)
{
    if (options.noGui)
        return std::nullopt;
    const DisplayCheck display = checkDisplay();
    if (display.available)
        return std::nullopt;
    if (!options.attachUrl.isEmpty() || ::isatty(STDIN_FILENO)) {
        printLine(stderr,
            u"pairmatch: no display to open the dashboard on (%1); run the server alone with "
            "--no-gui"_s.arg(display.why));
        return 2;
    }
    printLine(stderr,
        u"pairmatch: warning: no display (%1) and stdin is not a terminal: running the server "
        "alone, as with --no-gui"_s.arg(display.why));
    options.noGui = true;
    return std::nullopt;
}

} // namespace

int main(int argc, char **argv)
{
    OptionsResult parsed = parseOptions(argumentsOf(argc, argv));
    if (const std::optional<int> status = finishCommandLine(parsed.action, parsed.text))
        return *status;
    Options &options = parsed.options;
    installLogHandler(options.logFormat);
    setLogLevel(options.logLevel);
    if (const std::optional<int> status = noDisplay(options))
        return *status;

    if (options.noGui) {
        // An epoll dispatcher: Qt's polls every socket on every pass of the loop
        // (server/epolldispatcher.h). PAIRMATCH_EVENT_DISPATCHER=qt keeps Qt's own, without
        // glib (which costs ~1.45x per wake-up, ../shared/bench/README.md).
        if (qEnvironmentVariable("PAIRMATCH_EVENT_DISPATCHER") == "qt"_L1) {
            if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
                qputenv("QT_NO_GLIB", "1");
        } else {
            QCoreApplication::setEventDispatcher(new EpollDispatcher);
        }
        QCoreApplication app(argc, argv);
        identify();
        return runServer(options, nullptr);
    }

    DashboardLoader dashboard;
    if (!dashboard.load()) {
        printLine(stderr,
            u"pairmatch: "_s + dashboard.errorString()
                + u". Run the server alone with --no-gui."_s);
        return 1;
    }
    std::unique_ptr<QCoreApplication> app;
    {
        const PlatformStartGuard guard; // Qt failing to open the display after all: one line
        app.reset(dashboard.createApplication(argc, argv));
    }
    identify();
    if (options.attachUrl.isEmpty())
        return runServer(options, &dashboard);

    if (options.config.adminToken.isEmpty()) {
        printLine(stderr,
            u"pairmatch: --attach needs the server's admin token: set "
            "PAIRMATCH_ADMIN_TOKEN (or --admin-token)"_s);
        return 2;
    }
    const std::unique_ptr<AdminFeed> feed(
        dashboard.attach(options.attachUrl, options.config.adminToken));
    dashboard.open(feed.get());
    return QCoreApplication::exec();
}
