// pairmatch-replay: yesterday's games from a match history file (docs/history.md), read-only,
// with no server running or needed.
//   pairmatch-replay --pair ID [--json]            one game: who, when, how it ended, every
//                                                  move in order, then the check of its log
//   pairmatch-replay --user ID [--limit N] [--json] that player's recent games, newest first
// Exit status: 0; 1 when a game's log fails the check; 2 for a usage error, an unknown pair
// or a file that cannot be read.
#include "commandline.h"
#include "historydatabase.h"
#include "matchhistory.h"
#include "movelogcheck.h"
#include "options.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

struct ReplayFlag {
    QString name;
    QString valueName;
    QString help;
};

enum FlagIndex { History, Pair, User, Limit, Json };

std::vector<ReplayFlag> flags()
{
    return {
        {u"history"_s, u"PATH"_s,
            u"The match history file (%1, or $PAIRMATCH_HISTORY)."_s.arg(defaultHistoryPath())},
        {u"pair"_s, u"ID"_s,
            u"Print this game: its players, times, outcome, every move, and the check of its "
            "log."_s},
        {u"user"_s, u"ID"_s, u"List this player's recent games, newest first."_s},
        {u"limit"_s, u"N"_s, u"With --user: how many games, 1 to %1 (20)."_s.arg(kMaxHistoryLimit)},
        {u"json"_s, {}, u"Print JSON instead: the game's record, or an array of records."_s},
    };
}

QString description()
{
    return u"pairmatch-replay: reads a pairmatch match history file (read-only; no server "
           "needed).\nGive --pair ID or --user ID. Exit status: 0; 1 when a game's log fails "
           "the check;\n2 for a usage error, an unknown pair or an unreadable file."_s;
}

int failWith(const QString &text)
{
    printLine(stderr, u"pairmatch-replay: "_s + text);
    return 2;
}

QString when(qint64 ms)
{
    if (ms <= 0)
        return u"never"_s;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString compact(const QJsonValue &value)
{
    if (value.isUndefined())
        return u"-"_s;
    // A bare value through an array: QJsonDocument takes objects and arrays only.
    QByteArray text = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.sliced(1, text.size() - 2));
}

QString byName(const MatchRecord &r)
{
    return r.by < 0 ? QString() : QString::fromUtf8(r.userIds[std::size_t(r.by)]);
}

void printText(const QString &text)
{
    printLine(stdout, text);
}

int printPair(const MatchRecord &r, bool json)
{
    const QStringList problems = checkMoveLog(r);
    if (json) {
        printText(QString::fromUtf8(QJsonDocument(toJson(r)).toJson(QJsonDocument::Compact)));
    } else {
        printText(u"pair      %1"_s.arg(QString::fromUtf8(r.pairId)));
        printText(u"type      %1"_s.arg(r.type));
        for (std::size_t i = 0; i < 2; ++i) {
            printText(u"user %1    %2  %3"_s.arg(i).arg(
                QString::fromUtf8(r.userIds[i]), QString::fromUtf8(r.users[i])));
        }
        printText(u"seed      %1"_s.arg(r.seed));
        printText(u"issued    %1"_s.arg(when(r.issuedAtMs)));
        printText(u"started   %1"_s.arg(when(r.startedAtMs)));
        printText(u"over      %1"_s.arg(when(r.overAtMs)));
        const QString by = byName(r);
        printText(u"outcome   %1%2"_s.arg(
            matchOutcomeName(r.outcome), by.isEmpty() ? QString() : u" by "_s + by));
        printText(u"moves     %1%2"_s.arg(r.moveCount)
                      .arg(r.firstSeq > 1 ? u" (kept from seq %1)"_s.arg(r.firstSeq) : QString()));
        printText(u"seen      %1 %2, %3 %4"_s.arg(QString::fromUtf8(r.userIds[0]))
                      .arg(r.seenSeq[0])
                      .arg(QString::fromUtf8(r.userIds[1]))
                      .arg(r.seenSeq[1]));
        for (const QByteArray &frame : r.moves) {
            const QJsonObject move = QJsonDocument::fromJson(frame).object();
            printText(u"%1  %2  %3"_s.arg(compact(move.value("seq"_L1)),
                move.value("userId"_L1).toString(), compact(move.value("data"_L1))));
        }
    }
    if (problems.isEmpty()) {
        if (!json)
            printText(u"log ok"_s);
        return 0;
    }
    for (const QString &problem : problems)
        printLine(json ? stderr : stdout, u"log: "_s + problem);
    return 1;
}

