#include "pairsetup.h"

#include "playerchecks.h"

namespace pairmatch::test {

using namespace Qt::StringLiterals;

PairSetup::PairSetup(
    const QUrl &server, qint32 matchType, const QString &waiter, const QString &newcomer)
    : type(matchType)
    , waiterId(waiter)
    , newcomerId(newcomer)
    , m_server(server)
{ }

PairSetup::PairSetup(
    const TestServer &server, qint32 matchType, const QString &waiter, const QString &newcomer)
    : PairSetup(server.url({}), matchType, waiter, newcomer)
{ }

QUrl PairSetup::url(const QString &path) const
{
    QUrl u = m_server;
    u.setPath(path);
    return u;
}

QString PairSetup::roundPath() const
{
    return u"/ws/round/"_s + QString::fromLatin1(pairId);
}

QString PairSetup::enterWaiter()
{
    if (!waiterMatching.open(url(u"/ws/matching/%1"_s.arg(type))))
        return u"%1 cannot open /ws/matching/%2"_s.arg(waiterId).arg(type);
    waiterMatching.entry(waiterId);
    if (QString e = expectMessage(waiterMatching, message(u"entried"_s)); !e.isEmpty())
        return waiterId + u": "_s + e;
    return {};
}

QString PairSetup::enterNewcomer()
{
    if (!newcomerMatching.open(url(u"/ws/matching/%1"_s.arg(type))))
        return u"%1 cannot open /ws/matching/%2"_s.arg(newcomerId).arg(type);
    newcomerMatching.entry(newcomerId);
    if (QString e = expectCommand(waiterMatching, u"prepare"_s, &prepareToWaiter); !e.isEmpty())
        return waiterId + u": "_s + e;
    if (QString e = expectCommand(newcomerMatching, u"prepare"_s, &prepareToNewcomer); !e.isEmpty())
        return newcomerId + u": "_s + e;
    pairId = prepareToWaiter.value(u"pairId"_s).toString().toLatin1();
    waiterToken = prepareToWaiter.value(u"token"_s).toString();
    newcomerToken = prepareToNewcomer.value(u"token"_s).toString();
    if (pairId.isEmpty() || waiterToken.isEmpty() || newcomerToken.isEmpty())
        return u"prepare without pairId or token: "_s + toText(prepareToWaiter);
    return {};
}

QString PairSetup::match()
{
    if (QString e = enterWaiter(); !e.isEmpty())
        return e;
    return enterNewcomer();
}

QString PairSetup::openRound(TestPlayer &player, const QString &suffix) const
{
    const QUrl round = url(roundPath() + suffix);
    if (!player.open(round))
        return u"the round connection to %1 did not open"_s.arg(round.toString());
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

void PairSetup::resumeAsWaiter(TestPlayer &player, const QJsonValue &lastSeq) const
{
    QJsonObject m = preparedMessage(TestPlayer::user(waiterId), waiterToken);
    m.insert(u"lastSeq"_s, lastSeq);
    player.send(m);
}

void PairSetup::resumeAsNewcomer(TestPlayer &player, const QJsonValue &lastSeq) const
{
    QJsonObject m = preparedMessage(TestPlayer::user(newcomerId), newcomerToken);
    m.insert(u"lastSeq"_s, lastSeq);
    player.send(m);
}

QString PairSetup::seat(TestPlayer &round, TestPlayer &other, const QString &userId,
    const QString &otherId, const QString &token)
{
    if (QString e = openRound(round); !e.isEmpty())
        return userId + u": "_s + e;
    const bool otherSits = other.isOpen();
    round.prepared(userId, token);
    if (!otherSits) {
        if (QString e = expectMessage(round, message(u"wait"_s)); !e.isEmpty())
            return userId + u"'s seat: "_s + e;
        return {};
    }
    const QJsonObject start = startMessage(TestPlayer::user(otherId), TestPlayer::user(userId));
    if (QString e = expectMessage(round, start); !e.isEmpty())
        return userId + u"'s seat: "_s + e;
    if (QString e = expectMessage(other, start); !e.isEmpty())
        return otherId + u"'s seat: "_s + e;
    return {};
}

QString PairSetup::seatWaiter()
{
    return seat(waiterRound, newcomerRound, waiterId, newcomerId, waiterToken);
}

QString PairSetup::seatNewcomer()
{
    return seat(newcomerRound, waiterRound, newcomerId, waiterId, newcomerToken);
}

QString PairSetup::seatWaiter(RawWsClient &raw) const
{
    if (!raw.open(quint16(m_server.port()), roundPath().toLatin1()))
        return u"%1: the hand-made round connection did not open"_s.arg(waiterId);
    raw.send(preparedMessage(TestPlayer::user(waiterId), waiterToken));
    if (QString e = expectFrame(raw, message(u"wait"_s)); !e.isEmpty())
        return waiterId + u"'s seat: "_s + e;
    return {};
}

QString PairSetup::start()
{
    if (QString e = match(); !e.isEmpty())
        return e;
    if (QString e = seatWaiter(); !e.isEmpty())
        return e;
    return seatNewcomer();
}

QString PairSetup::move(bool fromWaiter, const QJsonValue &data)
{
    (fromWaiter ? waiterRound : newcomerRound).game(data);
    const QJsonObject relayed = gameMessage(fromWaiter ? waiterId : newcomerId, data, ++moves);
    if (QString e = expectMessage(waiterRound, relayed); !e.isEmpty())
        return waiterId + u"'s seat: "_s + e;
    if (QString e = expectMessage(newcomerRound, relayed); !e.isEmpty())
        return newcomerId + u"'s seat: "_s + e;
    return {};
}

} // namespace pairmatch::test
