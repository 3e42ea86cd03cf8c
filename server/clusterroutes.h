// Who talks to whom across nodes (pure: no I/O). On a pair's home, a seat whose connection
// sits on another node is a proxy: a ConnId with the top bit set that the PairTable treats
// like any connection, and whose frames and closes go to that node. On the seat's node, the
// connection is bound to the home: what it sends goes there, what the home says comes back.
// When a peer is gone (its heartbeat key expired, a hole in its link, this node's own link
// to Redis lost), dropPeer() says what that means for each side.
#pragma once

#include "bytearrayhash.h"
#include "clusterwire.h"
#include "effects.h"

#include <QByteArray>
#include <QHash>

#include <unordered_map>
#include <vector>

namespace pairmatch {

struct ProxyConn {
    QByteArray node; // where the connection is
    ConnId remote = 0; // its id there
    QByteArray pairId; // the round it opened; empty for a waiter being sent its `prepare`
};

struct Binding {
    QByteArray home; // empty once orphaned (the home went away after the pair started)
    SeatState state = SeatState::Bound;
};

class ClusterRoutes final
{
public:
    static constexpr ConnId kProxyBit = ConnId(1) << 63;
    static bool isProxy(ConnId conn) { return (conn & kProxyBit) != 0; }

    // Home side.
    ConnId proxy(const QByteArray &node, ConnId remote) const;
    ConnId addProxy(const QByteArray &node, ConnId remote, const QByteArray &pairId);
    const ProxyConn *proxyConn(ConnId proxy) const;
    void dropProxy(ConnId proxy);
    qsizetype proxyCount() const { return qsizetype(m_proxies.size()); }

    // Seat side.
    void bind(ConnId conn, const QByteArray &home) { m_bindings[conn] = {home, SeatState::Bound}; }
    Binding *binding(ConnId conn)
    {
        const auto it = m_bindings.find(conn);
        return it == m_bindings.end() ? nullptr : &it->second;
    }
    void unbind(ConnId conn) { m_bindings.erase(conn); }
    qsizetype bindingCount() const { return qsizetype(m_bindings.size()); }

    // `node` is gone. Its proxies are dropped and returned: the caller takes each out of its
    // pair as a connection that closed (`none` to a started opponent). Each local connection
    // bound to it is told what a seat is told when its pair cannot go on: `none` when the
    // pair had started (the connection stays open, orphaned: its pair is over), `invalid` and
    // a close with 1000 while it waited for its opponent; one without a seat (its `prepared`
    // perhaps on the way) gets `unavailable` and may try again. The local connections that
    // were bound are listed in *unbound (the home, if alive, is told they left).
    std::vector<ConnId> dropPeer(
        const QByteArray &node, Output &out, std::vector<ConnId> *unbound = nullptr);
    // Every peer at once (this node lost Redis).
    std::vector<ConnId> dropAll(Output &out);

    // Every node this node has a proxy on or a binding to.
    std::vector<QByteArray> peers() const;

private:
    void orphan(ConnId conn, Binding &binding, Output &out);

    struct KeyHash {
        std::size_t operator()(const std::pair<QByteArray, ConnId> &k) const noexcept
        {
            return qHash(k.first) ^ std::hash<ConnId>()(k.second);
        }
    };
    std::unordered_map<ConnId, ProxyConn> m_proxies;
    std::unordered_map<std::pair<QByteArray, ConnId>, ConnId, KeyHash> m_byRemote;
    std::unordered_map<ConnId, Binding> m_bindings;
    ConnId m_nextProxy = 1;
};

} // namespace pairmatch
