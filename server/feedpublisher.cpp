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
    sendSnapshot();
}

void FeedPublisher::onPending()
{
    m_pending = true;
    if (!m_inFlight && !m_next.isActive())
        send();
}

void FeedPublisher::acknowledge()
{
    m_inFlight = false;
    if (m_pending)
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
    if (!m_pending)
        return;
    if (m_core.view().journalOverflowed()) {
        sendSnapshot(); // the dashboard fell too far behind: start it over
        return;
    }
    m_pending = false;
    QList<AdminUpdate> batch = m_core.view().takeChanges();
    if (batch.isEmpty())
        return; // what changed came and went
    m_inFlight = true;
    m_sinceLast.start();
    Q_EMIT batchReady(batch);
}

void FeedPublisher::sendSnapshot()
{
    m_core.view().clearChanges();
    m_pending = false;
    m_inFlight = true;
    m_sinceLast.start();
    Q_EMIT snapshotReady(m_core.view().snapshot());
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
    if (const auto *snapshot = std::get_if<Snapshot>(&reply)) {
        m_core.view().clearChanges();
        m_pending = false;
        m_inFlight = true;
        m_sinceLast.start();
        Q_EMIT snapshotReady(*snapshot);
    } else {
        Q_EMIT resultReady(std::get<AdminResult>(reply));
    }
}

} // namespace pairmatch
