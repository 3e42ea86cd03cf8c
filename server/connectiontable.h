// Every open player connection by its id. One id space: a ConnId is a serial number, never
// reused, that logs, the machines and operators all use; lookup is O(1). It also counts the
// connections of each peer address (the players' gate caps them).
#pragma once

#include "effects.h"

#include <QHash>
#include <QHostAddress>

#include <memory>
#include <unordered_map>

namespace pairmatch {

class Session;

class ConnectionTable final
{
public:
    ConnectionTable();
    ~ConnectionTable();
    Q_DISABLE_COPY_MOVE(ConnectionTable)

    // The id the next connection gets.
    ConnId nextId() { return m_nextId++; }
    void insert(std::unique_ptr<Session> session);
    // Deletes it.
    void erase(ConnId id);

    Session *find(ConnId id) const
    {
        const auto it = m_sessions.find(id);
        return it == m_sessions.end() ? nullptr : it->second.get();
    }
    qsizetype size() const { return qsizetype(m_sessions.size()); }
    // Open connections from this address.
    qsizetype countFrom(const QHostAddress &address) const { return m_perAddress.value(address); }

    // f(Session &) for each connection, in no set order; f must not insert or erase.
    template <typename F> void forEach(F &&f) const
    {
        for (const auto &[id, session] : m_sessions)
            f(*session);
    }

private:
    std::unordered_map<ConnId, std::unique_ptr<Session>> m_sessions;
    QHash<QHostAddress, qsizetype> m_perAddress;
    ConnId m_nextId = 1;
};

} // namespace pairmatch
