#include "session.h"

#include "transport.h"

namespace pairmatch {

Session::Session(
    ConnId id, Transport *transport, Route route, Millis now, RateLimiter::Bucket rateBucket)
    : peerAddress(transport->peerAddress())
    , peerPort(transport->peerPort())
    , connectedAt(now)
    , bucket(rateBucket)
    , m_id(id)
    , m_transport(transport)
    , m_route(std::move(route))
{ }

Session::~Session()
{
    m_transport->release();
}

bool Session::queue(const QByteArray &frame)
{
    if (isClosing())
        return false;
    ++messagesOut;
    m_queued.push_back(frame);
    return m_queued.size() == 1;
}

qint64 Session::flush()
{
    const qint64 unsent = m_transport->write(m_queued);
    m_queued.clear();
    return unsent;
}

void Session::close(quint16 code, QLatin1StringView reason)
{
    if (isClosing())
        return;
    flush(); // what was said before the close goes first
    m_closeCode = code;
    m_closedByServer = true;
    m_transport->close(code, reason);
}

void Session::ping()
{
    if (!isClosing())
        m_transport->ping();
}

void Session::abort()
{
    m_transport->abort();
}

bool Session::isFinished() const
{
    return m_transport->isFinished();
}

void Session::noteClosing(quint16 code, bool byServer)
{
    if (isClosing())
        return;
    m_closeCode = code;
    m_closedByServer = byServer;
}

quint16 Session::finalCloseCode() const
{
    if (m_closedByServer)
        return m_closeCode;
    return m_transport->finalCloseCode();
}

} // namespace pairmatch
