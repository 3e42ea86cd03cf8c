// The numbering of the batches between this node and each other node (pure): what the next
// batch to a node is numbered, and whether a batch from a node may be applied. A batch is
// applied only if it is the next one on its link. After a hole (a batch lost while this
// node's subscription was down, a Redis restart) or from a sender that restarted, nothing
// more is applied from that sender until it renumbers from a new epoch, which this node asks
// for with a Reset record. Whoever sees a hole forgets every pair and seat it shares with
// that node, and so does the other side when the Reset reaches it: a hole costs the pairs
// across that link a `none`, never a lost or reordered move.
#pragma once

#include "clusterwire.h"

#include <QByteArray>
#include <QHash>

#include <optional>
#include <vector>

namespace pairmatch {

class ClusterLinks final
{
public:
    ClusterLinks(QByteArray self, quint64 instance)
        : m_self(std::move(self))
        , m_instance(instance)
    { }

    const QByteArray &self() const { return m_self; }
    quint64 instance() const { return m_instance; }

    // The header of the next batch to `to`.
    ClusterBatchHeader nextHeader(const QByteArray &to);
    // `to` sent Reset(epoch): number batches to it from that epoch on. True when it is news
    // (a repeat of a Reset already obeyed is false): then drop everything shared with `to`.
    bool resetTo(const QByteArray &to, quint32 epoch);

    struct Verdict {
        bool apply = false; // apply the batch's records
        bool dropShared = false; // forget every pair and seat shared with the sender first
        std::optional<quint32> askReset; // send the sender Reset(epoch)
    };
    Verdict received(const ClusterBatchHeader &header);

    // After this node lost its own link to Redis it forgot what it shared with every node:
    // the Reset each known sender must be sent so that it forgets too. (What they sent while
    // the link was down shows as a hole when their next batch comes.)
    std::vector<std::pair<QByteArray, quint32>> resetAll();
    // A node is dead: forget both directions (a new instance under its id starts afresh).
    void forget(const QByteArray &node);

    // Every node this one has exchanged batches with.
    std::vector<QByteArray> peers() const;

private:
    struct Incoming {
        quint64 instance = 0;
        quint32 epoch = 0;
        quint64 last = 0;
        quint32 asked = 0; // the last epoch this node asked the sender to renumber from
        bool renumbering = false; // after a hole: only a batch 1 of epoch >= `epoch` goes
    };
    struct Outgoing {
        quint32 epoch = 0;
        quint64 seq = 0;
    };

    QByteArray m_self;
    quint64 m_instance;
    QHash<QByteArray, Incoming> m_in;
    QHash<QByteArray, Outgoing> m_out;
};

} // namespace pairmatch
