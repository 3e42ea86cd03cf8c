// highcard URL USERID [TYPE]: plays the browser's high-card duel (resources/web/game.js).
#include <QCoreApplication>
#include <cstdio>
#include <numeric>
#include <pairmatch/client.h>
#include <vector>
using pairmatch::Client;
static std::vector<int> deck(quint32 a) // from the shared seed: mulberry32, Fisher-Yates
{
    std::vector<int> cards(52);
    std::iota(cards.begin(), cards.end(), 0);
    for (int i = 51; i > 0; --i) {
        quint32 t = a += 0x6D2B79F5u;
        t = (t ^ t >> 15) * (t | 1u);
        t = (t + (t ^ t >> 7) * (t | 61u)) ^ t;
        std::swap(cards[i], cards[int((t ^ t >> 14) / 4294967296.0 * (i + 1))]);
    }
    return cards;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3)
        return std::fprintf(stderr, "usage: highcard ws://HOST:PORT USERID [TYPE]\n"), 2;
    Client client(QUrl {args[1]});
    std::vector<int> hand; // the first in `prepare`'s users holds cards 0-4 of the deck
    int round = 0, mine = -1, theirs = -1, score[2] = {0, 0};
    const auto play = [&] {
        client.move(QJsonObject {{"round", round}, {"card", hand[round]}});
    };
    QObject::connect(&client, &Client::started, [&] {
        const int at = client.seat().users[0]["userId"] == client.userId() ? 0 : 5;
        const std::vector<int> cards = deck(quint32(client.seat().seed));
        hand.assign(cards.begin() + at, cards.begin() + at + 5);
        play();
    });
    QObject::connect(&client, &Client::moved, [&](const QString &userId, const QJsonValue &data) {
        if (data["round"].toInt(-1) != round)
            return;
        (userId == client.userId() ? mine : theirs) = data["card"].toInt();
        if (mine >= 0 && theirs >= 0) { // both cards are down: the higher rank takes the round
            score[0] += mine % 13 > theirs % 13, score[1] += theirs % 13 > mine % 13;
            mine = theirs = -1;
            ++round < 5 ? play() : client.end();
        }
    });
    QObject::connect(&client, &Client::ended, [&] { // the opponent sends its `end` too
        std::printf("%s %d-%d\n", score[0] > score[1] ? "won" : "did not win", score[0], score[1]);
        app.exit(0);
    });
    QObject::connect(&client, &Client::stateChanged, [&](Client::State s) {
        if (s == Client::State::Over || s == Client::State::Closed)
            std::printf("the game is gone: %s\n", qPrintable(Client::stateName(s))), app.exit(1);
    });
    client.enter(args.size() > 3 ? args[3].toInt() : 1, args[2]);
    return app.exec();
}
