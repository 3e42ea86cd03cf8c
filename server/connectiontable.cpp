#include "connectiontable.h"

#include "session.h"

namespace pairmatch {

ConnectionTable::ConnectionTable() = default;
ConnectionTable::~ConnectionTable() = default;

void ConnectionTable::insert(std::unique_ptr<Session> session)
{
    const ConnId id = session->id();
    ++m_perAddress[session->peerAddress];
    m_sessions.emplace(id, std::move(session));
}

void ConnectionTable::erase(ConnId id)
{
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return;
    if (const auto n = m_perAddress.find(it->second->peerAddress);
        n != m_perAddress.end() && --n.value() <= 0)
        m_perAddress.erase(n);
    m_sessions.erase(it);
}

} // namespace pairmatch
