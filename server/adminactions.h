// What each admin command does to a running server: the one place where operator commands
// take effect, for the admin API (AdminServer) and the in-process dashboard (the in-process
// FeedPublisher) alike, on the ServerCore's public operator actions.
#pragma once

#include "admincommands.h"

#include <variant>

namespace pairmatch {

class ServerCore;

// The answer to a command: what an action did, or for `snapshot` the whole state.
using AdminReply = std::variant<AdminResult, Snapshot>;

// Every command but `history`, which the match history answers later (historyrequests.h).
AdminReply runAdminCommand(ServerCore &core, const AdminCommand &command);

} // namespace pairmatch
