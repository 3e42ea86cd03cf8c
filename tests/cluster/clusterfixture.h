// Several real pairmatch nodes as child processes around one real redis-server started by
// the test (RedisServer): what the cluster tests stand on. Every wait is bounded.
#pragma once

#include "redisserver.h"
#include "serverprocess.h"
#include "testplayer.h"

#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace pairmatch::test {

class ClusterFixture final
{
public:
    // The heartbeat TTL the tests give their nodes: short, so that a dead node is noticed
    // within seconds (docs/scaling.md: within TTL + TTL/3 + one Redis round trip).
    static constexpr int kNodeTtlMs = 1500;
    // How long a test waits for a node's death to be noticed: the window and a margin of
    // seconds for a loaded machine.
    static constexpr int kDeathWaitMs = kNodeTtlMs + kNodeTtlMs / 3 + 4000;

    ClusterFixture() = default;
    Q_DISABLE_COPY_MOVE(ClusterFixture)

    // Starts Redis (once) and `count` nodes n0, n1, ... with these extra flags.
    QString start(int count, const QStringList &extra = {});
    // One more node, named `id`.
    QString startNode(const QString &id, const QStringList &extra = {});
    ServerProcess &node(int i) { return *m_nodes[std::size_t(i)]; }
    int nodeCount() const { return int(m_nodes.size()); }
    QStringList nodeArguments(const QString &id, const QStringList &extra = {}) const;
    RedisServer &redis() { return m_redis; }

    QUrl matchingUrl(int i, qint32 type) { return node(i).matchingUrl(type); }
    QUrl roundUrl(int i, const QString &pairId) { return node(i).roundUrl(pairId); }

    // Waits until Redis holds exactly the heartbeat keys of the nodes still running and
    // nothing else of pairmatch's; empty when it does, else the keys it holds.
    QString waitOnlyHeartbeats(int timeoutMs = 10'000);
    // Stops every node (SIGTERM) and waits for them.
    void stopNodes();

private:
    RedisServer m_redis;
    std::vector<std::unique_ptr<ServerProcess>> m_nodes;
    QStringList m_ids;
};

// Opens a player's connection on `url`; empty, or why not.
QString openOn(TestPlayer &player, const QUrl &url);
// `entry` with this userId; the next message must be `expected`.
QString enterExpecting(TestPlayer &player, const QString &userId, const QString &expected,
    QJsonObject *message = nullptr);
// `prepared` with userId and token; the next message must be `expected` (wait or start).
QString prepareExpecting(TestPlayer &player, const QString &userId, const QString &token,
    const QString &expected, QJsonObject *message = nullptr);

} // namespace pairmatch::test
