#include "connectiontable.h"

#include "session.h"

namespace pairmatch {

ConnectionTable::ConnectionTable() = default;
ConnectionTable::~ConnectionTable() = default;

void ConnectionTable::insert(std::unique_ptr<Session> session)
{
    const ConnId id = session->id();
    m_sessions.emplace(id, std::move(session));
}

void ConnectionTable::erase(ConnId id)
{
    m_sessions.erase(id);
}

} // namespace pairmatch
