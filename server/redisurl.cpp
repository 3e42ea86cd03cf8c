#include "redisurl.h"

#include <QRandomGenerator>
#include <QRegularExpression>

namespace pairmatch {

using namespace Qt::StringLiterals;

std::optional<RedisAddress> parseRedisUrl(const QString &url)
{
    static const QRegularExpression pattern(
        u"^redis://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:]+\\]):(\\d{1,5})(?:/(\\d{1,2}))?/?$"_s);
    const QRegularExpressionMatch m = pattern.match(url.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    RedisAddress a;
    a.host = m.captured(1).toLatin1();
    if (a.host.startsWith('['))
        a.host = a.host.mid(1, a.host.size() - 2);
    a.port = m.captured(2).toInt();
    if (a.port < 1 || a.port > 65535)
        return std::nullopt;
    if (m.hasCaptured(3) && !m.captured(3).isEmpty()) {
        a.db = m.captured(3).toInt();
        if (a.db > 15)
            return std::nullopt;
    }
    return a;
}

bool isValidNodeId(QByteArrayView id)
{
    if (id.isEmpty() || id.size() > 32)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

QByteArray randomNodeId()
{
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray id(12, Qt::Uninitialized);
    for (char &c : id)
        c = kAlphabet[QRandomGenerator::system()->bounded(int(sizeof kAlphabet - 1))];
    return id;
}

} // namespace pairmatch
