// pairmatch: the server, headless (--no-gui) or with the operator dashboard in the same
// process and thread; or, with --attach, the dashboard alone on a remote server's admin API.
// The dashboard lives in a plugin module (Qt Widgets) loaded only when wanted, so a headless
// server maps no GUI library at all.
#include "logging.h"
#include "options.h"
#include "servercore.h"
#include "signalwatcher.h"
#include "wsserver.h"

#include <QCoreApplication>
#include <QTimer>

#include <csignal>
#include <cstdio>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

QStringList argumentsOf(int argc, char **argv)
{
    QStringList list;
    list.reserve(argc);
    for (int i = 0; i < argc; ++i)
        list << QString::fromLocal8Bit(argv[i]);
    return list;
}

void printLine(FILE *to, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), to);
    if (!bytes.endsWith('\n'))
        std::fputc('\n', to);
    std::fflush(to);
}

int runHeadless(int argc, char **argv, const Options &options)
{
    // Qt's own event dispatcher: the glib one costs ~1.45x per wake-up (bench/README).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"pairmatch"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PAIRMATCH_VERSION));
    installDefaultMessagePattern();

    // Before anything can announce readiness: a signal right after "listening on" must
    // already shut down cleanly. SIGHUP (the terminal went away) too.
    SignalWatcher signals({SIGTERM, SIGINT, SIGHUP});
    SteadyClock clock;
    ServerCore core(options.config, clock);
    WsServer players(core, options.config);
    if (!players.listen()) {
        printLine(stderr, u"pairmatch: "_s + players.errorString());
        return 1;
    }
    printLine(stdout, u"listening on "_s + players.url());

    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &app, [] {
        qCWarning(lcNet) << "connections still open at the shutdown deadline; exiting";
        QCoreApplication::exit(0);
    });
    QObject::connect(
        &core, &ServerCore::allConnectionsClosed, &app, [] { QCoreApplication::exit(0); });
    QObject::connect(
        &signals, &SignalWatcher::received, &app, [&](int signal) {
            if (core.isShuttingDown()) {
                QCoreApplication::exit(0); // a second signal: leave now
                return;
            }
            qCInfo(lcNet).noquote()
                << u"signal %1: shutting down, closing %2 connections"_s.arg(signal).arg(
                       core.connectionCount());
            players.close(); // the port is free from here on
            deadline.start(int(options.config.closeGraceMs) + 1500);
            core.shutdown();
        });
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    const OptionsResult parsed = parseOptions(argumentsOf(argc, argv));
    switch (parsed.action) {
    case OptionsResult::Action::Help:
    case OptionsResult::Action::Version:
        printLine(stdout, parsed.text);
        return 0;
    case OptionsResult::Action::Error:
        printLine(stderr, parsed.text);
        return 2;
    case OptionsResult::Action::Run:
        break;
    }
    if (parsed.options.noGui)
        return runHeadless(argc, argv, parsed.options);
    printLine(
        stderr, u"pairmatch: the dashboard is not part of this build yet; run with --no-gui"_s);
    return 1;
}
