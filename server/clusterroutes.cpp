#include "clusterroutes.h"

#include "messagecodec.h"

#include <QSet>

namespace pairmatch {

ConnId ClusterRoutes::proxy(const QByteArray &node, ConnId remote) const
{
    const auto it = m_byRemote.find({node, remote});
    return it == m_byRemote.end() ? 0 : it->second;
}

ConnId ClusterRoutes::addProxy(
    const QByteArray &node, ConnId remote, const QByteArray &pairId, bool waiter)
{
    if (const ConnId existing = proxy(node, remote))
        return existing;
    const ConnId id = kProxyBit | m_nextProxy++;
    m_proxies.emplace(id, ProxyConn {node, remote, pairId, waiter});
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

void ClusterRoutes::hintHome(
    const QByteArray &pairId, const QByteArray &node, Millis now, Millis until)
{
    pruneHints(now);
    if (!m_hintOrder.empty() && until < m_hintOrder.back().first)
        until = m_hintOrder.back().first; // the order stays sorted (a clock never runs back)
    m_hints[pairId] = {node, until};
    m_hintOrder.emplace_back(until, pairId);
}

QByteArray ClusterRoutes::takeHint(const QByteArray &pairId, Millis now)
{
    pruneHints(now);
    const auto it = m_hints.find(pairId);
    if (it == m_hints.end())
        return {};
    QByteArray node = std::move(it->second.node);
    m_hints.erase(it);
    return node;
}

void ClusterRoutes::pruneHints(Millis now)
{
    while (!m_hintOrder.empty() && m_hintOrder.front().first <= now) {
        const auto it = m_hints.find(m_hintOrder.front().second);
        if (it != m_hints.end() && it->second.until == m_hintOrder.front().first)
            m_hints.erase(it);
        m_hintOrder.pop_front();
    }
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
    std::erase_if(m_hints, [&node](const auto &h) { return h.second.node == node; });
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
    m_hints.clear();
    m_hintOrder.clear();
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
