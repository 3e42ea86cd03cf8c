// pairmatch: the server, headless (--no-gui) or with the operator dashboard in the same
// process (the server on a thread of its own); or, with --attach, the dashboard alone on a
// remote server's admin API.
// The dashboard lives in a module (Qt Widgets) loaded only when wanted, so a headless server
// maps no GUI library at all.
#include "adminfeed.h"
#include "dashboardloader.h"
#include "epolldispatcher.h"
#include "logging.h"
#include "options.h"
#include "serverapp.h"
#include "serverthread.h"

#include <QCoreApplication>

#include <cstdio>
#include <memory>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

void identify()
{
    QCoreApplication::setApplicationName(u"pairmatch"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PAIRMATCH_VERSION));
    installDefaultMessagePattern();
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

} // namespace

int main(int argc, char **argv)
{
    const OptionsResult parsed = parseOptions(argumentsOf(argc, argv));
    if (const std::optional<int> status = finishCommandLine(parsed.action, parsed.text))
        return *status;
    const Options &options = parsed.options;

    if (options.noGui) {
        // An epoll dispatcher: Qt's polls every socket on every pass of the loop
        // (server/epolldispatcher.h). PAIRMATCH_EVENT_DISPATCHER=qt keeps Qt's own, without
        // glib (which costs ~1.45x per wake-up, as the shared reference bench measured).
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
    const std::unique_ptr<QCoreApplication> app(dashboard.createApplication(argc, argv));
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
