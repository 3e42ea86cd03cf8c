// Which endpoint an HTTP request target names: /ws/matching/{type} or /ws/round/{pairId}
// (a trailing slash and a query are tolerated), or the HTTP status that refuses it.
#pragma once

#include "messages.h"

#include <QByteArray>
#include <QByteArrayView>

namespace pairmatch {

struct Route {
    int httpStatus = 200; // 200: a WebSocket may open; else 404 (unknown path) or 400 (bad type)
    Endpoint endpoint = Endpoint::Matching;
    qint32 type = 0; // matching
    QByteArray pairId; // round
};

inline constexpr qsizetype kMaxPairIdLength = 128; // longer ids cannot exist: 404

Route parseRoute(QByteArrayView target);

// The path as the dashboard shows it: /ws/matching/3, /ws/round/<pairId>.
QByteArray routePath(const Route &route);

} // namespace pairmatch
