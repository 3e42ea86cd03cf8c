// pairmatch: the server, headless (--no-gui) or with the operator dashboard in the same
// process (the server on a thread of its own, serverthread.h); or, with --attach, the
// dashboard alone on a remote server's admin API.
// The dashboard lives in a module (Qt Widgets) loaded only when wanted, so a headless server
// maps no GUI library at all. Without --no-gui on a machine with no display, it says so and
// exits 2, or runs headless when started as a service (stdin not a terminal).
//
// Signals: SIGTERM and SIGINT shut down (a second one exits at once); SIGHUP reloads the TLS
// certificate and key.
#include "adminfeed.h"
#include "dashboardloader.h"
#include "displayprobe.h"
#include "epolldispatcher.h"
#include "logging.h"
#include "options.h"
#include "serverapp.h"
#include "serverthread.h"

#include <QCoreApplication>

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

// The server alone, on the main thread's event loop.
int runHeadless(const Options &options)
{
    ServerApp server(options.config);
    if (!server.start()) {
        printLine(stderr, u"pairmatch: "_s + server.errorString());
        return server.exitCode() ? server.exitCode() : 1;
    }
    QObject::connect(&server, &ServerApp::finished, &server,
        [&server] { QCoreApplication::exit(server.exitCode()); });
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
        // glib (which costs more per wake-up).
        if (qEnvironmentVariable("PAIRMATCH_EVENT_DISPATCHER") == "qt"_L1) {
            if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
                qputenv("QT_NO_GLIB", "1");
        } else {
            QCoreApplication::setEventDispatcher(new EpollDispatcher);
        }
        QCoreApplication app(argc, argv);
        identify();
        return runHeadless(options);
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
        return runWithDashboard(options.config,
            [&dashboard](AdminFeed *feed, const QString &) { return dashboard.open(feed); });

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
