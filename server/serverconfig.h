// Everything the server can be told at start-up, as plain values. Defaults are the
// protocol's (docs/protocol.md); options.cpp fills it from flags and PAIRMATCH_* variables.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace pairmatch {

// What carries the players' WebSockets: our own RFC 6455 transport, or Qt WebSockets as a
// reference (PAIRMATCH_TRANSPORT=qt; its deviations are listed in docs/protocol.md).
enum class PlayerTransport : quint8 { Own, Qt };

struct ServerConfig {
    // players
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8080;
    qint64 prepareTimeoutMs = 10'000;
    qint64 pingIntervalMs = 20'000;
    qint64 pingTimeoutMs = 10'000;
    qint64 rateLimit = 50; // messages per second per connection; 0: off
    qint64 rateBurst = 100;
    qint64 maxFrameBytes = 64 * 1024;
    qint64 maxConnections = 100'000;
    qint64 maxDataBytes = 16 * 1024;
    qint64 maxUserBytes = 2 * 1024;
    qint64 handshakeTimeoutMs = 10'000; // TCP accepted until WebSocket open
    qint64 lingerMs = 60'000; // an over pair stays at most this long
    qint64 maxSendBufferBytes = 4 * 1024 * 1024; // unsent bytes before a slow reader is cut
    qint64 closeGraceMs = 2'000; // after a close frame, until the TCP connection is cut
    QString tlsCertFile; // PEM; with tlsKeyFile: wss:// instead of ws://
    QString tlsKeyFile;
    bool web = true; // the web game at / on the players' port (resources/web/)
    // Browser origins allowed to open a WebSocket ("https://game.example.com", lower case,
    // no trailing slash); empty: any. A handshake without Origin is let in unless
    // requireOrigin.
    QList<QByteArray> allowedOrigins;
    bool requireOrigin = false;
    qint64 maxConnectionsPerIp = 0; // open WebSockets and handshakes from one address; 0: off
    PlayerTransport transport = PlayerTransport::Own;

    // The match history (docs/history.md): the SQLite file finished games are kept in; empty:
    // none kept, no file touched. Empty here (so tests and embedders write nothing unless
    // they ask); the command line's default is defaultHistoryPath() (options.h).
    QString historyPath;

    // cluster (docs/scaling.md): off unless redisUrl is set
    QString redisUrl; // redis://HOST:PORT[/DB]
    QByteArray nodeId; // names this node in keys, logs and the dashboard; empty: random
    qint64 nodeTtlMs = 5'000; // the heartbeat key's TTL: a node whose key expired is dead
    quint64 clusterInstance = 0; // this run's random number in the heartbeat key; 0: draw one

    // operators (admin API), off unless adminPort is set
    QString adminHost = QStringLiteral("127.0.0.1");
    int adminPort = -1; // -1: no admin listener; 0: any free port
    QByteArray adminToken;
    // unsent bytes an admin client may hold before it is dropped (close 1008)
    qint64 adminMaxBacklogBytes = 8 * 1024 * 1024;

    // /metrics, /healthz, /readyz over plain HTTP without a token, off unless metricsPort
    // is set (the admin port answers them too)
    QString metricsHost = QStringLiteral("127.0.0.1");
    int metricsPort = -1; // -1: no metrics listener; 0: any free port
};

} // namespace pairmatch
