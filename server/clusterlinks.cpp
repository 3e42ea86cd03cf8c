#include "clusterlinks.h"

#include <QSet>

#include <algorithm>

namespace pairmatch {

ClusterBatchHeader ClusterLinks::nextHeader(const QByteArray &to)
{
    Outgoing &o = m_out[to];
    return {m_self, m_instance, o.epoch, ++o.seq};
}

bool ClusterLinks::resetTo(const QByteArray &to, quint32 epoch)
{
    Outgoing &o = m_out[to];
    if (epoch <= o.epoch)
        return false;
    o.epoch = epoch;
    o.seq = 0;
    return true;
}

ClusterLinks::Verdict ClusterLinks::received(const ClusterBatchHeader &h)
{
    Verdict v;
    auto it = m_in.find(h.sender);
    if (it != m_in.end() && it->instance != h.instance) {
        // The sender restarted: whatever was shared with its old instance is gone.
        v.dropShared = true;
        m_in.erase(it);
        it = m_in.end();
    }
    if (it == m_in.end()) {
        if (h.seq == 1) {
            m_in.insert(h.sender, {h.instance, h.epoch, 1, 0, false});
            v.apply = true;
        } else {
            // Its first batches to this node were lost: start it over.
            m_in.insert(h.sender, {h.instance, h.epoch + 1, 0, h.epoch + 1, true});
            v.dropShared = true;
            v.askReset = h.epoch + 1;
        }
        return v;
    }
    Incoming &in = *it;
    if (in.renumbering) {
        if (h.seq == 1 && h.epoch >= in.epoch) {
            in = {h.instance, h.epoch, 1, in.asked, false};
            v.apply = true;
        }
        return v; // numbered before the Reset this node asked for: given up already
    }
    if ((h.epoch == in.epoch && h.seq == in.last + 1) || (h.epoch > in.epoch && h.seq == 1)) {
        in.epoch = h.epoch;
        in.last = h.seq;
        v.apply = true;
        return v;
    }
    // A hole (or a repeat): nothing more from this sender until it renumbers.
    in.epoch = std::max({in.epoch, h.epoch, in.asked}) + 1;
    in.asked = in.epoch;
    in.last = 0;
    in.renumbering = true;
    v.dropShared = true;
    v.askReset = in.epoch;
    return v;
}

std::vector<std::pair<QByteArray, quint32>> ClusterLinks::resetAll()
{
    std::vector<std::pair<QByteArray, quint32>> resets;
    for (auto it = m_in.begin(); it != m_in.end(); ++it) {
        it->asked = std::max(it->asked, it->epoch) + 1;
        resets.emplace_back(it.key(), it->asked);
    }
    return resets;
}

void ClusterLinks::forget(const QByteArray &node)
{
    m_in.remove(node);
    m_out.remove(node);
}

std::vector<QByteArray> ClusterLinks::peers() const
{
    QSet<QByteArray> all;
    for (auto it = m_in.begin(); it != m_in.end(); ++it)
        all.insert(it.key());
    for (auto it = m_out.begin(); it != m_out.end(); ++it)
        all.insert(it.key());
    return {all.begin(), all.end()};
}

} // namespace pairmatch
