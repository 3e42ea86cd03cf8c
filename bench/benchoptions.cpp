#include "benchoptions.h"

#include <QUrl>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMaxType = std::numeric_limits<qint32>::max();
constexpr int kMaxSourceAddresses = 65536;

// One flag: its name, help, and how to store its value (an error text when it is bad).
struct Flag {
    QString name;
    QString valueName; // empty: a switch
    QString help;
    std::function<QString(const QString &value, BenchOptions &)> apply;
};

std::function<QString(const QString &, BenchOptions &)> integer(
    std::function<void(BenchOptions &, qint64)> store, qint64 min, qint64 max)
{
    return [=](const QString &value, BenchOptions &o) -> QString {
        bool ok = false;
        const qint64 n = value.trimmed().toLongLong(&ok);
        if (!ok || n < min || n > max)
            return u"expected an integer from %1 to %2"_s.arg(min).arg(max);
        store(o, n);
        return {};
    };
}

std::function<QString(const QString &, BenchOptions &)> seconds(
    double BenchOptions::*field, double min, double max)
{
    return [=](const QString &value, BenchOptions &o) -> QString {
        bool ok = false;
        const double s = value.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(s) || s < min || s > max)
            return u"expected a number of seconds from %1 to %2"_s.arg(min).arg(max);
        o.*field = s;
        return {};
    };
}

