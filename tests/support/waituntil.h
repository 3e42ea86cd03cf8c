// The one wait of the tests and their helpers: the event loop runs until a condition holds
// or the time is up. Bounded, never a sleep.
#pragma once

#include <QDeadlineTimer>
#include <QTest>

namespace pairmatch::test {

// Spins the event loop until pred() holds or timeoutMs passed; returns pred().
template <typename Pred> bool waitUntil(Pred &&pred, int timeoutMs = 5000)
{
    for (QDeadlineTimer deadline(timeoutMs); !pred() && !deadline.hasExpired();)
        QTest::qWait(1);
    return pred();
}

} // namespace pairmatch::test
