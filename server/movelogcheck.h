// What a kept game's move log must satisfy (docs/history.md, "The check"): seq contiguous
// from firstSeq to moveCount, as many moves as that, each move by one of the pair's users,
// no user seen past the last move, and for an ended game both seats saw the last one. Pure;
// pairmatch-replay prints what it returns.
#pragma once

#include "matchhistory.h"

#include <QStringList>

namespace pairmatch {

// Each problem as one line; empty when the log is whole.
QStringList checkMoveLog(const MatchRecord &record);

} // namespace pairmatch
