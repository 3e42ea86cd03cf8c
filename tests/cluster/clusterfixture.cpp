#include "clusterfixture.h"

#include "playerchecks.h"
#include "waituntil.h"

#include <csignal>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

QStringList ClusterFixture::nodeArguments(const QString &id, const QStringList &extra) const
{
    QStringList args = ServerProcess::headlessArguments(0);
    args << u"--redis"_s << m_redis.url() << u"--node-id"_s << id << u"--node-ttl-ms"_s
         << QString::number(kNodeTtlMs) << u"--rate-limit"_s << u"0"_s;
    args << extra;
    return args;
}

QString ClusterFixture::start(int count, const QStringList &extra)
{
    if (!m_redis.isRunning() && !m_redis.start())
        return m_redis.error();
    for (int i = 0; i < count; ++i) {
        if (QString e = startNode(u"n%1"_s.arg(m_nodes.size()), extra); !e.isEmpty())
            return e;
    }
    return {};
}

QString ClusterFixture::startNode(const QString &id, const QStringList &extra)
{
    auto process = std::make_unique<ServerProcess>();
    process->start(nodeArguments(id, extra));
    if (!process->waitListening())
        return u"node %1: %2"_s.arg(id, process->error());
    m_nodes.push_back(std::move(process));
    m_ids << id;
    // In the cluster once it says so (its heartbeat key was claimed before `listening on`).
    ServerProcess &node = *m_nodes.back();
    const QByteArray joined = "cluster: node " + id.toLatin1() + " joined";
    if (!waitUntil([&] { return node.standardError().contains(joined); }, 10'000))
        return u"node %1 never joined: %2"_s.arg(id, node.describe());
    return {};
}

QString ClusterFixture::waitOnlyHeartbeats(int timeoutMs)
{
    QList<QByteArray> expected;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i]->isRunning())
            expected << "pairmatch:node:" + m_ids[qsizetype(i)].toLatin1();
    }
    std::sort(expected.begin(), expected.end());
    QList<QByteArray> keys;
    if (waitUntil(
            [&] {
                keys = m_redis.keys();
                return keys == expected;
            },
            timeoutMs))
        return {};
    QStringList seen;
    for (const QByteArray &k : keys)
        seen << QString::fromLatin1(k);
    QStringList want;
    for (const QByteArray &k : expected)
        want << QString::fromLatin1(k);
    return u"Redis holds [%1], expected only [%2]"_s.arg(seen.join(u", "_s), want.join(u", "_s));
}

void ClusterFixture::stopNodes()
{
    for (auto &n : m_nodes) {
        if (n->isRunning())
            n->sendSignal(SIGTERM);
    }
    for (auto &n : m_nodes)
        n->waitFinished(10'000);
}

QString openOn(TestPlayer &player, const QUrl &url)
{
    return player.open(url) ? QString() : u"could not open "_s + url.toString();
}

QString enterExpecting(
    TestPlayer &player, const QString &userId, const QString &expected, QJsonObject *message)
{
    player.entry(userId);
    if (expected.startsWith("error:"_L1))
        return expectError(player, expected.mid(6));
    return expectCommand(player, expected, message);
}

QString prepareExpecting(TestPlayer &player, const QString &userId, const QString &token,
    const QString &expected, QJsonObject *message)
{
    player.prepared(userId, token);
    if (expected.startsWith("error:"_L1))
        return expectError(player, expected.mid(6));
    return expectCommand(player, expected, message);
}

} // namespace pairmatch::test
