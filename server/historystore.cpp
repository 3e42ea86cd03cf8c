#include "historystore.h"

#include "historydatabase.h"
#include "historywriter.h"
#include "logging.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

std::unique_ptr<HistoryStore> HistoryStore::open(const QString &path, QString *error)
{
    qRegisterMetaType<pairmatch::MatchRecord>();
    qRegisterMetaType<pairmatch::HistoryQuery>();
    qRegisterMetaType<pairmatch::HistoryPage>();
    {
        // Made and checked here, so that a bad file is a start-up error; the writer opens
        // its own connection on its own thread.
        HistoryDatabase db;
        if (!db.open(path, HistoryDatabase::Mode::Create, error))
            return nullptr;
    }
    std::unique_ptr<HistoryStore> store(new HistoryStore(path));
    qCInfo(lcHistory).noquote() << u"match history in %1"_s.arg(path);
    return store;
}

HistoryStore::HistoryStore(const QString &path)
    : m_path(path)
    , m_writer(new HistoryWriter(path))
{
    m_thread.setObjectName(u"pairmatch-history"_s);
    m_writer->moveToThread(&m_thread);
    connect(m_writer, &HistoryWriter::answered, this, &HistoryStore::answered);
    connect(m_writer, &HistoryWriter::countersChanged, this, &HistoryStore::onCountersChanged);
    m_thread.start();
    QMetaObject::invokeMethod(m_writer, &HistoryWriter::start, Qt::QueuedConnection);
}

HistoryStore::~HistoryStore()
{
    // Queued after every record handed over, so it writes them all before it returns.
    QMetaObject::invokeMethod(m_writer, &HistoryWriter::finish, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_written = m_writer->written();
    m_failed = m_writer->failed();
    delete m_writer;
    if (m_written || m_failed) {
        qCInfo(lcHistory).noquote()
            << u"match history %1 closed: %2 games kept, %3 not kept"_s.arg(m_path)
                   .arg(m_written)
                   .arg(m_failed);
    }
}

void HistoryStore::record(MatchRecord record)
{
    HistoryWriter *writer = m_writer;
    QMetaObject::invokeMethod(
        writer, [writer, r = std::move(record)] { writer->add(r); }, Qt::QueuedConnection);
}

quint64 HistoryStore::query(const HistoryQuery &query)
{
    const quint64 ticket = ++m_nextTicket;
    HistoryWriter *writer = m_writer;
    QMetaObject::invokeMethod(
        writer, [writer, ticket, query] { writer->query(ticket, query); }, Qt::QueuedConnection);
    return ticket;
}

void HistoryStore::onCountersChanged(quint64 written, quint64 failed, const QString &lastError)
{
    m_written = written;
    m_failed = failed;
    m_lastError = lastError;
    Q_EMIT countersChanged();
}

} // namespace pairmatch
