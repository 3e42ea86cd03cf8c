// The match history's own thread (docs/history.md): HistoryStore moves one HistoryWriter onto
// a QThread and talks to it only by queued calls and queued signals. The writer owns its
// SQLite connection, batches records (one transaction for up to kBatchSize records, or for
// what arrived within kBatchDelayMs of the first) and answers queries. A failed write never
// reaches the players: the batch is retried once when the file was busy, else dropped,
// counted and logged once per kind of failure.
#pragma once

#include "historydatabase.h"
#include "matchhistory.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <array>

namespace pairmatch {

class HistoryWriter final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kBatchSize = 64;
    static constexpr int kBatchDelayMs = 200;

    explicit HistoryWriter(const QString &path);
    ~HistoryWriter() override;
    Q_DISABLE_COPY_MOVE(HistoryWriter)

    // All on the writer's thread, called by queued invocation.
    void start(); // opens the connection
    void add(const pairmatch::MatchRecord &record);
    void query(quint64 ticket, const pairmatch::HistoryQuery &query);
    // Writes what is pending and closes the connection (the last call before the thread ends).
    void finish();

    // Read by HistoryStore once the thread has stopped.
    quint64 written() const { return m_written; }
    quint64 failed() const { return m_failed; }

Q_SIGNALS:
    void answered(quint64 ticket, const pairmatch::HistoryPage &page);
    void countersChanged(quint64 written, quint64 failed, const QString &lastError);

private:
    void flush();
    bool ensureOpen();
    void failed(HistoryFailure failure, const QString &error, qsizetype records);

    QString m_path;
    HistoryDatabase m_db;
    QList<MatchRecord> m_pending;
    QTimer m_batchTimer;
    quint64 m_written = 0;
    quint64 m_failed = 0;
    QString m_lastError;
    std::array<bool, kHistoryFailureCount> m_logged {};
    bool m_openLogged = false;
};

} // namespace pairmatch
