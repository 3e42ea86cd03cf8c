#include "testserver.h"

#include "clusternode.h"
#include "epolldispatcher.h"
#include "playerlistener.h"
#include "redisserver.h"
#include "waituntil.h"

#include <QAbstractEventDispatcher>
#include <QSet>
#include <QTest>

#include <algorithm>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

namespace {

// The _redis variants of the tests (PAIRMATCH_TEST_REDIS=1): every TestServer of the program
// is a one-node cluster on one redis-server this program starts (and stops when the
// application object goes).
RedisServer *testRedis()
{
    static RedisServer *redis = [] {
        auto *r = new RedisServer;
        if (!r->start())
            qFatal("TestServer: %s", qPrintable(r->error()));
        qAddPostRoutine([] { delete testRedis(); });
        return r;
    }();
    return redis;
}

} // namespace

bool runsWithRedis()
{
    return qEnvironmentVariable("PAIRMATCH_TEST_REDIS") == "1"_L1;
}

ServerConfig TestServer::defaultConfig()
{
    ServerConfig c;
    c.host = u"127.0.0.1"_s;
    c.port = 0;
    c.rateLimit = 0;
    // the _qt variants of the tests run the players' port on Qt WebSockets
    if (qEnvironmentVariable("PAIRMATCH_TRANSPORT") == "qt"_L1)
        c.transport = PlayerTransport::Qt;
    return c;
}

TestServer::TestServer(ServerConfig config)
    : TestServer(std::move(config), m_steadyClock)
{ }

namespace {

ServerConfig maybeInCluster(ServerConfig config)
{
    if (runsWithRedis() && config.redisUrl.isEmpty()) {
        static int serial = 0;
        config.redisUrl = testRedis()->url();
        config.nodeId = "test" + QByteArray::number(++serial);
    }
    return config;
}

// The nodes of this program's TestServers that are up: what Redis may hold after one goes is
// their heartbeat keys, and nothing else.
QSet<QByteArray> &liveTestNodes()
{
    static QSet<QByteArray> nodes;
    return nodes;
}

// The _redis variants end every TestServer as SIGTERM ends a node, and check that nothing of
// it is left in Redis: not a queue entry, pair, seat or route, only the heartbeat keys of the
// nodes still up (docs/scaling.md).
void leaveRedisClean(ServerCore &core, const QByteArray &nodeId)
{
    ClusterNode *cluster = core.cluster();
    core.shutdown();
    if (!waitUntil([cluster] { return cluster->isStopped(); }, 10'000)) {
        QTest::qFail("TestServer: the node did not leave Redis within 10 s", __FILE__, __LINE__);
        return;
    }
    liveTestNodes().remove(nodeId);
    QList<QByteArray> expected;
    for (const QByteArray &node : liveTestNodes())
        expected << "pairmatch:node:" + node;
    std::sort(expected.begin(), expected.end());
    QList<QByteArray> keys;
    if (waitUntil([&] { return (keys = testRedis()->keys()) == expected; }, 5'000))
        return;
    const QByteArray message = "TestServer: after node " + nodeId + " left, Redis holds "
        + keys.join(' ') + " (expected only: " + expected.join(' ') + ')';
    QTest::qFail(message.constData(), __FILE__, __LINE__);
}

} // namespace

TestServer::TestServer(ServerConfig config, const Clock &clock)
    : m_config(maybeInCluster(std::move(config)))
    , m_clock(clock)
    , m_core(std::make_unique<ServerCore>(m_config, m_clock))
    , m_server(makePlayerListener(*m_core, m_config))
{
    if (ClusterNode *cluster = m_core->cluster()) {
        if (!waitUntil([cluster] { return cluster->isUp(); }, 10'000))
            qFatal("TestServer: the node did not join its Redis within 10 s");
        if (runsWithRedis() && m_config.redisUrl == testRedis()->url())
            liveTestNodes().insert(m_config.nodeId);
    }
    // the _epoll variants of the tests must really run on it
    if (qEnvironmentVariable("PAIRMATCH_TEST_DISPATCHER") == "epoll"_L1
        && !qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance()))
        qFatal("TestServer: PAIRMATCH_TEST_DISPATCHER=epoll, but Qt's dispatcher is running");
    m_listening = m_server->listen();
    if (!m_listening)
        qWarning("TestServer: %s", qPrintable(m_server->errorString()));
}

TestServer::~TestServer()
{
    m_server.reset();
    if (m_core->cluster() && liveTestNodes().contains(m_config.nodeId))
        leaveRedisClean(*m_core, m_config.nodeId);
    m_core.reset();
}

quint16 TestServer::port() const
{
    return m_server->port();
}

QUrl TestServer::url(const QString &path) const
{
    return QUrl(u"%1://127.0.0.1:%2%3"_s.arg(m_server->isSecure() ? u"wss"_s : u"ws"_s)
                    .arg(port())
                    .arg(path));
}

QUrl TestServer::matchingUrl(qint32 type) const
{
    return url(u"/ws/matching/"_s + QString::number(type));
}

QUrl TestServer::roundUrl(const QByteArray &pairId) const
{
    return url(u"/ws/round/"_s + QString::fromLatin1(pairId));
}

} // namespace pairmatch::test
