#include "clusterroutes.h"

#include "messagecodec.h"

#include <QSet>

namespace pairmatch {

ConnId ClusterRoutes::proxy(const QByteArray &node, ConnId remote) const
{
    const auto it = m_byRemote.find({node, remote});
    return it == m_byRemote.end() ? 0 : it->second;
}

ConnId ClusterRoutes::addProxy(const QByteArray &node, ConnId remote, const QByteArray &pairId)
{
    if (const ConnId existing = proxy(node, remote))
        return existing;
    const ConnId id = kProxyBit | m_nextProxy++;
    m_proxies.emplace(id, ProxyConn {node, remote, pairId});
    m_byRemote.emplace(std::pair {node, remote}, id);
    return id;
}

const ProxyConn *ClusterRoutes::proxyConn(ConnId proxy) const
{
    const auto it = m_proxies.find(proxy);
    return it == m_proxies.end() ? nullptr : &it->second;
}

void ClusterRoutes::dropProxy(ConnId proxy)
{
    const auto it = m_proxies.find(proxy);
    if (it == m_proxies.end())
        return;
    m_byRemote.erase({it->second.node, it->second.remote});
    m_proxies.erase(it);
}

void ClusterRoutes::orphan(ConnId conn, Binding &binding, Output &out)
{
    switch (binding.state) {
    case SeatState::Started:
        out.send(conn, MessageCodec::noneFrame());
        binding = {QByteArray(), SeatState::Over};
        return;
    case SeatState::Waiting:
        out.send(conn, MessageCodec::invalidFrame());
        out.close(conn, CloseCause::OpponentMissing);
        binding = {QByteArray(), SeatState::Over};
        return;
    case SeatState::Over:
        binding = {QByteArray(), SeatState::Over};
        return;
    case SeatState::Bound:
        out.sendError(conn, ErrorCode::Unavailable);
        m_bindings.erase(conn);
        return;
    }
}

std::vector<ConnId> ClusterRoutes::dropPeer(
    const QByteArray &node, Output &out, std::vector<ConnId> *unbound)
{
    std::vector<ConnId> gone;
    for (const auto &[id, p] : m_proxies) {
        if (p.node == node)
            gone.push_back(id);
    }
    for (ConnId id : gone)
        dropProxy(id);
    std::vector<ConnId> bound;
    for (const auto &[conn, b] : m_bindings) {
        if (b.home == node && !node.isEmpty())
            bound.push_back(conn);
    }
    std::sort(bound.begin(), bound.end()); // the order they connected in
    for (ConnId conn : bound)
        orphan(conn, m_bindings[conn], out);
    if (unbound)
        *unbound = std::move(bound);
    return gone;
}

std::vector<ConnId> ClusterRoutes::dropAll(Output &out)
{
    std::vector<ConnId> gone;
    const std::vector<QByteArray> all = peers();
    for (const QByteArray &node : all) {
        const std::vector<ConnId> some = dropPeer(node, out);
        gone.insert(gone.end(), some.begin(), some.end());
    }
    return gone;
}

std::vector<QByteArray> ClusterRoutes::peers() const
{
    QSet<QByteArray> all;
    for (const auto &[id, p] : m_proxies)
        all.insert(p.node);
    for (const auto &[conn, b] : m_bindings) {
        if (!b.home.isEmpty())
            all.insert(b.home);
    }
    std::vector<QByteArray> list(all.begin(), all.end());
    std::sort(list.begin(), list.end());
    return list;
}

} // namespace pairmatch
