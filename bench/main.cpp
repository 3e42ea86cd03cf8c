// pairmatch-bench: load-tests a pairmatch deployment with the protocol's real lifecycle and
// checks every move. One thread, one Qt event loop, Qt Core and Network only.
#include "benchoptions.h"
#include "report.h"
#include "scenario.h"
#include "stats.h"
#include "wsclient.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostInfo>
#include <QNetworkInterface>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QTimer>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

void printTo(FILE *to, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), to);
    std::fflush(to);
}

// The soft open-file limit raised to the hard one; returns the limit in force.
qint64 raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur == RLIM_INFINITY ? (1LL << 30) : qint64(limit.rlim_cur);
}

// Local ports one source address can use towards one server address and port.
qint64 localPortCount()
{
    QFile file(u"/proc/sys/net/ipv4/ip_local_port_range"_s);
    if (!file.open(QIODevice::ReadOnly))
        return 28232;
    const QList<QByteArray> parts = file.readAll().simplified().split(' ');
    if (parts.size() != 2)
        return 28232;
    return parts.at(1).toLongLong() - parts.at(0).toLongLong() + 1;
}

QByteArray randomRunId()
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    QByteArray id(8, Qt::Uninitialized);
    for (char &c : id)
        c = digits[QRandomGenerator::system()->bounded(36)];
    return id;
}

bool isLocalAddress(const QHostAddress &address)
{
    return address.isLoopback() || QNetworkInterface::allAddresses().contains(address);
}

// SIGINT and SIGTERM reach the event loop through a socket pair (a handler may only write).
int g_signalFds[2] = {-1, -1};
void onSignal(int signal)
{
    const char c = char(signal);
    [[maybe_unused]] const auto written = ::write(g_signalFds[1], &c, 1);
}

// Everything a run needs, resolved from the options; an error text when it cannot run.
struct Plan {
    WsTarget target;
    std::vector<ScenarioConfig> scenarios;
    double maxTime = 0;
    QStringList warnings;
};

