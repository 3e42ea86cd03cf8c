// The match history (docs/history.md): where the server keeps every finished game, in an
// SQLite file. Lives on the server's thread as the core's MatchRecordSink; the file is
// written and read on a thread of its own (HistoryWriter), reached only by queued calls, so
// neither a record nor a query ever waits for the disk on the server's thread. Records come
// only when a pair is over, never per move. A failing file (full disk, read-only, locked)
// never stops play: its records are counted as failed and the failure logged once per kind.
#pragma once

#include "matchhistory.h"
#include "matchrecordsink.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <memory>

namespace pairmatch {

class HistoryWriter;

class HistoryStore final : public QObject, public MatchRecordSink
{
    Q_OBJECT

public:
    // Synchronously, on the calling thread (before the server listens): makes the directory
    // and the file when missing, checks it is a pairmatch history of a schema this build
    // knows, creates the schema, then starts the writer's thread. Null, with an error that
    // names the file, when it cannot.
    static std::unique_ptr<HistoryStore> open(const QString &path, QString *error);
    // Writes the records still pending, then stops the writer's thread.
    ~HistoryStore() override;
    Q_DISABLE_COPY_MOVE(HistoryStore)

    QString path() const { return m_path; }

    // MatchRecordSink: never blocks; the writer batches.
    void record(MatchRecord record) override;

    // Asks the history; answered(ticket, page) follows on this object's thread. The page
    // sees every record handed over before the query.
    quint64 query(const HistoryQuery &query);

    // Counters, as the writer last reported them.
    quint64 written() const { return m_written; }
    quint64 failed() const { return m_failed; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void answered(quint64 ticket, const pairmatch::HistoryPage &page);
    void countersChanged();

private:
    explicit HistoryStore(const QString &path);
    void onCountersChanged(quint64 written, quint64 failed, const QString &lastError);

    QString m_path;
    QThread m_thread;
    HistoryWriter *m_writer = nullptr; // lives on m_thread; deleted when it has stopped
    quint64 m_nextTicket = 0;
    quint64 m_written = 0;
    quint64 m_failed = 0;
    QString m_lastError;
};

} // namespace pairmatch
