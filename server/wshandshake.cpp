#include "wshandshake.h"

#include <QCryptographicHash>

namespace pairmatch {

namespace {

constexpr QByteArrayView kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool isBase64Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
        || c == '/';
}

// base64 of 16 bytes: 22 characters, the last of which carries only 2 bits, then "==".
bool isKeyOf16Bytes(QByteArrayView key)
{
    if (key.size() != 24 || !key.endsWith("=="))
        return false;
    for (qsizetype i = 0; i < 22; ++i) {
        if (!isBase64Char(key[i]))
            return false;
    }
    // the unused low 4 bits of the last character are 0 in a canonical encoding; browsers
    // and libraries always send one, but a decoder ignores them: so do we
    return true;
}

} // namespace

bool isWebSocketUpgrade(const HttpRequest &request)
{
    return request.headerHasToken("Upgrade", "websocket");
}

QByteArray secWebSocketAccept(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(kAcceptGuid);
    return sha1.result().toBase64();
}

HandshakeAnswer answerHandshake(const HttpRequest &request)
{
    HandshakeAnswer answer;
    if (!isWebSocketUpgrade(request)) {
        answer.status = 400;
        answer.why = "no Upgrade: websocket";
        return answer;
    }
    if (!request.headerHasToken("Connection", "Upgrade")) {
        answer.status = 400;
        answer.why = "no Connection: Upgrade";
        return answer;
    }
    if (request.header("Sec-WebSocket-Version") != "13") {
        answer.status = 426;
        answer.why = "Sec-WebSocket-Version is not 13";
        return answer;
    }
    const QByteArrayView key = request.header("Sec-WebSocket-Key");
    if (!isKeyOf16Bytes(key)) {
        answer.status = 400;
        answer.why = "Sec-WebSocket-Key is not the base64 of 16 bytes";
        return answer;
    }
    answer.response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: "
        + secWebSocketAccept(key) + "\r\n\r\n";
    return answer;
}

} // namespace pairmatch
