// The command line of pairmatch-bench, parsed into a plain struct. Pure: no printing, no
// exiting, no network (the host is resolved later, in main.cpp).
#pragma once

#include "commandline.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pairmatch {

enum class ScenarioKind : quint8 { Relay, RelayWide, Latency, Churn, Idle };

// "relay", "relay-wide", "latency", "churn", "idle"
QString scenarioName(ScenarioKind kind);

struct BenchOptions {
    // --url, split: ws:// or wss://, host, port, and a path prefix ("" or "/prefix")
    QString url = QStringLiteral("ws://127.0.0.1:8080");
    bool tls = false;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8080;
    QByteArray pathPrefix;

    QList<ScenarioKind> scenarios {ScenarioKind::Relay};
    std::optional<int> pairs; // relay 100, relay-wide 1000, latency 100
    std::optional<int> window; // relay 4, relay-wide 1
    double rate = 2000; // latency: moves per second in all
    int concurrency = 50; // churn: lifecycles at once
    int moves = 10; // churn: moves per player per match
    qint64 connections = 1000; // idle
    double duration = 10; // seconds measured (idle: held)
    double warmup = 3; // seconds of load before measuring
    qint64 typeBase = 1'000'000; // pair slot k queues on type typeBase + k
    QList<QHostAddress> sourceAddresses; // empty: the system picks
    bool insecure = false; // wss:// without certificate verification
    qint64 serverPid = 0; // local server to read CPU and RSS from; 0: none
    bool json = false;
    double maxTime = 0; // hard bound on the whole run, seconds; 0: derived

    int pairsFor(ScenarioKind kind) const;
    int windowFor(ScenarioKind kind) const;
    // Pair slots a scenario uses at most (types typeBase .. typeBase + slots - 1).
    qint64 slotsFor(ScenarioKind kind) const;
};

struct BenchOptionsResult {
    using Action = CommandLineAction;
    Action action = Action::Run;
    BenchOptions options;
    QString text; // help or version text, or the one-line error
};

BenchOptionsResult parseBenchOptions(const QStringList &arguments);

// "127.0.0.2-127.0.0.40", "10.0.0.5,10.0.0.6" or a mix: IPv4 addresses in order, or an
// error text. At most 65536 addresses.
std::optional<QList<QHostAddress>> parseAddressList(const QString &text, QString *error);

} // namespace pairmatch
