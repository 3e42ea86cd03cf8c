#include "adminactions.h"

#include "servercore.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

AdminReply runAdminCommand(ServerCore &core, const AdminCommand &command)
{
    AdminResult result {command.kind, false, {}};
    switch (command.kind) {
    case AdminCommand::Kind::Kick:
        result.ok = core.kick(command.sessionId, &result.message);
        break;
    case AdminCommand::Kind::Expire:
        result.ok = core.expire(command.pairId.toLatin1(), &result.message);
        break;
    case AdminCommand::Kind::Drain:
    case AdminCommand::Kind::Undrain: {
        const bool draining = command.kind == AdminCommand::Kind::Drain;
        const bool changed = core.isDraining() != draining;
        core.setDraining(draining);
        result.ok = true;
        result.message = !changed ? u"already so"_s
            : draining            ? u"draining: entry is refused"_s
                                  : u"no longer draining"_s;
        break;
    }
    case AdminCommand::Kind::Snapshot:
        return core.view().snapshot();
    case AdminCommand::Kind::History:
        Q_ASSERT_X(false, "runAdminCommand", "history goes to HistoryRequests");
        result.message = u"the match history answers history, not runAdminCommand"_s;
        break;
    }
    return result;
}

} // namespace pairmatch
