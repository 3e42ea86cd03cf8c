// The head of an HTTP/1.1 request as a listener reads it before any WebSocket opens: the
// request line and the header lines, as views of the bytes received (pure, no I/O).
#pragma once

#include <QByteArrayView>
#include <QHostAddress>

#include <optional>

namespace pairmatch {

struct HttpRequest {
    QByteArrayView method;
    QByteArrayView target;
    QByteArrayView version; // HTTP/1.1
    QByteArrayView headers; // the header lines, CRLF-separated
    qsizetype pendingConnections = 0; // accepted by this listener, WebSocket not open yet
    QHostAddress peer; // who asks
    qsizetype pendingFromPeer = 0; // of pendingConnections, from peer's address
    // A header's value, trimmed (the first of that name, case-insensitive); empty if absent.
    QByteArrayView header(QByteArrayView name) const;
    // Whether a header's value lists this token (comma-separated, case-insensitive), as
    // `Connection: keep-alive, Upgrade` lists `upgrade`.
    bool headerHasToken(QByteArrayView name, QByteArrayView token) const;
};

// The request in a head that ends with its empty line (the CRLF CRLF itself may be left
// out). Nothing when its request line is not `<method> <target> HTTP/1.x`: such a request
// is answered 400. (A WebSocket upgrade asks more: GET and HTTP/1.1 or later,
// isUpgradeRequestLine.)
std::optional<HttpRequest> parseRequestHead(QByteArrayView head);

// The request line an upgrade needs (RFC 6455 section 4.1): GET, HTTP/1.1 or later.
bool isUpgradeRequestLine(const HttpRequest &request);

} // namespace pairmatch
