#include "options.h"

#include "handshakepolicy.h"
#include "redisurl.h"

#include <QHostAddress>
#include <QStandardPaths>

#include <functional>
#include <limits>
#include <vector>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// One flag: its name, help, and how to store its value (an error text when it is bad).
struct Flag {
    QString name;
    QString valueName; // empty: a switch
    QString help;
    std::function<QString(const QString &value, Options &)> apply;
};

QString envName(const QString &flag)
{
    return u"PAIRMATCH_"_s + flag.toUpper().replace(u'-', u'_');
}

std::function<QString(const QString &, Options &)> integer(
    qint64 ServerConfig::*field, qint64 min, qint64 max)
{
    return [=](const QString &value, Options &o) -> QString {
        bool ok = false;
        const qint64 n = value.trimmed().toLongLong(&ok);
        if (!ok || n < min || n > max) {
            return max == std::numeric_limits<qint64>::max()
                ? u"expected an integer of at least %1"_s.arg(min)
                : u"expected an integer from %1 to %2"_s.arg(min).arg(max);
        }
        o.config.*field = n;
        return {};
    };
}

QString checkHost(const QString &value)
{
    if (value == "localhost"_L1 || !QHostAddress(value).isNull())
        return {};
    return u"expected an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or localhost"_s;
}

std::function<QString(const QString &, Options &)> port(auto setter, int min)
{
    return [=](const QString &value, Options &o) -> QString {
        bool ok = false;
        const int n = value.trimmed().toInt(&ok);
        if (!ok || n < min || n > 65535)
            return u"expected a port number from %1 to 65535"_s.arg(min);
        setter(o, n);
        return {};
    };
}