std::optional<Plan> makePlan(const BenchOptions &o, qint64 fileLimit, QString *error)
{
    Plan plan;
    // the server address, resolved once
    QHostAddress address(o.host);
    if (address.isNull()) {
        const QHostInfo info = QHostInfo::fromName(o.host);
        for (const QHostAddress &a : info.addresses()) {
            if (o.sourceAddresses.isEmpty() || a.protocol() == QAbstractSocket::IPv4Protocol) {
                address = a;
                break;
            }
        }
        if (address.isNull()) {
            *error = info.addresses().isEmpty()
                ? u"cannot resolve %1: %2"_s.arg(o.host, info.errorString())
                : u"%1 has no IPv4 address, and --source-addresses are IPv4"_s.arg(o.host);
            return std::nullopt;
        }
    }
    plan.target.address = address;
    plan.target.port = o.port;
    const bool defaultPort = o.port == (o.tls ? 443 : 80);
    const QString hostText = o.host.contains(u':') ? u'[' + o.host + u']' : o.host;
    plan.target.hostHeader
        = (defaultPort ? hostText : hostText + u':' + QString::number(o.port)).toUtf8();
    plan.target.tls = o.tls;
    if (o.tls) {
        if (!QSslSocket::supportsSsl()) {
            *error = u"wss:// needs TLS, and Qt has no TLS backend here"_s;
            return std::nullopt;
        }
        plan.target.tlsPeerName = o.host;
        plan.target.ssl = QSslConfiguration::defaultConfiguration();
        if (o.insecure)
            plan.target.ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    }

    ProcessSample server;
    if (o.serverPid) {
        server = readProcess(o.serverPid);
        if (!server.ok) {
            *error
                = u"--server-pid: cannot read /proc/%1 (no such process here?)"_s.arg(o.serverPid);
            return std::nullopt;
        }
        if (!isLocalAddress(address)) {
            plan.warnings << u"--server-pid %1 is a process here, but %2 is not a local "
                             "address: its CPU and RSS may not be the server's"_s.arg(
                                 QString::number(o.serverPid), address.toString());
        }
    }

    // Open files and local ports bound the connections; say so before starting.
    const qint64 ports = localPortCount() * std::max<qint64>(1, o.sourceAddresses.size());
    const qint64 setupOverhead = 4LL * ScenarioConfig::kSetupConcurrency + 64;
    const QByteArray runId = randomRunId();
    for (ScenarioKind kind : o.scenarios) {
        ScenarioConfig c;
        c.kind = kind;
        c.pairs = o.pairsFor(kind);
        c.window = o.windowFor(kind);
        c.rate = o.rate;
        c.concurrency = o.concurrency;
        c.moves = o.moves;
        c.duration = o.duration;
        c.warmup = o.warmup;
        c.typeBase = o.typeBase;
        c.pathPrefix = o.pathPrefix;
        c.sources = o.sourceAddresses;
        c.serverPid = o.serverPid;
        c.runId = runId + '-' + QByteArray::number(int(kind));
        c.url = o.url;
        qint64 needed = 0;
        switch (kind) {
        case ScenarioKind::Relay:
        case ScenarioKind::RelayWide:
        case ScenarioKind::Latency:
            needed = 2LL * c.pairs;
            break;
        case ScenarioKind::Churn:
            needed = 8LL * c.concurrency; // 4 per match, and as many closing
            break;
        case ScenarioKind::Idle: {
            c.connectionsRequested = o.connections;
            qint64 cap = fileLimit - setupOverhead;
            QString reason = u"open-file limit of the bench: %1"_s.arg(fileLimit);
            if (server.ok && server.fdLimit > 0 && server.fdLimit - setupOverhead < cap) {
                cap = server.fdLimit - setupOverhead;
                reason = u"open-file limit of the server: %1"_s.arg(server.fdLimit);
            }
            if (ports - setupOverhead < cap) {
                cap = ports - setupOverhead;
                reason = u"local ports: %1 per source address; give more --source-addresses"_s.arg(
                    localPortCount());
            }
            cap &= ~1LL;
            qint64 n = o.connections;
            if (n > cap) {
                n = std::max<qint64>(2, cap);
                c.capReason = reason;
                plan.warnings << u"idle: %1 connections asked, capped at %2 by the %3"_s.arg(
                    QString::number(o.connections), QString::number(n), reason);
            }
            c.pairs = int(n / 2);
            break;
        }
        }
        if (needed + setupOverhead > fileLimit) {
            *error = u"%1 needs about %2 open files; the limit here is %3 (ulimit -Hn)"_s.arg(
                scenarioName(kind), QString::number(needed + setupOverhead),
                QString::number(fileLimit));
            return std::nullopt;
        }
        if (needed + setupOverhead > ports) {
            *error
                = u"%1 needs about %2 connections at once; one source address has %3 "
                  "local ports: give --source-addresses"_s.arg(scenarioName(kind),
                      QString::number(needed + setupOverhead), QString::number(localPortCount()));
            return std::nullopt;
        }
        plan.maxTime += c.boundSeconds();
        plan.scenarios.push_back(c);
    }
    plan.maxTime = o.maxTime > 0 ? o.maxTime : plan.maxTime + 10;
    return plan;
}

} // namespace

