// The server's answer to a WebSocket opening handshake (RFC 6455 section 4.2), for a request
// whose path the listener's gate already accepted (pure, no I/O):
//  - `Upgrade` lists `websocket` and `Connection` lists `Upgrade` (else 400);
//  - `Sec-WebSocket-Version` is 13 (else 426, with `Sec-WebSocket-Version: 13`);
//  - `Sec-WebSocket-Key` is the base64 of 16 bytes (else 400);
// then `101 Switching Protocols` with `Sec-WebSocket-Accept`. No subprotocol and no extension
// is agreed (a client that offers some gets none, as the RFC allows).
#pragma once

#include "httprequest.h"

#include <QByteArray>

namespace pairmatch {

struct HandshakeAnswer {
    int status = 101; // 101: the WebSocket opens with `response`; else refuse with this status
    QByteArray response; // the 101 response head, when status is 101
    const char *why = ""; // a refusal's reason, for logs
};

HandshakeAnswer answerHandshake(const HttpRequest &request);

// Whether the request asks for a WebSocket at all (its `Upgrade` lists `websocket`). A
// request that does not is plain HTTP and gets an HTTP answer instead.
bool isWebSocketUpgrade(const HttpRequest &request);

// base64(SHA-1(key + the GUID of section 1.3)).
QByteArray secWebSocketAccept(QByteArrayView key);

} // namespace pairmatch