void printUserGames(const QByteArray &userId, const QList<MatchRecord> &rows, bool json)
{
    if (json) {
        QJsonArray array;
        for (const MatchRecord &r : rows) {
            QJsonObject o = toJson(r);
            o.remove("moves"_L1);
            array.append(o);
        }
        printText(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
        return;
    }
    for (const MatchRecord &r : rows) {
        const std::size_t opponent = r.userIds[0] == userId ? 1 : 0;
        const QString by = byName(r);
        printText(u"%1  %2  type %3  vs %4  %5  %6 moves"_s.arg(when(r.overAtMs),
            QString::fromUtf8(r.pairId), QString::number(r.type),
            QString::fromUtf8(r.userIds[opponent]),
            QString(matchOutcomeName(r.outcome)) + (by.isEmpty() ? QString() : u" by "_s + by),
            QString::number(r.moveCount)));
    }
}

} // namespace

int main(int argc, char **argv)
{
    // Parsed before the application exists, as pairmatch's: --help names the program, not
    // the path it was started by.
    const std::vector<ReplayFlag> all = flags();
    const CommandLine line
        = parseCommandLine(argumentsOf(argc, argv), u"pairmatch-replay"_s, description(), all);
    if (line.action != CommandLineAction::Run)
        return *finishCommandLine(line.action, line.text);
    QCoreApplication app(argc, argv); // Qt SQL finds its SQLite driver through it
    QCoreApplication::setApplicationName(u"pairmatch-replay"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PAIRMATCH_VERSION));
    const auto value = [&](FlagIndex i) {
        return line.values[std::size_t(i)];
    };

    QString path = qEnvironmentVariable("PAIRMATCH_HISTORY");
    if (value(History))
        path = *value(History);
    if (path.isEmpty())
        path = defaultHistoryPath();
    if (path.compare("off"_L1, Qt::CaseInsensitive) == 0)
        return failWith(u"the history is off (--history off): there is no file to read"_s);
    if (value(Pair).has_value() == value(User).has_value())
        return failWith(u"give either --pair ID or --user ID (see --help)"_s);
    int limit = 20;
    if (value(Limit)) {
        bool ok = false;
        limit = value(Limit)->trimmed().toInt(&ok);
        if (!ok || limit < 1 || limit > kMaxHistoryLimit) {
            return failWith(
                u"--limit: expected an integer from 1 to %1, got '%2'"_s.arg(kMaxHistoryLimit)
                    .arg(*value(Limit)));
        }
    }
    const bool json = value(Json).has_value();

    HistoryDatabase db;
    QString error;
    if (!db.open(path, HistoryDatabase::Mode::ReadOnly, &error))
        return failWith(error);
    HistoryQuery query;
    if (value(Pair)) {
        query.pairId = value(Pair)->toUtf8();
        query.limit = 1;
        query.withMoves = true;
    } else {
        query.userId = value(User)->toUtf8();
        query.limit = limit;
    }
    const HistoryPage page = db.query(query);
    if (!page.error.isEmpty())
        return failWith(u"history file %1: %2"_s.arg(path, page.error));
    if (value(Pair)) {
        if (page.rows.isEmpty())
            return failWith(u"no pair %1 in %2"_s.arg(*value(Pair), path));
        return printPair(page.rows.first(), json);
    }
    printUserGames(query.userId, page.rows, json);
    return 0;
}
