// The players' port: a WsServer whose gate routes /ws/matching/{type} and /ws/round/{pairId}
// (404/400 otherwise), refuses with 503 beyond --max-connections or while shutting down, and
// applies the HandshakePolicy (403 for an origin not allowed, 503 beyond
// --max-connections-per-ip); every WebSocket it opens goes to the ServerCore, on our own
// transport or, with PAIRMATCH_TRANSPORT=qt, on Qt WebSockets (QtTransport); every refusal
// is counted by the operators' view. With config.web, plain HTTP requests get the web game
// (WebContent).
#pragma once

#include "serverconfig.h"
#include "wsserver.h"

#include <memory>

namespace pairmatch {

class ServerCore;

std::unique_ptr<WsServer> makePlayerListener(ServerCore &core, const ServerConfig &config);

} // namespace pairmatch
