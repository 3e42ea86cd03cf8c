#include "pingscheduler.h"

namespace pairmatch {

void PingScheduler::add(ConnId conn, Millis now)
{
    m_conns.emplace(conn, State {});
    m_pingsDue.push(now + m_config.interval, conn);
}

void PingScheduler::remove(ConnId conn)
{
    m_conns.erase(conn); // its queue entries lapse when they come due
}

void PingScheduler::pong(ConnId conn)
{
    const auto it = m_conns.find(conn);
    if (it != m_conns.end())
        it->second.awaiting = false;
}

Millis PingScheduler::nextDeadline() const
{
    return std::min(m_pingsDue.nextDeadline(), m_answersDue.nextDeadline());
}

void PingScheduler::advance(Millis now, std::vector<ConnId> &toPing, std::vector<ConnId> &dead)
{
    m_answersDue.popDue(now, [&](const std::pair<ConnId, quint32> &due) {
        const auto it = m_conns.find(due.first);
        if (it != m_conns.end() && it->second.awaiting && it->second.pingSerial == due.second) {
            m_conns.erase(it);
            dead.push_back(due.first);
        }
    });
    m_pingsDue.popDue(now, [&](ConnId conn) {
        const auto it = m_conns.find(conn);
        if (it == m_conns.end())
            return;
        m_pingsDue.push(now + m_config.interval, conn);
        if (it->second.awaiting)
            return; // the previous ping is still within its timeout
        it->second.awaiting = true;
        ++it->second.pingSerial;
        m_answersDue.push(now + m_config.timeout, {conn, it->second.pingSerial});
        toPing.push_back(conn);
    });
}

} // namespace pairmatch
