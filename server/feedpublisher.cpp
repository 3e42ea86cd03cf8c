#include "feedpublisher.h"

#include "adminactions.h"
#include "historyrequests.h"
#include "servercore.h"

namespace pairmatch {

FeedPublisher::FeedPublisher(ServerCore &core, QObject *parent)
    : QObject(parent)
    , m_core(core)
{
    m_next.setSingleShot(true);
    m_next.callOnTimeout(this, &FeedPublisher::send);
}

FeedPublisher::~FeedPublisher()
{
    if (m_started)
        m_core.view().closeJournal();
}

void FeedPublisher::start()
{
    if (!m_started) {
        m_started = true;
        m_core.view().openJournal();
        connect(&m_core.view(), &OperatorView::changesPending, this, &FeedPublisher::onPending);
    }
    sendSnapshot(m_core.view().snapshot());
}

void FeedPublisher::onPending()
{
    if (!m_inFlight && !m_next.isActive())
        send();
}

void FeedPublisher::acknowledge()
{
    m_inFlight = false;
    if (m_core.view().hasChanges())
        send();
}

void FeedPublisher::send()
{
    if (m_inFlight)
        return;
    const qint64 wait = m_sinceLast.isValid() ? kBatchIntervalMs - m_sinceLast.elapsed() : 0;
    if (wait > 0) {
        m_next.start(int(wait));
        return;
    }
    if (!m_core.view().hasChanges())
        return;
    if (m_core.view().journalOverflowed()) {
        sendSnapshot(m_core.view().snapshot()); // the dashboard fell too far behind: start it over
        return;
    }
    QList<AdminUpdate> batch = m_core.view().takeChanges();
    if (batch.isEmpty())
        return; // what changed came and went
    m_inFlight = true;
    m_sinceLast.start();
    Q_EMIT batchReady(batch);
}

// A snapshot instead of what the journal holds: the changes after it come in the next batch.
void FeedPublisher::sendSnapshot(const Snapshot &snapshot)
{
    m_core.view().clearChanges();
    m_inFlight = true;
    m_sinceLast.start();
    Q_EMIT snapshotReady(snapshot);
}

void FeedPublisher::submit(const AdminCommand &command)
{
    if (command.kind == AdminCommand::Kind::History) {
        if (!m_history) {
            Q_EMIT historyReady(HistoryRequests::offAnswer(command.query));
            return;
        }
        m_history->ask(command.query, this,
            [this](const HistoryAnswer &answer) { Q_EMIT historyReady(answer); });
        return;
    }
    const AdminReply reply = runAdminCommand(m_core, command);
    if (const auto *snapshot = std::get_if<Snapshot>(&reply))
        sendSnapshot(*snapshot);
    else
        Q_EMIT resultReady(std::get<AdminResult>(reply));
}

} // namespace pairmatch
