// The head of an HTTP/1.1 request as a listener reads it before any WebSocket opens: the
// request line and the header lines, as views of the bytes received (pure, no I/O).
#pragma once

#include <QByteArrayView>

#include <optional>

namespace pairmatch {

struct HttpRequest {
    QByteArrayView method;
    QByteArrayView target;
    QByteArrayView headers; // the header lines, CRLF-separated
    qsizetype pendingConnections = 0; // accepted by this listener, WebSocket not open yet
    // A header's value, trimmed (the first of that name, case-insensitive); empty if absent.
    QByteArrayView header(QByteArrayView name) const;
    // Whether a header's value lists this token (comma-separated, case-insensitive), as
    // `Connection: keep-alive, Upgrade` lists `upgrade`.
    bool headerHasToken(QByteArrayView name, QByteArrayView token) const;
};

// The request in a head that ends with its empty line (the CRLF CRLF itself may be left
// out). Nothing when its request line is not `GET <target> HTTP/1.x` with x at least 1:
// such a request is answered 400.
std::optional<HttpRequest> parseRequestHead(QByteArrayView head);

} // namespace pairmatch
