// This node's part in a cluster (--redis; docs/scaling.md): the glue between the core and
// Redis. Matching goes through the cluster's queues (the Entry and Leave scripts); a pair
// lives on the node that matched it (its home), whose PairTable orders its moves; a seat
// whose connection is on another node is a proxy there (ClusterRoutes), and what crosses
// between nodes goes as one batch per destination per pass of the event loop (ClusterLinks,
// clusterwire.h). Decisions live in those pure pieces and in the scripts; replies and
// batches re-enter the core through its Busy/settle path, as everything else does.
//
// Without --redis the core has no ClusterNode and nothing here is on any path.
#pragma once

#include "adminmessages.h"
#include "clusterlinks.h"
#include "clusterroutes.h"
#include "clusterwire.h"
#include "deadlinetimer.h"
#include "effects.h"
#include "messagecodec.h"
#include "pairtable.h"
#include "redislink.h"
#include "serverconfig.h"

#include <QObject>

#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace pairmatch {

class ServerCore;
class Session;

class ClusterNode final : public QObject
{
    Q_OBJECT

public:
    ClusterNode(ServerCore &core, const ServerConfig &config, QObject *parent = nullptr);
    ~ClusterNode() override;
    Q_DISABLE_COPY_MOVE(ClusterNode)

    // At start-up, before listening: claims this node's id (a blocking round trip, once).
    // 1: claimed, or Redis unreachable (the link retries on its own); 0: a live node holds
    // the id (error set).
    static bool claimNodeId(const ServerConfig &config, quint64 instance, QString *error);

    const QByteArray &nodeId() const { return m_self; }
    quint64 instance() const { return m_links.instance(); }
    bool isUp() const { return m_link.isUp() && m_registered; }

    // Starts the link (the core calls it once it is built).
    void start();

    // From the core, inside its Busy scope.
    // A text from a session: true when the cluster took it (held behind a Redis reply in
    // flight, or forwarded to the pair's home).
    bool takeText(Session &session, QByteArrayView utf8);
    void entry(Session &session, const ClientMessage &message);
    void cancel(Session &session);
    // `prepared` for a pair this node does not hold.
    void preparedElsewhere(Session &session, QByteArrayView utf8);
    // The session closed.
    void forget(Session &session);
    // An Effect for a proxy connection.
    void effect(const Effect &effect);
    // The pair events of a step (records, seat notes).
    void pairEvents(const std::vector<PairEvent> &events);
    // Once per pass of the event loop: what this pass produced leaves.
    void flush();
    // After each step: the cluster's own timer is set for its next deadline. The cluster
    // runs on real time even when the core runs on a test's clock (Redis does not wait).
    void rearm();

    // SIGTERM: tell every peer, leave Redis; stopped() once done (or at once without a link).
    void shutdown();
    bool isStopped() const { return m_stopped; }

    // Operators: the link, the cluster's queues and pairs (as last read).
    ClusterState state() const;

Q_SIGNALS:
    void stopped();
    // Another live node holds this node's id: the node must exit (status 2).
    void fatal(const QString &message);
    void stateChanged();

private:
    void onLinkUp();
    void onLinkDown(const QString &reason);
    void onMessage(const QByteArray &payload);
    void resync();
    void heartbeat();
    void refreshView();
    void pushEntry(const QueuedPlayer &player, bool quiet);
    void onEntryReply(const QueuedPlayer &player, const PairTable::Keys &keys, bool quiet,
        const struct redisReply *reply);
    void apply(const QByteArray &from, const ClusterRecord &record);
    void dispatchProxy(ConnId proxy, const QByteArray &pairId, QByteArrayView text);
    // Forgets what is shared with `node`; `alive`: it is told which of its seats here left.
    void dropPeer(const QByteArray &node, bool alive);
    void dropAllPeers();
    void putPair(const Pair &pair);
    ClusterBatchWriter &batch(const QByteArray &to);
    void hold(ConnId conn) { m_held[conn]; }
    void release(ConnId conn);
    void answerOrphan(Session &session, QByteArrayView utf8);
    QByteArray channel(const QByteArray &node) const { return "pairmatch:ch:" + node; }
    std::vector<QByteArray> pairFields(const Pair &pair) const;

    Millis nextDeadline() const;
    void onTimer();

    ServerCore &m_core;
    const ServerConfig &m_config;
    SteadyClock m_clock;
    QByteArray m_self;
    ClusterLinks m_links;
    ClusterRoutes m_routes;
    RedisLink m_link;
    MessageCodec m_codec;
    bool m_registered = false;
    bool m_stopping = false;
    bool m_stopped = false;
    Millis m_nextHeartbeat = kNoDeadline;
    Millis m_nextView = 0;
    std::unordered_map<QByteArray, std::unique_ptr<ClusterBatchWriter>, ByteArrayHash> m_batches;
    std::unordered_map<ConnId, std::vector<QByteArray>> m_held; // texts behind a reply in flight
    std::unordered_set<QByteArray, ByteArrayHash> m_dirtyPairs;
    std::vector<QByteArray> m_deletedPairs;
    DeadlineTimer m_timer;

    // for operators, as the View script last read them
    QList<ClusterQueueLength> m_queueLengths;
    QList<ClusterPairRow> m_pairRows;
};

} // namespace pairmatch
