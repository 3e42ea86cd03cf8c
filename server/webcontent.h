// The players' web page (resources/web/, embedded in the binary as Qt resources under
// :/web) over plain HTTP on the players' port: request in, whole response out (pure: no
// socket). GET and HEAD of / (index.html) and of each file by name; 304 for a matching
// If-None-Match; 404 for any other path, 405 for any other method. Targets under /ws/ are
// the WebSocket endpoints': respond() leaves them to the gate (nullopt), unchanged.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>

#include <optional>

namespace pairmatch {

class WebContent final
{
public:
    // Every file directly under resourceDir (":/web"), read once.
    explicit WebContent(const QString &resourceDir = QStringLiteral(":/web"));

    // The whole HTTP/1.1 response (the connection closes after it); nullopt for /ws/...
    std::optional<QByteArray> respond(
        QByteArrayView method, QByteArrayView target, QByteArrayView ifNoneMatch = {}) const;

    qsizetype fileCount() const { return m_files.size(); }
    // The Content-Type a file name is served with.
    static QByteArray contentType(QByteArrayView name);

private:
    struct File {
        QByteArray body;
        QByteArray type;
        QByteArray etag; // "<hash>", quotes included
    };
    QHash<QByteArray, File> m_files; // by path: "/index.html", "/game.js"
};

} // namespace pairmatch
