// Logging categories. Info is on by default: one line per connection opened/closed,
// per match made and per pair over; nothing per move.
#pragma once

#include <QLoggingCategory>

namespace pairmatch {

Q_DECLARE_LOGGING_CATEGORY(lcNet) // pairmatch.net: listening, connections, handshakes
Q_DECLARE_LOGGING_CATEGORY(lcMatch) // pairmatch.match: queues and matches
Q_DECLARE_LOGGING_CATEGORY(lcRound) // pairmatch.round: pairs, seats, outcomes
Q_DECLARE_LOGGING_CATEGORY(lcAdmin) // pairmatch.admin: operator actions, admin clients

// Log lines with a timestamp, level and category (written by a lean handler of our own),
// unless QT_MESSAGE_PATTERN is set: then Qt formats them as asked.
void installDefaultMessagePattern();

} // namespace pairmatch
