// The players' port: a WsServer whose gate routes /ws/matching/{type} and /ws/round/{pairId}
// (404/400 otherwise) and refuses with 503 beyond --max-connections or while shutting down;
// every WebSocket it opens goes to the ServerCore, on our own transport or, with
// PAIRMATCH_TRANSPORT=qt, on Qt WebSockets (QtTransport).
#pragma once

#include "serverconfig.h"
#include "wsserver.h"

#include <memory>

namespace pairmatch {

class ServerCore;

std::unique_ptr<WsServer> makePlayerListener(ServerCore &core, const ServerConfig &config);

} // namespace pairmatch
