#include "movelogcheck.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace pairmatch {

using namespace Qt::StringLiterals;

QStringList checkMoveLog(const MatchRecord &r)
{
    QStringList problems;
    const auto user = [&](std::size_t i) {
        return QString::fromUtf8(r.userIds[i]);
    };
    if (r.firstSeq < 1)
        problems.append(u"firstSeq is %1, not at least 1"_s.arg(r.firstSeq));
    const quint64 expected = r.moveCount + 1 >= r.firstSeq ? r.moveCount + 1 - r.firstSeq : 0;
    if (r.moveCount + 1 < r.firstSeq)
        problems.append(u"firstSeq %1 is past moveCount %2 + 1"_s.arg(r.firstSeq).arg(r.moveCount));
    if (quint64(r.moves.size()) != expected) {
        problems.append(
            u"%1 moves kept, expected moveCount - firstSeq + 1 = %2"_s.arg(r.moves.size())
                .arg(expected));
    }
    quint64 seq = r.firstSeq;
    for (qsizetype i = 0; i < r.moves.size(); ++i, ++seq) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.moves[i], &error);
        if (!doc.isObject()) {
            problems.append(
                u"move %1 is not a JSON object: %2"_s.arg(i + 1).arg(error.errorString()));
            continue;
        }
        const QJsonObject move = doc.object();
        const double got = move.value("seq"_L1).toDouble(-1);
        if (got != double(seq)) {
            problems.append(
                u"move %1 has seq %2, expected %3"_s.arg(i + 1)
                    .arg(move.value("seq"_L1).isDouble() ? QString::number(qint64(got)) : u"none"_s)
                    .arg(seq));
        }
        const QByteArray by = move.value("userId"_L1).toString().toUtf8();
        if (by != r.userIds[0] && by != r.userIds[1]) {
            problems.append(
                u"move %1 (seq %2) is by '%3', not a user of the pair"_s.arg(i + 1).arg(seq).arg(
                    QString::fromUtf8(by)));
        }
    }
    for (std::size_t i = 0; i < 2; ++i) {
        if (r.seenSeq[i] > r.moveCount) {
            problems.append(u"%1 was sent seq %2, past the last move %3"_s.arg(user(i))
                                .arg(r.seenSeq[i])
                                .arg(r.moveCount));
        }
        if (r.outcome == MatchOutcome::Ended && r.seenSeq[i] != r.moveCount) {
            problems.append(
                u"ended, but %1 was sent up to seq %2, not the last move %3"_s.arg(user(i))
                    .arg(r.seenSeq[i])
                    .arg(r.moveCount));
        }
    }
    return problems;
}

} // namespace pairmatch
