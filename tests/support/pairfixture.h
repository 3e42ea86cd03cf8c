// Two players matched on one type and, step by step, seated in their round: the common first
// steps of the admin and dashboard tests. The waiter enters first, so `users` in `prepare` is
// [newcomer, waiter]. Every step returns an empty string on success, else what went wrong
// (check with PAIRMATCH_CHECK).
#pragma once

#include "testplayer.h"
#include "testserver.h"

#include <QJsonObject>
#include <QString>

// Fails the current test with the step's own message when it went wrong.
#define PAIRMATCH_CHECK(step)                                                                      \
    do {                                                                                           \
        const QString pairmatchCheckError_ = (step);                                               \
        QVERIFY2(pairmatchCheckError_.isEmpty(), qPrintable(pairmatchCheckError_));                \
    } while (false)

namespace pairmatch::test {

class PairFixture final
{
public:
    PairFixture(
        TestServer &server, qint32 type, const QString &waiterId, const QString &newcomerId);
    Q_DISABLE_COPY_MOVE(PairFixture)

    // The waiter opens /ws/matching/{type} and enters (`entried`).
    QString enterWaiter();
    // The newcomer opens /ws/matching/{type} and enters (`prepare` to both).
    QString enterNewcomer();
    // enterWaiter(), enterNewcomer(). The matching connections stay open.
    QString match();
    // The waiter's round connection: opens, `prepared` with its own token, gets `wait`
    // (or `start`, when the newcomer already sits).
    QString seatWaiter();
    // The newcomer's round connection, as seatWaiter() (`start` to both when the waiter sits).
    QString seatNewcomer();
    // match(), seatWaiter(), seatNewcomer().
    QString start();
    // A `game` move from one seat that both seats receive, once, with the sender's userId.
    QString move(bool fromWaiter, const QJsonValue &data);

    TestServer &server;
    const qint32 type;
    const QString waiterId;
    const QString newcomerId;
    TestPlayer waiterMatching;
    TestPlayer newcomerMatching;
    TestPlayer waiterRound;
    TestPlayer newcomerRound;
    QByteArray pairId;
    QString waiterToken;
    QString newcomerToken;

private:
    QString seat(TestPlayer &round, TestPlayer &other, const QString &userId, const QString &token,
        const QString &who);
};

} // namespace pairmatch::test