QString applyUrl(const QString &value, BenchOptions &o)
{
    const QString expected = u"expected a ws:// or wss:// URL such as ws://127.0.0.1:8080"_s;
    const QUrl url(value.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return expected;
    const QString scheme = url.scheme().toLower();
    if (scheme != "ws"_L1 && scheme != "wss"_L1)
        return expected;
    if (url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
        return u"expected a base URL without query, fragment or user (the bench adds "
               "/ws/matching/{type} and /ws/round/{pairId})"_s;
    o.url = url.toString(QUrl::StripTrailingSlash);
    o.tls = scheme == "wss"_L1;
    o.host = url.host();
    o.port = quint16(url.port(o.tls ? 443 : 80));
    QByteArray path = url.path(QUrl::FullyEncoded).toUtf8();
    while (path.endsWith('/'))
        path.chop(1);
    o.pathPrefix = path;
    return {};
}

QString applyScenario(const QString &value, BenchOptions &o)
{
    const QString v = value.trimmed().toLower();
    const QList<ScenarioKind> all {ScenarioKind::Relay, ScenarioKind::RelayWide,
        ScenarioKind::Latency, ScenarioKind::Churn, ScenarioKind::Idle};
    if (v == "all"_L1) {
        o.scenarios = all;
        return {};
    }
    for (ScenarioKind kind : all) {
        if (v == scenarioName(kind)) {
            o.scenarios = {kind};
            return {};
        }
    }
    return u"expected relay, relay-wide, latency, churn, idle or all"_s;
}

std::vector<Flag> flags()
{
    std::vector<Flag> f;
    f.push_back({u"url"_s, u"URL"_s,
        u"Server base URL, ws://HOST:PORT or wss://HOST:PORT, optionally with a path "
        "prefix (ws://127.0.0.1:8080)."_s,
        applyUrl});
    f.push_back({u"scenario"_s, u"NAME"_s,
        u"relay, relay-wide, latency, churn, idle, or all of them in turn (relay)."_s,
        applyScenario});
    f.push_back({u"pairs"_s, u"P"_s,
        u"relay, relay-wide, latency: pairs playing at once (100; relay-wide 1000)."_s,
        integer([](BenchOptions &o, qint64 n) { o.pairs = int(n); }, 1, 1'000'000)});
    f.push_back(
        {u"window"_s, u"W"_s, u"relay, relay-wide: moves in flight per player (4; relay-wide 1)."_s,
            integer([](BenchOptions &o, qint64 n) { o.window = int(n); }, 1, 4096)});
    f.push_back({u"rate"_s, u"R"_s, u"latency: moves per second, all players together (2000)."_s,
        [](const QString &value, BenchOptions &o) -> QString {
            bool ok = false;
            const double r = value.trimmed().toDouble(&ok);
            if (!ok || !std::isfinite(r) || r < 1 || r > 10'000'000)
                return u"expected a number of moves per second from 1 to 10000000"_s;
            o.rate = r;
            return {};
        }});
    f.push_back({u"concurrency"_s, u"C"_s,
        u"churn: match lifecycles at once, each on its own 4 connections (50)."_s,
        integer([](BenchOptions &o, qint64 n) { o.concurrency = int(n); }, 1, 100'000)});
    f.push_back({u"moves"_s, u"M"_s, u"churn: moves per player per match (10)."_s,
        integer([](BenchOptions &o, qint64 n) { o.moves = int(n); }, 1, 1'000'000)});
    f.push_back({u"connections"_s, u"N"_s,
        u"idle: seated idle connections to open, rounded up to even (1000)."_s,
        integer([](BenchOptions &o, qint64 n) { o.connections = n + (n & 1); }, 2, 10'000'000)});
    f.push_back({u"duration"_s, u"S"_s,
        u"Seconds measured (idle: seconds the connections are held) (10)."_s,
        seconds(&BenchOptions::duration, 0.1, 86'400)});
    f.push_back({u"warmup"_s, u"S"_s, u"Seconds of load before measuring (3)."_s,
        seconds(&BenchOptions::warmup, 0, 86'400)});
    f.push_back({u"type-base"_s, u"T"_s,
        u"Pair slot k queues on game type T+k; give concurrent runs on one server "
        "ranges that do not overlap (1000000)."_s,
        integer([](BenchOptions &o, qint64 n) { o.typeBase = n; }, 0, kMaxType)});
    f.push_back({u"source-addresses"_s, u"LIST"_s,
        u"Local IPv4 addresses to bind client sockets to, in turn: a range "
        "127.0.0.2-127.0.0.40, a list 10.0.0.5,10.0.0.6, or both. One address carries "
        "about 28000 connections to one server port."_s,
        [](const QString &value, BenchOptions &o) -> QString {
            QString error;
            const std::optional<QList<QHostAddress>> list = parseAddressList(value, &error);
            if (!list)
                return error;
            o.sourceAddresses = *list;
            return {};
        }});
    f.push_back({u"insecure"_s, {}, u"wss://: do not verify the server's certificate."_s,
        [](const QString &, BenchOptions &o) {
            o.insecure = true;
            return QString();
        }});
    f.push_back({u"server-pid"_s, u"PID"_s,
        u"A server on this machine: read its CPU time and RSS from /proc/PID."_s,
        integer([](BenchOptions &o, qint64 n) { o.serverPid = n; }, 1, 1LL << 30)});
    f.push_back(
        {u"json"_s, {}, u"Print the results as JSON on stdout: an object, or an array for all."_s,
            [](const QString &, BenchOptions &o) {
                o.json = true;
                return QString();
            }});
    f.push_back({u"max-time"_s, u"S"_s,
        u"Hard bound on the whole run in seconds; default: derived from the other times."_s,
        seconds(&BenchOptions::maxTime, 1, 7 * 86'400)});
    return f;
}

bool parseIpv4(const QString &text, quint32 *out)
{
    QHostAddress a;
    if (!a.setAddress(text.trimmed()) || a.protocol() != QAbstractSocket::IPv4Protocol)
        return false;
    bool ok = false;
    *out = a.toIPv4Address(&ok);
    return ok;
}

} // namespace

QString scenarioName(ScenarioKind kind)
{
    switch (kind) {
    case ScenarioKind::Relay:
        return u"relay"_s;
    case ScenarioKind::RelayWide:
        return u"relay-wide"_s;
    case ScenarioKind::Latency:
        return u"latency"_s;
    case ScenarioKind::Churn:
        return u"churn"_s;
    case ScenarioKind::Idle:
        return u"idle"_s;
    }
    return {};
}

int BenchOptions::pairsFor(ScenarioKind kind) const
{
    if (pairs)
        return *pairs;
    return kind == ScenarioKind::RelayWide ? 1000 : 100;
}

int BenchOptions::windowFor(ScenarioKind kind) const
{
    if (window)
        return *window;
    return kind == ScenarioKind::RelayWide ? 1 : 4;
}

qint64 BenchOptions::slotsFor(ScenarioKind kind) const
{
    switch (kind) {
    case ScenarioKind::Relay:
    case ScenarioKind::RelayWide:
    case ScenarioKind::Latency:
        return pairsFor(kind);
    case ScenarioKind::Churn:
        return concurrency;
    case ScenarioKind::Idle:
        return connections / 2;
    }
    return 0;
}

std::optional<QList<QHostAddress>> parseAddressList(const QString &text, QString *error)
{
    QList<QHostAddress> out;
    const QStringList parts = text.split(u',');
    for (const QString &part : parts) {
        const qsizetype dash = part.indexOf(u'-');
        quint32 lo = 0;
        quint32 hi = 0;
        const bool ok = dash < 0
            ? parseIpv4(part, &lo) && parseIpv4(part, &hi)
            : parseIpv4(part.left(dash), &lo) && parseIpv4(part.mid(dash + 1), &hi);
        if (!ok || lo > hi) {
            *error = u"expected IPv4 addresses and ranges such as 127.0.0.2-127.0.0.40 or "
                     "10.0.0.5,10.0.0.6"_s;
            if (parts.size() > 1)
                *error += u"; '%1' is not one"_s.arg(part.trimmed());
            return std::nullopt;
        }
        if (out.size() + qint64(hi - lo) + 1 > kMaxSourceAddresses) {
            *error = u"expected at most %1 addresses"_s.arg(kMaxSourceAddresses);
            return std::nullopt;
        }
        for (quint64 a = lo; a <= hi; ++a)
            out.append(QHostAddress(quint32(a)));
    }
    return out;
}

BenchOptionsResult parseBenchOptions(const QStringList &arguments)
{
    BenchOptionsResult result;
    const std::vector<Flag> all = flags();

    const CommandLine line = parseCommandLine(arguments, u"pairmatch-bench"_s,
        u"pairmatch-bench: load-test a pairmatch deployment (or any server speaking its "
        "protocol).\nEvery move is checked; the exit status is 1 when any protocol error "
        "occurred, 2 for a bad option. See bench/README.md for what each figure means."_s,
        all);
    if (commandLineFinished(line, result))
        return result;
    const auto fail = [&](const QString &text) {
        return commandLineError(result, u"pairmatch-bench"_s, text);
    };

    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!line.values[i])
            continue;
        const Flag &flag = all[i];
        const QString &value = *line.values[i];
        const QString error = flag.apply(value, result.options);
        if (!error.isEmpty())
            return fail(u"--"_s + flag.name + u": "_s + error + u", got '"_s + value + u'\'');
    }

    const BenchOptions &o = result.options;
    if (!o.sourceAddresses.isEmpty()) {
        const QHostAddress target(o.host);
        if (!target.isNull() && target.protocol() != QAbstractSocket::IPv4Protocol)
            return fail(u"--source-addresses are IPv4: the --url host must be IPv4 too"_s);
    }
    qint64 slots = 0;
    for (ScenarioKind kind : o.scenarios)
        slots = std::max(slots, o.slotsFor(kind));
    if (o.typeBase + slots - 1 > kMaxType) {
        return fail(u"--type-base %1 plus %2 pair slots passes the largest type %3"_s.arg(
            QString::number(o.typeBase), QString::number(slots), QString::number(kMaxType)));
    }
    return result;
}

} // namespace pairmatch
