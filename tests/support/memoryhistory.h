// A match history in memory for tests, with the query semantics and the signal path of
// server/historystore.h (newest first, filters, offset/limit/more, moves only withMoves; the
// page comes later, by answered(ticket, page)); connect() wires it to a HistoryRequests as
// ServerApp wires the SQLite store. It stands in for the store where a test needs rows before
// branch `history` (HistoryStore) is merged; the integrator may swap it for the real store.
#pragma once

#include "historyrequests.h"
#include "matchrecordsink.h"

#include <QObject>

namespace pairmatch::test {

class MemoryHistory final : public QObject, public MatchRecordSink
{
    Q_OBJECT

public:
    explicit MemoryHistory(QObject *parent = nullptr);

    void record(MatchRecord record) override;
    quint64 query(const HistoryQuery &query);
    quint64 written() const { return m_written; }
    quint64 failed() const { return m_failed; }
    QString lastError() const { return m_lastError; }
    // The next record() fails with this error (counted as failed, not kept).
    void failNext(const QString &error) { m_failNext = error; }
    qsizetype size() const { return m_records.size(); }
    // While held, answers wait (a slow disk); release() sends them, oldest first.
    void hold() { m_held = true; }
    void release();
    qsizetype heldCount() const { return m_heldAnswers.size(); }

    // Makes `requests` ask this history (as ServerApp does with its store).
    void connect(HistoryRequests &requests);

Q_SIGNALS:
    void answered(quint64 ticket, const pairmatch::HistoryPage &page);
    void countersChanged();

private:
    HistoryPage page(const HistoryQuery &query) const;

    QList<MatchRecord> m_records;
    quint64 m_lastTicket = 0;
    quint64 m_written = 0;
    quint64 m_failed = 0;
    QString m_lastError;
    QString m_failNext;
    bool m_held = false;
    QList<std::pair<quint64, HistoryPage>> m_heldAnswers;
};

// A finished game for tests: users `a` and `b`, `moves` moves alternating from a, over
// `minute` minutes after kHistoryDayMs (later minutes: newer games), ended by b.
inline constexpr qint64 kHistoryDayMs = 1795900000000; // 2026-11-28
MatchRecord finishedGame(const QByteArray &pairId, const QByteArray &a, const QByteArray &b,
    int minute, int moves = 0, qint32 type = 1);

} // namespace pairmatch::test
