#include "memoryhistory.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

MemoryHistory::MemoryHistory(QObject *parent)
    : QObject(parent)
{ }

void MemoryHistory::record(MatchRecord record)
{
    if (!m_failNext.isEmpty()) {
        ++m_failed;
        m_lastError = std::exchange(m_failNext, {});
    } else {
        ++m_written;
        m_records.append(std::move(record));
    }
    Q_EMIT countersChanged();
}

quint64 MemoryHistory::query(const HistoryQuery &query)
{
    const quint64 ticket = ++m_lastTicket;
    if (m_held) {
        m_heldAnswers.append({ticket, page(query)});
        return ticket;
    }
    // Answered later, on this thread, as the store answers from its queue.
    QMetaObject::invokeMethod(
        this, [this, ticket, p = page(query)] { Q_EMIT answered(ticket, p); },
        Qt::QueuedConnection);
    return ticket;
}

void MemoryHistory::release()
{
    m_held = false;
    const auto answers = std::exchange(m_heldAnswers, {});
    for (const auto &[ticket, p] : answers)
        Q_EMIT answered(ticket, p);
}

void MemoryHistory::connect(HistoryRequests &requests)
{
    requests.setBackend({[this](const HistoryQuery &q) { return query(q); },
        [this] {
            return HistoryCounters {m_written, m_failed, m_lastError};
        }});
    QObject::connect(this, &MemoryHistory::answered, &requests, &HistoryRequests::onAnswered);
}

HistoryPage MemoryHistory::page(const HistoryQuery &query) const
{
    QList<MatchRecord> matching;
    for (const MatchRecord &r : m_records) {
        if (!query.userId.isEmpty() && r.userIds[0] != query.userId && r.userIds[1] != query.userId)
            continue;
        if (!query.pairId.isEmpty() && r.pairId != query.pairId)
            continue;
        matching.append(r);
    }
    std::sort(matching.begin(), matching.end(), [](const MatchRecord &a, const MatchRecord &b) {
        return a.overAtMs != b.overAtMs ? a.overAtMs > b.overAtMs : a.pairId > b.pairId;
    });
    HistoryPage page;
    page.query = query;
    const qsizetype from = qMin<qsizetype>(query.offset, matching.size());
    const qsizetype to = qMin<qsizetype>(from + query.limit, matching.size());
    page.rows = matching.mid(from, to - from);
    page.more = to < matching.size();
    if (!query.withMoves) {
        for (MatchRecord &r : page.rows)
            r.moves.clear();
    }
    return page;
}

MatchRecord finishedGame(const QByteArray &pairId, const QByteArray &a, const QByteArray &b,
    int minute, int moves, qint32 type)
{
    const qint64 overAtMs = kHistoryDayMs + qint64(minute) * 60'000;
    MatchRecord r;
    r.pairId = pairId;
    r.type = type;
    r.userIds = {a, b};
    r.users = {QJsonDocument(QJsonObject {{u"userId"_s, QString::fromUtf8(a)}})
                   .toJson(QJsonDocument::Compact),
        QJsonDocument(QJsonObject {{u"userId"_s, QString::fromUtf8(b)}})
            .toJson(QJsonDocument::Compact)};
    r.seed = 7;
    r.issuedAtMs = overAtMs - 60'000;
    r.startedAtMs = overAtMs - 50'000;
    r.overAtMs = overAtMs;
    r.outcome = MatchOutcome::Ended;
    r.by = 1;
    r.moveCount = quint64(moves);
    for (int i = 1; i <= moves; ++i) {
        const QByteArray &user = i % 2 ? a : b;
        r.moves.append(QJsonDocument(
            QJsonObject {{u"command"_s, u"game"_s}, {u"userId"_s, QString::fromUtf8(user)},
                {u"data"_s, QJsonObject {{u"move"_s, i}}},
                {u"seq"_s,
                    i}}).toJson(QJsonDocument::Compact));
    }
    r.seenSeq = {quint64(moves), quint64(moves)};
    return r;
}

} // namespace pairmatch::test
