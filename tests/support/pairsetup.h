// Two players matched on a type, ready to open their round: the common first steps of the
// round tests. The waiter enters first, so `users` in `prepare` is [newcomer, waiter].
// Steps return an empty string on success, else what went wrong (for PM_OK).
#pragma once

#include "testplayer.h"
#include "testserver.h"

#include <QJsonObject>
#include <QString>

namespace pairmatch::test {

class PairSetup final
{
public:
    explicit PairSetup(TestServer &server, qint32 type = 1,
        const QString &waiterId = QStringLiteral("alice"),
        const QString &newcomerId = QStringLiteral("bob"));
    Q_DISABLE_COPY_MOVE(PairSetup)

    // Matches the two over /ws/matching/{type}; the matching connections stay open.
    QString match(const QJsonObject &waiterExtra = {}, const QJsonObject &newcomerExtra = {});
    // Opens a round connection for this pair (/ws/round/{pairId} + suffix).
    QString openRound(TestPlayer &player, const QString &suffix = {}) const;
    // `prepared` with the waiter's / newcomer's own userId and token.
    void preparedAsWaiter(TestPlayer &player, const QJsonObject &extra = {}) const;
    void preparedAsNewcomer(TestPlayer &player, const QJsonObject &extra = {}) const;
    // match(), both round connections open, the waiter sits first (`wait`), the newcomer
    // second (`start` to both, users [waiter, newcomer]).
    QString start(TestPlayer &waiterSeat, TestPlayer &newcomerSeat);

    TestServer &server;
    const qint32 type;
    const QString waiterId;
    const QString newcomerId;
    TestPlayer waiterMatching;
    TestPlayer newcomerMatching;
    QJsonObject prepareToWaiter;
    QJsonObject prepareToNewcomer;
    QByteArray pairId;
    QString waiterToken;
    QString newcomerToken;
};

} // namespace pairmatch::test
