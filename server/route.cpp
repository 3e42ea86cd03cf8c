#include "route.h"

namespace pairmatch {

Route parseRoute(QByteArrayView target)
{
    Route route;
    if (const qsizetype q = target.indexOf('?'); q >= 0)
        target = target.first(q);
    if (target.size() > 1 && target.endsWith('/'))
        target.chop(1);

    constexpr QByteArrayView matching = "/ws/matching/";
    constexpr QByteArrayView round = "/ws/round/";
    if (target.startsWith(matching)) {
        const QByteArrayView type = target.sliced(matching.size());
        if (type.contains('/')) {
            route.httpStatus = 404;
            return route;
        }
        // a decimal integer 0..2147483647, digits only
        qint64 value = 0;
        bool ok = !type.isEmpty() && type.size() <= 10; // 10 digits cannot overflow qint64
        for (qsizetype i = 0; ok && i < type.size(); ++i) {
            const char c = type[i];
            ok = c >= '0' && c <= '9';
            value = value * 10 + (c - '0');
        }
        if (!ok || value > 2147483647) {
            route.httpStatus = 400;
            return route;
        }
        route.endpoint = Endpoint::Matching;
        route.type = qint32(value);
        return route;
    }
    if (target.startsWith(round)) {
        const QByteArrayView id = target.sliced(round.size());
        if (id.isEmpty() || id.contains('/') || id.size() > kMaxPairIdLength) {
            route.httpStatus = 404;
            return route;
        }
        route.endpoint = Endpoint::Round;
        route.pairId = id.toByteArray();
        return route;
    }
    route.httpStatus = 404;
    return route;
}

QByteArray routePath(const Route &route)
{
    if (route.endpoint == Endpoint::Matching)
        return "/ws/matching/" + QByteArray::number(route.type);
    return "/ws/round/" + route.pairId;
}

} // namespace pairmatch
