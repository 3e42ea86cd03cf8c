#include "historywriter.h"

#include "logging.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

HistoryWriter::HistoryWriter(const QString &path)
    : m_path(path)
    , m_batchTimer(this) // a child: it moves to the writer's thread with it
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(kBatchDelayMs);
    m_batchTimer.callOnTimeout(this, &HistoryWriter::flush);
}

HistoryWriter::~HistoryWriter() = default;

void HistoryWriter::start()
{
    ensureOpen();
}

bool HistoryWriter::ensureOpen()
{
    if (m_db.isOpen())
        return true;
    QString error;
    if (m_db.open(m_path, HistoryDatabase::Mode::ReadWrite, &error)) {
        if (m_openLogged)
            qCInfo(lcHistory).noquote() << u"history file %1 is open again"_s.arg(m_path);
        m_openLogged = false;
        return true;
    }
    if (!m_openLogged) {
        m_openLogged = true;
        qCWarning(lcHistory).noquote()
            << u"%1; finished games are not kept until it can be opened (counted in "
               "pairmatch_history_failed_total)"_s.arg(error);
    }
    m_lastError = error;
    return false;
}

void HistoryWriter::add(const MatchRecord &record)
{
    m_pending.append(record);
    if (m_pending.size() >= kBatchSize)
        flush();
    else if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void HistoryWriter::flush()
{
    m_batchTimer.stop();
    if (m_pending.isEmpty())
        return;
    const QList<MatchRecord> batch = std::exchange(m_pending, {});
    if (!ensureOpen()) {
        m_failed += quint64(batch.size());
        Q_EMIT countersChanged(m_written, m_failed, m_lastError);
        return;
    }
    QString error;
    HistoryFailure failure = HistoryFailure::Io;
    bool ok = m_db.insert(batch, &error, &failure);
    if (!ok && failure == HistoryFailure::Busy) // another connection held it: once more
        ok = m_db.insert(batch, &error, &failure);
    if (ok)
        m_written += quint64(batch.size());
    else
        failed(failure, error, batch.size());
    Q_EMIT countersChanged(m_written, m_failed, m_lastError);
}

void HistoryWriter::failed(HistoryFailure failure, const QString &error, qsizetype records)
{
    m_failed += quint64(records);
    m_lastError = u"%1 (%2)"_s.arg(error, historyFailureName(failure));
    bool &logged = m_logged[std::size_t(failure)];
    if (logged)
        return;
    logged = true;
    qCWarning(lcHistory).noquote()
        << u"history file %1: %2 finished game(s) not kept: %3 (%4); play goes on, further "
           "failures of this kind are counted in pairmatch_history_failed_total, not logged"_s
               .arg(m_path)
               .arg(records)
               .arg(error, historyFailureName(failure));
}

void HistoryWriter::query(quint64 ticket, const HistoryQuery &query)
{
    flush(); // a query sees every record handed over before it
    HistoryPage page;
    if (ensureOpen()) {
        page = m_db.query(query);
    } else {
        page.query = query;
        page.error = m_lastError;
    }
    Q_EMIT answered(ticket, page);
}

void HistoryWriter::finish()
{
    flush();
    m_db.close();
}

} // namespace pairmatch