std::vector<Flag> flags()
{
    constexpr qint64 big = std::numeric_limits<qint64>::max();
    constexpr qint64 day = 24LL * 3600 * 1000;
    std::vector<Flag> f;
    f.push_back({u"no-gui"_s, {}, u"Run the server only, with no dashboard and no display."_s,
        [](const QString &, Options &o) {
            o.noGui = true;
            return QString();
        }});
    f.push_back({u"host"_s, u"ADDR"_s, u"Address to listen on for players (127.0.0.1)."_s,
        [](const QString &v, Options &o) {
            const QString error = checkHost(v);
            if (error.isEmpty())
                o.config.host = v;
            return error;
        }});
    f.push_back({u"port"_s, u"N"_s, u"Port for players; 0 picks a free one (8080)."_s,
        port([](Options &o, int n) { o.config.port = quint16(n); }, 0)});
    f.push_back({u"prepare-timeout-ms"_s, u"N"_s,
        u"Time from prepare until both seats must be taken (10000)."_s,
        integer(&ServerConfig::prepareTimeoutMs, 1, day)});
    f.push_back({u"ping-interval-ms"_s, u"N"_s, u"Ping every connection this often (20000)."_s,
        integer(&ServerConfig::pingIntervalMs, 1, day)});
    f.push_back({u"ping-timeout-ms"_s, u"N"_s,
        u"Close a connection that has not answered a ping within this (10000)."_s,
        integer(&ServerConfig::pingTimeoutMs, 1, day)});
    f.push_back({u"rate-limit"_s, u"N"_s,
        u"Messages per second per connection; 0 turns the limit off (50)."_s,
        integer(&ServerConfig::rateLimit, 0, 1'000'000'000)});
    f.push_back({u"rate-burst"_s, u"N"_s, u"Messages a connection may send at once (100)."_s,
        integer(&ServerConfig::rateBurst, 1, 1'000'000'000)});
    f.push_back({u"max-frame-bytes"_s, u"N"_s,
        u"Largest frame a client may send; beyond it close 1009 (65536)."_s,
        integer(&ServerConfig::maxFrameBytes, 64, 1LL << 30)});
    f.push_back({u"max-connections"_s, u"N"_s,
        u"Connections at once; beyond it the handshake gets HTTP 503 (100000)."_s,
        integer(&ServerConfig::maxConnections, 1, 100'000'000)});
    f.push_back(
        {u"max-data-bytes"_s, u"N"_s, u"Largest data of a game move, compact JSON (16384)."_s,
            integer(&ServerConfig::maxDataBytes, 1, 1LL << 30)});
    f.push_back({u"max-user-bytes"_s, u"N"_s, u"Largest user object, compact JSON (2048)."_s,
        integer(&ServerConfig::maxUserBytes, 16, 1LL << 30)});
    f.push_back({u"handshake-timeout-ms"_s, u"N"_s,
        u"Time from TCP accept until the WebSocket is open (10000)."_s,
        integer(&ServerConfig::handshakeTimeoutMs, 1, day)});
    f.push_back({u"max-send-buffer-bytes"_s, u"N"_s,
        u"Unsent bytes a slow reader may hold before it is closed with 1008 "
        "(4194304)."_s,
        integer(&ServerConfig::maxSendBufferBytes, 1024, big)});
    f.push_back({u"tls-cert"_s, u"FILE"_s,
        u"PEM certificate (chain); with --tls-key, players use wss://."_s,
        [](const QString &v, Options &o) {
            o.config.tlsCertFile = v;
            return QString();
        }});
    f.push_back({u"tls-key"_s, u"FILE"_s, u"PEM private key for --tls-cert."_s,
        [](const QString &v, Options &o) {
            o.config.tlsKeyFile = v;
            return QString();
        }});
    f.push_back({u"web"_s, u"on|off"_s, u"Serve the web game at / on the players' port (on)."_s,
        [](const QString &v, Options &o) {
            const QString value = v.trimmed().toLower();
            if (value == "on"_L1 || value == "1"_L1 || value == "true"_L1 || value == "yes"_L1)
                o.config.web = true;
            else if (value == "off"_L1 || value == "0"_L1 || value == "false"_L1
                || value == "no"_L1)
                o.config.web = false;
            else
                return u"expected on or off"_s;
            return QString();
        }});
    f.push_back({u"redis"_s, u"URL"_s,
        u"Join a cluster through this Redis: redis://HOST:PORT[/DB] (off)."_s,
        [](const QString &v, Options &o) {
            if (!parseRedisUrl(v))
                return u"expected redis://HOST:PORT[/DB]"_s;
            o.config.redisUrl = v;
            return QString();
        }});
    f.push_back({u"node-id"_s, u"ID"_s,
        u"This node's name in the cluster, 1 to 32 of [A-Za-z0-9_-] (random)."_s,
        [](const QString &v, Options &o) {
            if (!isValidNodeId(v.toLatin1()) || v.toLatin1() != v.toUtf8())
                return u"expected 1 to 32 characters from [A-Za-z0-9_-]"_s;
            o.config.nodeId = v.toLatin1();
            return QString();
        }});
    f.push_back({u"node-ttl-ms"_s, u"N"_s,
        u"TTL of this node's heartbeat key; a node whose key expired is dead (5000)."_s,
        integer(&ServerConfig::nodeTtlMs, 300, day)});
    f.push_back({u"admin-host"_s, u"ADDR"_s, u"Address of the admin API (127.0.0.1)."_s,
        [](const QString &v, Options &o) {
            const QString error = checkHost(v);
            if (error.isEmpty())
                o.config.adminHost = v;
            return error;
        }});
    f.push_back({u"admin-port"_s, u"N"_s,
        u"Port of the admin API, off unless given; 0 picks a free one. Needs "
        "--admin-token."_s,
        port([](Options &o, int n) { o.config.adminPort = n; }, 0)});
    f.push_back({u"admin-token"_s, u"TOKEN"_s,
        u"Bearer token the admin API requires (better from PAIRMATCH_ADMIN_TOKEN)."_s,
        [](const QString &v, Options &o) {
            if (v.isEmpty())
                return u"expected a non-empty token"_s;
            o.config.adminToken = v.toUtf8();
            return QString();
        }});
    f.push_back({u"allowed-origins"_s, u"LIST"_s,
        u"Comma-separated browser origins (https://game.example.com) allowed to open a "
        "WebSocket; another Origin gets HTTP 403. Default: any."_s,
        [](const QString &v, Options &o) -> QString {
            o.config.allowedOrigins.clear();
            const QStringList items = v.split(u',', Qt::SkipEmptyParts);
            for (const QString &item : items) {
                const std::optional<QByteArray> origin
                    = HandshakePolicy::normalizeOrigin(item.trimmed().toUtf8());
                if (!origin) {
                    return u"expected origins such as https://game.example.com, separated by "
                           "commas; '%1' is not one"_s.arg(item.trimmed());
                }
                o.config.allowedOrigins.append(*origin);
            }
            if (o.config.allowedOrigins.isEmpty())
                return u"expected at least one origin"_s;
            return {};
        }});
    f.push_back({u"require-origin"_s, {},
        u"Refuse (HTTP 403) a handshake without an Origin header, i.e. from anything but a "
        "browser."_s,
        [](const QString &, Options &o) {
            o.config.requireOrigin = true;
            return QString();
        }});
    f.push_back({u"max-connections-per-ip"_s, u"N"_s,
        u"Connections at once from one address; beyond it that address gets HTTP 503 "
        "(0: no limit, the default)."_s,
        integer(&ServerConfig::maxConnectionsPerIp, 0, 100'000'000)});
    f.push_back({u"metrics-host"_s, u"ADDR"_s,
        u"Address of the --metrics-port listener (127.0.0.1)."_s, [](const QString &v, Options &o) {
            const QString error = checkHost(v);
            if (error.isEmpty())
                o.config.metricsHost = v;
            return error;
        }});
    f.push_back({u"metrics-port"_s, u"N"_s,
        u"Port of a plain HTTP listener for /metrics, /healthz and /readyz (no token), off "
        "unless given; 0 picks a free one. The admin port answers them too."_s,
        port([](Options &o, int n) { o.config.metricsPort = n; }, 0)});
    f.push_back({u"history"_s, u"PATH|off"_s,
        u"SQLite file that keeps every finished game (docs/history.md); off keeps none and "
        "touches no file (~/.local/share/pairmatch/history.sqlite)."_s,
        [](const QString &v, Options &o) {
            const QString value = v.trimmed();
            if (value.isEmpty())
                return u"expected a file path or off"_s;
            o.config.historyPath
                = value.compare("off"_L1, Qt::CaseInsensitive) == 0 ? QString() : value;
            return QString();
        }});
    f.push_back({u"log-format"_s, u"FORMAT"_s,
        u"text (the default) or json: one JSON object per line for log shippers."_s,
        [](const QString &v, Options &o) {
            const std::optional<LogFormat> format = parseLogFormat(v.trimmed());
            if (!format)
                return u"expected text or json"_s;
            o.logFormat = *format;
            return QString();
        }});
    f.push_back({u"log-level"_s, u"LEVEL"_s,
        u"debug, info (the default), warning or error: the least severe level logged."_s,
        [](const QString &v, Options &o) {
            const std::optional<LogLevel> level = parseLogLevel(v.trimmed());
            if (!level)
                return u"expected debug, info, warning or error"_s;
            o.logLevel = *level;
            return QString();
        }});
    f.push_back({u"attach"_s, u"URL"_s,
        u"Open the dashboard only, attached to ws://HOST:PORT/admin of a running "
        "server (token from --admin-token)."_s,
        [](const QString &v, Options &o) {
            if (!v.startsWith("ws://"_L1) && !v.startsWith("wss://"_L1))
                return u"expected a ws:// or wss:// URL such as ws://127.0.0.1:9090/admin"_s;
            o.attachUrl = v;
            return QString();
        }});
    return f;
}

} // namespace

QString optionsDescription()
{
    return u"pairmatch: two-player matchmaking and round-relay WebSocket server.\n"
           "Every flag can also be set with PAIRMATCH_<FLAG> (e.g. PAIRMATCH_PORT=9000); the "
           "flag wins."_s;
}

std::vector<OptionDoc> optionDocs()
{
    std::vector<OptionDoc> docs;
    for (const Flag &flag : flags())
        docs.push_back({flag.name, flag.valueName, flag.help, envName(flag.name)});
    return docs;
}

QString defaultHistoryPath()
{
    // QStandardPaths::AppDataLocation of an application named pairmatch with no organization,
    // whether or not QCoreApplication has its name yet.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + "/pairmatch/history.sqlite"_L1;
}

OptionsResult parseOptions(const QStringList &arguments, const QProcessEnvironment &environment)
{
    OptionsResult result;
    result.options.config.historyPath = defaultHistoryPath();
    const std::vector<Flag> all = flags();

    const CommandLine line = parseCommandLine(arguments, u"pairmatch"_s, optionsDescription(), all);
    if (commandLineFinished(line, result))
        return result;
    const auto fail = [&](const QString &text) {
        return commandLineError(result, u"pairmatch"_s, text);
    };

    for (std::size_t i = 0; i < all.size(); ++i) {
        const Flag &flag = all[i];
        const QString env = envName(flag.name);
        QString value;
        QString source;
        if (line.values[i]) {
            value = *line.values[i];
            source = u"--"_s + flag.name;
        } else if (!environment.value(env).isEmpty()) { // set but empty counts as unset
            value = environment.value(env);
            source = env + u" (--"_s + flag.name + u')';
            if (flag.valueName.isEmpty()) {
                // a switch from the environment: 1/true/yes turn it on, 0/false/no/"" leave it off
                const QString v = value.trimmed().toLower();
                if (v == "0"_L1 || v == "false"_L1 || v == "no"_L1 || v.isEmpty())
                    continue;
                if (v != "1"_L1 && v != "true"_L1 && v != "yes"_L1)
                    return fail(source + u": expected 1 or 0, got '"_s + value + u'\'');
            }
        } else {
            continue;
        }
        const QString error = flag.apply(value, result.options);
        if (!error.isEmpty())
            return fail(source + u": "_s + error + u", got '"_s + value + u'\'');
    }

    // The players' transport: chosen by the environment only (a reference, not a setting).
    const QString transport = environment.value(u"PAIRMATCH_TRANSPORT"_s).trimmed().toLower();
    if (transport == "qt"_L1)
        result.options.config.transport = PlayerTransport::Qt;
    else if (!transport.isEmpty() && transport != "own"_L1)
        return fail(u"PAIRMATCH_TRANSPORT: expected own or qt, got '"_s + transport + u'\'');

    const ServerConfig &c = result.options.config;
    if (c.tlsCertFile.isEmpty() != c.tlsKeyFile.isEmpty())
        return fail(u"--tls-cert and --tls-key go together: give both or neither"_s);
    if (c.adminPort >= 0 && c.adminToken.isEmpty()) {
        return fail(u"--admin-port needs a token: set PAIRMATCH_ADMIN_TOKEN (or --admin-token); "
                    "the admin API never runs without one"_s);
    }
    if (!result.options.attachUrl.isEmpty() && result.options.noGui)
        return fail(u"--attach opens the dashboard; it cannot go with --no-gui"_s);
    return result;
}

} // namespace pairmatch
