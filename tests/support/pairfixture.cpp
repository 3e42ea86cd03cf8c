#include "pairfixture.h"

#include <QJsonDocument>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

namespace {

QString text(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

PairFixture::PairFixture(TestServer &s, qint32 t, const QString &waiter, const QString &newcomer)
    : server(s)
    , type(t)
    , waiterId(waiter)
    , newcomerId(newcomer)
{ }

QString PairFixture::enterWaiter()
{
    if (!waiterMatching.open(server.matchingUrl(type)))
        return u"%1 cannot open /ws/matching/%2"_s.arg(waiterId).arg(type);
    waiterMatching.entry(waiterId);
    if (!waiterMatching.expect(u"entried"_s))
        return waiterId + u": "_s + waiterMatching.lastMismatch();
    return {};
}

QString PairFixture::enterNewcomer()
{
    if (!newcomerMatching.open(server.matchingUrl(type)))
        return u"%1 cannot open /ws/matching/%2"_s.arg(newcomerId).arg(type);
    newcomerMatching.entry(newcomerId);
    QJsonObject toWaiter, toNewcomer;
    if (!waiterMatching.expect(u"prepare"_s, &toWaiter))
        return waiterId + u": "_s + waiterMatching.lastMismatch();
    if (!newcomerMatching.expect(u"prepare"_s, &toNewcomer))
        return newcomerId + u": "_s + newcomerMatching.lastMismatch();
    pairId = toWaiter.value(u"pairId"_s).toString().toLatin1();
    waiterToken = toWaiter.value(u"token"_s).toString();
    newcomerToken = toNewcomer.value(u"token"_s).toString();
    if (pairId.isEmpty() || waiterToken.isEmpty() || newcomerToken.isEmpty())
        return u"prepare without pairId or token: %1"_s.arg(text(toWaiter));
    return {};
}

QString PairFixture::match()
{
    if (QString e = enterWaiter(); !e.isEmpty())
        return e;
    return enterNewcomer();
}

QString PairFixture::seat(TestPlayer &round, TestPlayer &other, const QString &userId,
    const QString &token, const QString &who)
{
    if (!round.open(server.roundUrl(pairId)))
        return u"%1 cannot open its round"_s.arg(who);
    const bool otherSits = other.isOpen();
    round.prepared(userId, token);
    if (!otherSits)
        return round.expect(u"wait"_s) ? QString() : who + u": "_s + round.lastMismatch();
    if (!round.expect(u"start"_s))
        return who + u": "_s + round.lastMismatch();
    if (!other.expect(u"start"_s))
        return u"the other seat: "_s + other.lastMismatch();
    return {};
}

QString PairFixture::seatWaiter()
{
    return seat(waiterRound, newcomerRound, waiterId, waiterToken, waiterId);
}

QString PairFixture::seatNewcomer()
{
    return seat(newcomerRound, waiterRound, newcomerId, newcomerToken, newcomerId);
}

QString PairFixture::start()
{
    if (QString e = match(); !e.isEmpty())
        return e;
    if (QString e = seatWaiter(); !e.isEmpty())
        return e;
    return seatNewcomer();
}

QString PairFixture::move(bool fromWaiter, const QJsonValue &data)
{
    TestPlayer &from = fromWaiter ? waiterRound : newcomerRound;
    from.game(data);
    const QString sender = fromWaiter ? waiterId : newcomerId;
    for (TestPlayer *seat : {&waiterRound, &newcomerRound}) {
        QJsonObject m;
        if (!seat->expect(u"game"_s, &m))
            return seat->lastMismatch();
        if (m.value(u"userId"_s).toString() != sender || m.value(u"data"_s) != data)
            return u"expected %1's move %2, got %3"_s.arg(
                sender, text(QJsonObject {{u"data"_s, data}}), text(m));
    }
    return {};
}

} // namespace pairmatch::test
