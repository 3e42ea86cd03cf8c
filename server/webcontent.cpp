#include "webcontent.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// Sent with every page response: revalidate each time (the page changes with the binary),
// never sniff a type, scripts and sockets from this origin only.
constexpr QByteArrayView kCommonHeaders
    = "Cache-Control: no-cache\r\n"
      "X-Content-Type-Options: nosniff\r\n"
      "Referrer-Policy: no-referrer\r\n"
      "Content-Security-Policy: default-src 'self'; connect-src 'self' ws: wss:; "
      "img-src 'self' data:; frame-ancestors 'none'\r\n"
      "Connection: close\r\n";

QByteArray head(QByteArrayView status, QByteArrayView headers, qsizetype length)
{
    return "HTTP/1.1 " + status.toByteArray() + "\r\n" + headers.toByteArray()
        + "Content-Length: " + QByteArray::number(length) + "\r\n\r\n";
}

QByteArray plain(QByteArrayView status, QByteArrayView extra, bool withBody)
{
    const QByteArray body = status.toByteArray() + '\n';
    return head(status,
               extra.toByteArray()
                   + "Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
               body.size())
        + (withBody ? body : QByteArray());
}

} // namespace

QByteArray WebContent::contentType(QByteArrayView name)
{
    if (name.endsWith(".html"))
        return "text/html; charset=utf-8";
    if (name.endsWith(".js"))
        return "text/javascript; charset=utf-8";
    if (name.endsWith(".css"))
        return "text/css; charset=utf-8";
    if (name.endsWith(".svg"))
        return "image/svg+xml";
    if (name.endsWith(".png"))
        return "image/png";
    if (name.endsWith(".ico"))
        return "image/x-icon";
    if (name.endsWith(".json"))
        return "application/json";
    return "application/octet-stream";
}

WebContent::WebContent(const QString &resourceDir)
{
    const QDir dir(resourceDir);
    const QStringList names = dir.entryList(QDir::Files);
    for (const QString &name : names) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        File f;
        f.body = file.readAll();
        f.type = contentType(name.toUtf8());
        f.etag = '"'
            + QCryptographicHash::hash(f.body, QCryptographicHash::Sha256)
                  .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
                  .left(22)
            + '"';
        m_files.insert('/' + name.toUtf8(), std::move(f));
    }
}

std::optional<QByteArray> WebContent::respond(
    QByteArrayView method, QByteArrayView target, QByteArrayView ifNoneMatch) const
{
    if (const qsizetype q = target.indexOf('?'); q >= 0)
        target = target.first(q);
    if (target == "/ws" || target.startsWith("/ws/"))
        return std::nullopt; // the WebSocket endpoints, answered as they always were
    const bool isHead = method == "HEAD";
    const QByteArray path = target == "/" ? QByteArray("/index.html") : target.toByteArray();
    const auto it = m_files.constFind(path);
    if (it == m_files.cend())
        return plain("404 Not Found", {}, !isHead);
    if (method != "GET" && !isHead)
        return plain("405 Method Not Allowed", "Allow: GET, HEAD\r\n", true);

    const File &f = *it;
    const QByteArray headers
        = "Content-Type: " + f.type + "\r\nETag: " + f.etag + "\r\n" + kCommonHeaders.toByteArray();
    // If-None-Match: a list of tags, or *
    bool fresh = ifNoneMatch.trimmed() == "*";
    for (const QByteArray &tag : ifNoneMatch.toByteArray().split(',')) {
        QByteArray t = tag.trimmed();
        if (t.startsWith("W/"))
            t = t.sliced(2);
        fresh = fresh || t == f.etag;
    }
    if (fresh) {
        return "HTTP/1.1 304 Not Modified\r\nETag: " + f.etag + "\r\n"
            + kCommonHeaders.toByteArray() + "\r\n";
    }
    return head("200 OK", headers, f.body.size()) + (isHead ? QByteArray() : f.body);
}

} // namespace pairmatch
