// Who may open a WebSocket on the players' port, beyond the route and the global connection
// cap (pure: the caller says what it knows, nothing is counted here):
//  - browser origins: with an allow-list, a handshake whose Origin is not on it gets HTTP
//    403; a handshake without Origin (not a browser) is let in unless Origin is required;
//  - connections per address: beyond the cap, HTTP 503 for that address only.
#pragma once

#include "serverconfig.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QList>

#include <optional>

namespace pairmatch {

class HandshakePolicy final
{
public:
    enum class Verdict : quint8 {
        Admit,
        OriginMissing, // 403: no Origin header and one is required
        OriginNotAllowed, // 403: an Origin not on the allow-list
        AddressFull, // 503: this address holds its share of connections
    };

    explicit HandshakePolicy(const ServerConfig &config);

    // origin: the Origin header's value (empty when absent). fromAddress: the connections the
    // peer's address holds, open or still in their handshake, this one included.
    Verdict judge(QByteArrayView origin, qint64 fromAddress) const;

    bool checksOrigins() const { return m_requireOrigin || !m_allowedOrigins.isEmpty(); }
    bool capsAddresses() const { return m_maxPerAddress > 0; }

    static int httpStatus(Verdict verdict); // 200, 403 or 503
    // Why, for the log line: "origin not allowed", ...
    static QLatin1StringView describe(Verdict verdict);

    // An origin as compared: scheme and host in lower case, no trailing slash, no default
    // port (:80 for http/ws, :443 for https/wss). nullopt for text that is not
    // scheme://host[:port] ("null" and paths included).
    static std::optional<QByteArray> normalizeOrigin(QByteArrayView origin);

private:
    QList<QByteArray> m_allowedOrigins; // normalized
    bool m_requireOrigin = false;
    qint64 m_maxPerAddress = 0;
};

} // namespace pairmatch
