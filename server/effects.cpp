#include "effects.h"

#include "messagecodec.h"

namespace pairmatch {

void Output::sendError(ConnId to, ErrorCode code)
{
    effects.push_back(Effect::send(to, MessageCodec::errorFrame(code)));
    errors.push_back({to, code});
}

} // namespace pairmatch
