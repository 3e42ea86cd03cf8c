// Ordinary play through libpairmatch-client (shared/client): two pairmatch::Client players
// match on a type, take their seats, move in turn, end and leave, the way a game does. For
// tests that need a round played and are not about its bytes on the wire (those use
// TestPlayer and RawWsClient).
#pragma once

#include <QString>
#include <QUrl>

namespace pairmatch::test {

// first enters and waits, second comes; `moves` moves, alternately from each, every one
// seen by both in one order with its sender's userId; first ends (`ended`), then second;
// both close. Empty on success, else what went wrong.
QString playRoundWithClients(const QUrl &server, qint32 type, const QString &first,
    const QString &second, int moves = 3, int timeoutMs = 10'000);

} // namespace pairmatch::test
