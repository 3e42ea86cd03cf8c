#include "testserver.h"

#include "epolldispatcher.h"
#include "playerlistener.h"

#include <QAbstractEventDispatcher>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

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

TestServer::TestServer(ServerConfig config, const Clock &clock)
    : m_config(std::move(config))
    , m_clock(clock)
    , m_core(std::make_unique<ServerCore>(m_config, m_clock))
    , m_server(makePlayerListener(*m_core, m_config))
{
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
