// Where the records of finished games go (the match history, server/historystore.h): the core
// hands each over once, when its pair is over, and never waits for it to be kept.
#pragma once

#include "matchhistory.h"

namespace pairmatch {

class MatchRecordSink
{
public:
    virtual ~MatchRecordSink() = default;
    // On the server's thread; must not block.
    virtual void record(MatchRecord record) = 0;
};

} // namespace pairmatch
