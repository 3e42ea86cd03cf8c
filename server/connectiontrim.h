// What Qt keeps per connection that this server never uses, trimmed. Each measured with
// heaptrack and loadgen's idle scenario (docs/performance.md):
//  - trimSocket: Qt's sockets keep the largest block their read or write buffer ever held,
//    16 KiB at least (QRingBuffer::free: "keep a single block around ... to avoid repeated
//    allocations"); the handshake response alone leaves one in every socket. Block size 0
//    makes the buffers allocate what they need and give it back once empty. This needs
//    Qt's private headers (Debian: qt6-base-private-dev); without them it does nothing.
//  - trimWebSocket: QWebSocket forwards seven signals of its socket and frame parser to
//    signals of its own (errors, proxy authentication, bytes written, single frames...);
//    nobody listens to them here, and each connection costs ~90 bytes.
#pragma once

#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QAbstractSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace pairmatch {

// Once the socket is open (after setSocketDescriptor), before anything is written to it.
void trimSocket(QAbstractSocket *socket);
// Once the WebSocket is open, before connecting to its signals.
void trimWebSocket(QWebSocket *webSocket, QAbstractSocket *socket);
// Whether trimSocket can do its part in this build (private headers were there).
bool canTrimSocketBuffers();

} // namespace pairmatch
