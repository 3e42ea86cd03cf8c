#include "httprequest.h"

#include <cstring>

namespace pairmatch {

QByteArrayView HttpRequest::header(QByteArrayView name) const
{
    // Line by line with memchr: a handshake looks up a few headers, on every connection.
    const char *p = headers.data();
    const char *const end = p + headers.size();
    while (p < end) {
        const auto *nl = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p)));
        const char *lineEnd = nl ? nl : end;
        const QByteArrayView line(p, lineEnd - (lineEnd > p && lineEnd[-1] == '\r' ? 1 : 0));
        p = nl ? nl + 1 : end;
        if (line.size() > name.size() && line[name.size()] == ':'
            && line.first(name.size()).compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(name.size() + 1).trimmed();
    }
    return {};
}

bool HttpRequest::headerHasToken(QByteArrayView name, QByteArrayView token) const
{
    QByteArrayView rest = header(name);
    while (!rest.isEmpty()) {
        const qsizetype comma = rest.indexOf(',');
        const QByteArrayView item = (comma < 0 ? rest : rest.first(comma)).trimmed();
        rest = comma < 0 ? QByteArrayView() : rest.sliced(comma + 1);
        if (item.compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

std::optional<HttpRequest> parseRequestHead(QByteArrayView head)
{
    // Request-Line = Method SP Request-URI SP HTTP-Version CRLF
    const qsizetype eol = head.indexOf("\r\n");
    const QByteArrayView line = eol < 0 ? head : head.first(eol);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    const QByteArrayView version = sp2 < 0 ? QByteArrayView() : line.sliced(sp2 + 1);
    if (sp1 <= 0 || sp2 < 0 || !version.startsWith("HTTP/1.") || version.size() < 8
        || version.contains(' ')) {
        return std::nullopt;
    }
    HttpRequest request;
    request.method = line.first(sp1);
    request.target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    request.version = version;
    QByteArrayView headers = eol < 0 ? QByteArrayView() : head.sliced(eol + 2);
    while (headers.endsWith("\r\n"))
        headers.chop(2);
    request.headers = headers;
    return request;
}

bool isUpgradeRequestLine(const HttpRequest &request)
{
    return request.method == "GET" && request.version != "HTTP/1.0";
}

} // namespace pairmatch
