// Two players matched on a type and, step by step, seated in their round: the common first
// steps of the tests that need a pair. The waiter enters first, so `users` in `prepare` is
// [newcomer, waiter]. Every step returns an empty string on success, else what went wrong
// (check with PM_OK); every message a step expects is compared whole.
#pragma once

#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace pairmatch::test {

class PairSetup final
{
public:
    // On the server at `server` (ws://HOST:PORT, or wss://).
    explicit PairSetup(const QUrl &server, qint32 type = 1,
        const QString &waiterId = QStringLiteral("alice"),
        const QString &newcomerId = QStringLiteral("bob"));
    explicit PairSetup(const TestServer &server, qint32 type = 1,
        const QString &waiterId = QStringLiteral("alice"),
        const QString &newcomerId = QStringLiteral("bob"));
    Q_DISABLE_COPY_MOVE(PairSetup)

    // The waiter opens /ws/matching/{type} and enters (`entried`).
    QString enterWaiter();
    // The newcomer opens /ws/matching/{type} and enters (`prepare` to both).
    QString enterNewcomer();
    // enterWaiter(), enterNewcomer(). The matching connections stay open.
    QString match();

    // Opens a round connection for this pair (/ws/round/{pairId} + suffix).
    QString openRound(TestPlayer &player, const QString &suffix = {}) const;
    // `prepared` with the waiter's / newcomer's own userId and token.
    void preparedAsWaiter(TestPlayer &player, const QJsonObject &extra = {}) const;
    void preparedAsNewcomer(TestPlayer &player, const QJsonObject &extra = {}) const;
    // `prepared` with "lastSeq": lastSeq (any JSON value, to test bad ones too).
    void resumeAsWaiter(TestPlayer &player, const QJsonValue &lastSeq) const;
    void resumeAsNewcomer(TestPlayer &player, const QJsonValue &lastSeq) const;

    // The waiter's seat on waiterRound: opens it, `prepared`, gets `wait` (or, when the
    // newcomer already sits, `start` to both, users in seating order).
    QString seatWaiter();
    // The newcomer's seat on newcomerRound, as seatWaiter().
    QString seatNewcomer();
    // The waiter's seat on a hand-made connection instead (the newcomer not seated yet):
    // opens it, `prepared`, gets `wait`.
    QString seatWaiter(RawWsClient &raw) const;
    // match(), seatWaiter(), seatNewcomer(): `start` to both, users [waiter, newcomer].
    QString start();
    // A `game` move from one seat that both seats receive, once, with the sender's userId and
    // the pair's next seq (counted here: moves made through this setup).
    QString move(bool fromWaiter, const QJsonValue &data);
    quint64 moves = 0; // moves made through move(): the pair's last seq

    const qint32 type;
    const QString waiterId;
    const QString newcomerId;
    TestPlayer waiterMatching;
    TestPlayer newcomerMatching;
    TestPlayer waiterRound;
    TestPlayer newcomerRound;
    QJsonObject prepareToWaiter;
    QJsonObject prepareToNewcomer;
    QByteArray pairId;
    QString waiterToken;
    QString newcomerToken;

private:
    QUrl url(const QString &path) const;
    QString roundPath() const;
    QString seat(TestPlayer &round, TestPlayer &other, const QString &userId,
        const QString &otherId, const QString &token);

    const QUrl m_server;
};

} // namespace pairmatch::test
