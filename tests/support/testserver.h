// An in-process pairmatch server for integration tests: the real ServerCore and WsServer on
// 127.0.0.1 and a free port, on the test's own event loop. Timeouts are driven through the
// server's own settings and, where a test must know when one fires, a FakeClock the test
// moves by hand (fakeclock.h), never by sleeping.
#pragma once

#include "clock.h"
#include "serverconfig.h"
#include "servercore.h"
#include "wsserver.h"

#include <QUrl>

#include <memory>

namespace pairmatch::test {

// Whether this test program runs its servers as one-node clusters on a redis-server it
// starts itself (PAIRMATCH_TEST_REDIS=1, the _redis variants of the integration tests).
bool runsWithRedis();

class TestServer final
{
public:
    // Defaults for tests: port 0, rate limit off unless asked for, everything else as shipped.
    static ServerConfig defaultConfig();

    explicit TestServer(ServerConfig config = defaultConfig());
    // On the given clock (a FakeClock), which must outlive the server.
    TestServer(ServerConfig config, const Clock &clock);
    ~TestServer();

    bool isListening() const { return m_listening; }
    quint16 port() const;
    // ws://127.0.0.1:PORT + path
    QUrl url(const QString &path) const;
    QUrl matchingUrl(qint32 type) const;
    QUrl roundUrl(const QByteArray &pairId) const;

    ServerCore &core() { return *m_core; }
    WsServer &listener() { return *m_server; }
    const ServerConfig &config() const { return m_config; }

private:
    ServerConfig m_config;
    SteadyClock m_steadyClock;
    const Clock &m_clock;
    std::unique_ptr<ServerCore> m_core;
    std::unique_ptr<WsServer> m_server;
    bool m_listening = false;
};

} // namespace pairmatch::test
