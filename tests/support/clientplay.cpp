#include "clientplay.h"

#include "waituntil.h"

#include <pairmatch/client.h>

#include <QJsonObject>
#include <QStringList>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

namespace {

// What one player saw: its moves ("userId:n") and how its round went.
struct Seen {
    QStringList moves;
    bool started = false;
    bool ended = false;
    QString trouble; // an error, none, invalid, a close it did not ask for
};

void watch(Client &client, Seen &seen)
{
    QObject::connect(&client, &Client::started, &client, [&seen] { seen.started = true; });
    QObject::connect(
        &client, &Client::moved, &client, [&seen](const QString &userId, const QJsonValue &data) {
            seen.moves << userId + u':' + QString::number(data[u"n"_s].toInt(-1));
        });
    QObject::connect(&client, &Client::ended, &client, [&seen] { seen.ended = true; });
    QObject::connect(
        &client, &Client::opponentLeft, &client, [&seen] { seen.trouble += u"none; "_s; });
    QObject::connect(
        &client, &Client::invalid, &client, [&seen] { seen.trouble += u"invalid; "_s; });
    QObject::connect(&client, &Client::error, &client,
        [&seen](const QString &code) { seen.trouble += u"error "_s + code + u"; "_s; });
    QObject::connect(
        &client, &Client::disconnected, &client, [&seen](int code, const QString &why) {
            seen.trouble += u"closed %1 %2; "_s.arg(code).arg(why);
        });
}

} // namespace

QString playRoundWithClients(const QUrl &server, qint32 type, const QString &first,
    const QString &second, int moves, int timeoutMs)
{
    Client a(server), b(server);
    a.setReconnect(0); // a drop is a failure here, not something to ride out
    b.setReconnect(0);
    Seen sa, sb;
    watch(a, sa);
    watch(b, sb);
    const auto failed = [&](const QString &what) {
        return what + u" (%1 saw: %2; %3 saw: %4)"_s.arg(first, sa.trouble, second, sb.trouble);
    };

    a.enter(type, first);
    if (!waitUntil(
            [&] { return a.state() == Client::State::Queued || !sa.trouble.isEmpty(); }, timeoutMs)
        || a.state() != Client::State::Queued)
        return failed(first + u" is not queued"_s);
    b.enter(type, second);
    if (!waitUntil(
            [&] { return (sa.started && sb.started) || !(sa.trouble + sb.trouble).isEmpty(); },
            timeoutMs)
        || !sa.started || !sb.started)
        return failed(u"the round did not start"_s);
    if (a.opponent().value(u"userId"_s).toString() != second || a.seat().pairId != b.seat().pairId
        || a.seat().seed != b.seat().seed)
        return failed(u"the two were not matched with each other"_s);

    QStringList expected;
    for (int i = 0; i < moves; ++i) {
        Client &mover = i % 2 == 0 ? a : b;
        mover.move(QJsonObject {{u"n"_s, i}});
        expected << (i % 2 == 0 ? first : second) + u':' + QString::number(i);
        if (!waitUntil([&] { return sa.moves.size() > i && sb.moves.size() > i; }, timeoutMs))
            return failed(u"move %1 did not reach both"_s.arg(i));
    }
    if (sa.moves != expected || sb.moves != expected) {
        return failed(u"moves: expected %1, %2 saw %3, %4 saw %5"_s.arg(
            expected.join(u' '), first, sa.moves.join(u' '), second, sb.moves.join(u' ')));
    }

    a.end();
    if (!waitUntil([&] { return sa.ended; }, timeoutMs))
        return failed(first + u" got no ended"_s);
    a.close();
    b.end();
    if (!waitUntil([&] { return sb.ended; }, timeoutMs))
        return failed(second + u" got no ended"_s);
    b.close();
    if (!(sa.trouble + sb.trouble).isEmpty())
        return failed(u"trouble on the way"_s);
    return {};
}

} // namespace pairmatch::test