int main(int argc, char **argv)
{
    const BenchOptionsResult parsed = parseBenchOptions(argumentsOf(argc, argv));
    if (const std::optional<int> status = finishCommandLine(parsed.action, parsed.text))
        return *status;
    const BenchOptions &options = parsed.options;
    // Qt's default (glib) event dispatcher, unlike the server: with thousands of client
    // sockets ready at once, Qt 6.4's own (QT_NO_GLIB=1) pays for each a search through all
    // the others pending (a QList::contains), and relay-wide ran ~25% slower with it.
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"pairmatch-bench"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PAIRMATCH_VERSION));
    std::signal(SIGPIPE, SIG_IGN);
    const qint64 fileLimit = raiseFileLimit();

    QString error;
    const std::optional<Plan> plan = makePlan(options, fileLimit, &error);
    if (!plan) {
        printLine(stderr, u"pairmatch-bench: "_s + error);
        return 2;
    }
    for (const QString &warning : plan->warnings)
        printLine(stderr, u"pairmatch-bench: warning: "_s + warning);

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalFds) == 0) {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }

    const bool tty = ::isatty(STDERR_FILENO);
    std::vector<ScenarioResult> results;
    std::size_t index = 0;
    ScenarioRunner *current = nullptr;
    QString stopReason; // max-time or a signal: abort the current scenario, skip the rest
    bool progressShown = false;
    Counters last;

    const auto endProgressLine = [&] {
        if (tty && progressShown)
            printTo(stderr, u"\n"_s);
        progressShown = false;
    };
    const auto report = [&] {
        endProgressLine();
        for (std::size_t i = results.size(); i < plan->scenarios.size(); ++i) {
            ScenarioResult skipped;
            skipped.kind = plan->scenarios[i].kind;
            skipped.url = options.url;
            skipped.abortReason = stopReason.isEmpty() ? u"not run"_s : stopReason;
            results.push_back(skipped);
        }
        if (options.json) {
            const QByteArray json = resultsToJson(results, plan->scenarios.size() > 1);
            std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
            std::fflush(stdout);
        } else {
            printTo(stdout, formatReport(results));
        }
        bool ok = true;
        for (const ScenarioResult &r : results)
            ok = ok && r.ok();
        return ok ? 0 : 1;
    };

    std::function<void()> next = [&] {
        if (index >= plan->scenarios.size() || !stopReason.isEmpty()) {
            QCoreApplication::exit(report());
            return;
        }
        current = new ScenarioRunner(plan->scenarios[index], plan->target, &app);
        last = Counters();
        QObject::connect(current, &ScenarioRunner::finished, &app, [&] {
            results.push_back(current->result());
            current->deleteLater();
            current = nullptr;
            ++index;
            endProgressLine();
            next();
        });
        current->start();
    };

    QTimer progress;
    progress.setInterval(1000);
    QObject::connect(&progress, &QTimer::timeout, &app, [&] {
        if (!current)
            return;
        const ScenarioConfig &c = plan->scenarios[index];
        const Counters &now = current->counters();
        QString line = u"[%1] %2"_s.arg(scenarioName(c.kind), current->phaseName());
        const double left = current->phaseRemainingSeconds();
        if (left >= 0)
            line += u" (%1 s left)"_s.arg(qRound(left));
        line += u" | %1 connections | %2/%3 pairs ready"_s.arg(current->liveConnections())
                    .arg(current->pairsReady())
                    .arg(current->pairsTotal());
        if (c.kind == ScenarioKind::Churn)
            line += u" | %1 matches/s"_s.arg(now.matches - last.matches);
        else if (c.kind != ScenarioKind::Idle)
            line += u" | %1 moves/s"_s.arg(now.own - last.own);
        line += u" | %1 errors"_s.arg(now.errors.total());
        last = now;
        printTo(stderr, tty ? u"\r"_s + line + u"\x1b[K"_s : line + u'\n');
        progressShown = true;
    });
    progress.start();

    const auto stop = [&](const QString &reason) {
        if (!stopReason.isEmpty())
            return;
        stopReason = reason;
        if (current)
            current->abort(reason);
        // The runner closes within seconds; should it not, report what there is.
        QTimer::singleShot(10'000, &app, [&] { QCoreApplication::exit(report()); });
    };

    QTimer maxTime;
    maxTime.setSingleShot(true);
    QObject::connect(&maxTime, &QTimer::timeout, &app,
        [&] { stop(u"--max-time %1 s reached"_s.arg(plan->maxTime)); });
    maxTime.start(int(std::min(plan->maxTime * 1000, 2e9)));

    std::unique_ptr<QSocketNotifier> signals;
    if (g_signalFds[0] >= 0) {
        signals = std::make_unique<QSocketNotifier>(g_signalFds[0], QSocketNotifier::Read);
        QObject::connect(signals.get(), &QSocketNotifier::activated, &app, [&] {
            char c = 0;
            [[maybe_unused]] const auto got = ::read(g_signalFds[0], &c, 1);
            if (!stopReason.isEmpty())
                ::_exit(130); // a second signal: leave now
            stop(u"interrupted by signal %1"_s.arg(int(c)));
        });
    }

    QTimer::singleShot(0, &app, next);
    return QCoreApplication::exec();
}
