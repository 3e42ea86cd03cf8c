#include "localfeed.h"

#include "adminactions.h"
#include "servercore.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

LocalFeed::LocalFeed(ServerCore &core, QObject *parent)
    : AdminFeed(parent)
    , m_core(core)
{ }

LocalFeed::~LocalFeed()
{
    if (m_started)
        m_core.view().removeObserver();
}

void LocalFeed::start()
{
    if (!m_started) {
        m_started = true;
        m_core.view().addObserver();
        connect(&m_core.view(), &OperatorView::updated, this, &LocalFeed::deliverUpdate);
    }
    Q_EMIT connectionChanged(true, source());
    deliverSnapshot(m_core.view().snapshot());
}

QString LocalFeed::source() const
{
    return u"in-process"_s;
}

void LocalFeed::submit(const AdminCommand &command)
{
    const AdminReply reply = runAdminCommand(m_core, command);
    if (const auto *snapshot = std::get_if<Snapshot>(&reply))
        deliverSnapshot(*snapshot);
    else
        deliverResult(std::get<AdminResult>(reply));
}

} // namespace pairmatch
