// The cluster's start-up values: the Redis address of --redis (redis://HOST:PORT[/DB]) and
// what a node id may be. Pure.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace pairmatch {

struct RedisAddress {
    QByteArray host;
    int port = 6379;
    int db = 0;
};

// redis://HOST:PORT[/DB]; HOST an address or a name, PORT 1-65535, DB 0-15 (default 0).
std::optional<RedisAddress> parseRedisUrl(const QString &url);

// 1 to 32 characters from [A-Za-z0-9_-]: it goes into keys and channel names.
bool isValidNodeId(QByteArrayView id);

// A random node id (12 characters) for a node started without --node-id.
QByteArray randomNodeId();

} // namespace pairmatch
