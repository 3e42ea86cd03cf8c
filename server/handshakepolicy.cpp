#include "handshakepolicy.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

HandshakePolicy::HandshakePolicy(const ServerConfig &config)
    : m_requireOrigin(config.requireOrigin)
    , m_maxPerAddress(config.maxConnectionsPerIp)
{
    for (const QByteArray &origin : config.allowedOrigins) {
        if (std::optional<QByteArray> normal = normalizeOrigin(origin))
            m_allowedOrigins.append(*normal);
    }
}

HandshakePolicy::Verdict HandshakePolicy::judge(QByteArrayView origin, qint64 fromAddress) const
{
    if (origin.isEmpty()) {
        if (m_requireOrigin)
            return Verdict::OriginMissing;
    } else if (!m_allowedOrigins.isEmpty()) {
        const std::optional<QByteArray> normal = normalizeOrigin(origin);
        if (!normal || !m_allowedOrigins.contains(*normal))
            return Verdict::OriginNotAllowed;
    }
    if (m_maxPerAddress > 0 && fromAddress > m_maxPerAddress)
        return Verdict::AddressFull;
    return Verdict::Admit;
}

int HandshakePolicy::httpStatus(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Admit:
        return 200;
    case Verdict::OriginMissing:
    case Verdict::OriginNotAllowed:
        return 403;
    case Verdict::AddressFull:
        return 503;
    }
    return 403;
}

QLatin1StringView HandshakePolicy::describe(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Admit:
        return "admitted"_L1;
    case Verdict::OriginMissing:
        return "no Origin header, and --require-origin is set"_L1;
    case Verdict::OriginNotAllowed:
        return "origin not in --allowed-origins"_L1;
    case Verdict::AddressFull:
        return "address at --max-connections-per-ip"_L1;
    }
    return {};
}

std::optional<QByteArray> HandshakePolicy::normalizeOrigin(QByteArrayView origin)
{
    QByteArray text = origin.trimmed().toByteArray().toLower();
    if (text.endsWith('/'))
        text.chop(1);
    const qsizetype sep = text.indexOf("://");
    if (sep <= 0)
        return std::nullopt;
    const QByteArray scheme = text.first(sep);
    for (qsizetype i = 0; i < scheme.size(); ++i) {
        const char c = scheme[i];
        const bool ok = (c >= 'a' && c <= 'z')
            || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok)
            return std::nullopt;
    }
    QByteArray authority = text.sliced(sep + 3);
    if (authority.isEmpty())
        return std::nullopt;
    for (const char c : std::as_const(authority)) {
        // no path, query, fragment, credentials or blanks in an origin
        if (c == '/' || c == '?' || c == '#' || c == '@' || c == ' ' || c == '\t'
            || static_cast<unsigned char>(c) < 0x21)
            return std::nullopt;
    }
    // a port: digits after the last ':' that is not inside an IPv6 literal
    const qsizetype colon = authority.lastIndexOf(':');
    if (colon >= 0 && colon > authority.lastIndexOf(']')) {
        const QByteArray port = authority.sliced(colon + 1);
        bool ok = !port.isEmpty() && port.size() <= 5;
        for (const char c : port)
            ok = ok && c >= '0' && c <= '9';
        if (!ok || colon == 0)
            return std::nullopt;
        const bool secure = scheme == "https" || scheme == "wss";
        const bool plain = scheme == "http" || scheme == "ws";
        if ((secure && port == "443") || (plain && port == "80"))
            authority.truncate(colon);
    }
    return scheme + "://" + authority;
}

} // namespace pairmatch
