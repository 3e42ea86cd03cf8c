#include "localfeed.h"

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

void LocalFeed::kick(quint64 sessionId)
{
    QString message;
    const bool ok = m_core.kick(sessionId, &message);
    Q_EMIT actionFinished(u"kick"_s, ok, message);
}

void LocalFeed::expire(const QString &pairId)
{
    QString message;
    const bool ok = m_core.expire(pairId.toLatin1(), &message);
    Q_EMIT actionFinished(u"expire"_s, ok, message);
}

void LocalFeed::setDraining(bool draining)
{
    m_core.setDraining(draining);
    Q_EMIT actionFinished(draining ? u"drain"_s : u"undrain"_s, true,
        draining ? u"draining: entry is refused"_s : u"no longer draining"_s);
}

} // namespace pairmatch
