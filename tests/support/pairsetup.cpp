#include "pairsetup.h"

#include "playerchecks.h"

namespace pairmatch::test {

using namespace Qt::StringLiterals;

PairSetup::PairSetup(
    TestServer &testServer, qint32 matchType, const QString &waiter, const QString &newcomer)
    : server(testServer)
    , type(matchType)
    , waiterId(waiter)
    , newcomerId(newcomer)
{ }

QString PairSetup::match(const QJsonObject &waiterExtra, const QJsonObject &newcomerExtra)
{
    if (!waiterMatching.open(server.matchingUrl(type)))
        return u"the waiter's matching connection did not open"_s;
    if (!newcomerMatching.open(server.matchingUrl(type)))
        return u"the newcomer's matching connection did not open"_s;
    waiterMatching.entry(waiterId, waiterExtra);
    if (QString e = expectMessage(waiterMatching, message(u"entried"_s)); !e.isEmpty())
        return u"waiter: "_s + e;
    newcomerMatching.entry(newcomerId, newcomerExtra);
    if (QString e = expectCommand(waiterMatching, u"prepare"_s, &prepareToWaiter); !e.isEmpty())
        return u"waiter: "_s + e;
    if (QString e = expectCommand(newcomerMatching, u"prepare"_s, &prepareToNewcomer); !e.isEmpty())
        return u"newcomer: "_s + e;
    pairId = prepareToWaiter.value(u"pairId"_s).toString().toLatin1();
    waiterToken = prepareToWaiter.value(u"token"_s).toString();
    newcomerToken = prepareToNewcomer.value(u"token"_s).toString();
    if (pairId.isEmpty() || waiterToken.isEmpty() || newcomerToken.isEmpty())
        return u"prepare without pairId or token: "_s + toText(prepareToWaiter);
    return {};
}

QString PairSetup::openRound(TestPlayer &player, const QString &suffix) const
{
    const QUrl url = server.url(u"/ws/round/"_s + QString::fromLatin1(pairId) + suffix);
    if (!player.open(url))
        return u"the round connection to %1 did not open"_s.arg(url.toString());
    return {};
}

void PairSetup::preparedAsWaiter(TestPlayer &player, const QJsonObject &extra) const
{
    player.prepared(waiterId, waiterToken, extra);
}

void PairSetup::preparedAsNewcomer(TestPlayer &player, const QJsonObject &extra) const
{
    player.prepared(newcomerId, newcomerToken, extra);
}

QString PairSetup::start(TestPlayer &waiterSeat, TestPlayer &newcomerSeat)
{
    if (QString e = match(); !e.isEmpty())
        return e;
    if (QString e = openRound(waiterSeat); !e.isEmpty())
        return e;
    if (QString e = openRound(newcomerSeat); !e.isEmpty())
        return e;
    preparedAsWaiter(waiterSeat);
    if (QString e = expectMessage(waiterSeat, message(u"wait"_s)); !e.isEmpty())
        return u"waiter's seat: "_s + e;
    preparedAsNewcomer(newcomerSeat);
    const QJsonObject start {{u"command"_s, u"start"_s},
        {u"users"_s, QJsonArray {TestPlayer::user(waiterId), TestPlayer::user(newcomerId)}}};
    if (QString e = expectMessage(waiterSeat, start); !e.isEmpty())
        return u"waiter's seat: "_s + e;
    if (QString e = expectMessage(newcomerSeat, start); !e.isEmpty())
        return u"newcomer's seat: "_s + e;
    return {};
}

} // namespace pairmatch::test
