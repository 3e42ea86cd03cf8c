#include "serverapp.h"

#include "adminserver.h"
#include "clusternode.h"
#include "commandline.h"
#include "historyrequests.h"
#include "historystore.h"
#include "logging.h"
#include "opsendpoints.h"
#include "playerlistener.h"
#include "redisurl.h"
#include "servercore.h"
#include "signalwatcher.h"
#include "wsserver.h"

#include <QRandomGenerator>

#include <csignal>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

ServerConfig withInstance(ServerConfig config)
{
    if (!config.redisUrl.isEmpty() && config.clusterInstance == 0) {
        while (config.clusterInstance == 0)
            config.clusterInstance = QRandomGenerator::system()->generate64();
        if (config.nodeId.isEmpty())
            config.nodeId = randomNodeId();
    }
    return config;
}

QString httpUrl(const WsServer &server, const char *path)
{
    const QHostAddress a = server.address();
    const QString host
        = a.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + a.toString() + u']' : a.toString();
    return u"http://%1:%2%3"_s.arg(host).arg(server.port()).arg(QLatin1StringView(path));
}

} // namespace

ServerApp::ServerApp(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(withInstance(config))
    , m_core(std::make_unique<ServerCore>(m_config, m_clock))
    , m_historyRequests(std::make_unique<HistoryRequests>())
{
    m_deadline.setSingleShot(true);
    m_deadline.callOnTimeout(this, [this] {
        qCWarning(lcNet) << "connections still open at the shutdown deadline; exiting";
        if (!m_finished) {
            m_finished = true;
            Q_EMIT finished();
        }
    });
    connect(m_core.get(), &ServerCore::allConnectionsClosed, this, [this] {
        m_connectionsClosed = true;
        finishIfDone();
    });
    if (ClusterNode *cluster = m_core->cluster()) {
        connect(cluster, &ClusterNode::stopped, this, &ServerApp::finishIfDone);
        connect(cluster, &ClusterNode::fatal, this, [this](const QString &message) {
            printLine(stderr, u"pairmatch: "_s + message);
            m_exitCode = 2;
            shutdown();
        });
    }
}

// Done when every connection has closed and, in a cluster, the node has left Redis.
void ServerApp::finishIfDone()
{
    if (m_finished || !m_connectionsClosed)
        return;
    if (ClusterNode *cluster = m_core->cluster(); cluster && !cluster->isStopped())
        return;
    m_finished = true;
    m_deadline.stop();
    Q_EMIT finished();
}

ServerApp::~ServerApp() = default;

bool ServerApp::start()
{
    // Before anything can announce readiness: a signal right after "listening on" must
    // already shut down cleanly. SIGHUP (the terminal went away) too.
    m_signals
        = std::make_unique<SignalWatcher>(std::initializer_list<int> {SIGTERM, SIGINT, SIGHUP});
    connect(m_signals.get(), &SignalWatcher::received, this, &ServerApp::onSignal);
    if (!m_config.redisUrl.isEmpty()) {
        QString error;
        if (!ClusterNode::claimNodeId(m_config, m_config.clusterInstance, &error)) {
            m_error = error;
            m_exitCode = 2;
            return false;
        }
    }
    if (!m_config.historyPath.isEmpty()) {
        QString error;
        m_history = HistoryStore::open(m_config.historyPath, &error);
        if (!m_history) {
            m_error = error + u" (--history PATH, or --history off to keep no games)"_s;
            m_exitCode = 2;
            return false;
        }
        m_core->setRecordSink(m_history.get());
        m_historyRequests->setStore(m_history.get());
        connect(m_history.get(), &HistoryStore::countersChanged, this, [this] {
            m_core->view().historyCountersChanged(m_history->written(), m_history->failed());
        });
    }
    m_players = makePlayerListener(*m_core, m_config);
    if (!m_players->listen()) {
        m_error = m_players->errorString();
        return false;
    }
    m_ops = std::make_unique<OpsEndpoints>(*m_core, m_players.get());
    m_ops->setHistory(m_history.get());
    if (m_config.adminPort >= 0) {
        m_admin = std::make_unique<AdminServer>(*m_core, m_config);
        m_admin->setHttpHandler(m_ops->handler());
        m_admin->setHistory(m_historyRequests.get());
        if (!m_admin->listen()) {
            m_error = u"admin API: "_s + m_admin->errorString();
            return false;
        }
    }
    if (m_config.metricsPort >= 0) {
        m_metrics = makeMetricsListener(*m_core, m_config, *m_ops);
        if (!m_metrics->listen()) {
            m_error = u"metrics: "_s + m_metrics->errorString();
            return false;
        }
    }
    printLine(stdout, u"listening on "_s + m_players->url());
    if (m_admin)
        printLine(stdout, u"admin on "_s + m_admin->url());
    if (m_metrics)
        printLine(stdout, u"metrics on "_s + httpUrl(*m_metrics, "/metrics"));
    return true;
}

QString ServerApp::playersUrl() const
{
    return m_players ? m_players->url() : QString();
}

QString ServerApp::adminUrl() const
{
    return m_admin ? m_admin->url() : QString();
}

bool ServerApp::isShuttingDown() const
{
    return m_core->isShuttingDown();
}

void ServerApp::onSignal(int signal)
{
    if (signal == SIGHUP) {
        reloadCertificates();
        return;
    }
    if (!m_core->isShuttingDown()) {
        qCInfo(lcNet).noquote() << u"signal %1: shutting down, closing %2 connections"_s.arg(signal)
                                       .arg(m_core->connectionCount());
    }
    shutdown();
}

void ServerApp::shutdown()
{
    if (m_core->isShuttingDown()) { // asked again: leave now
        if (!m_finished) {
            m_finished = true;
            m_deadline.stop();
            Q_EMIT finished();
        }
        return;
    }
    if (m_players)
        m_players->close(); // the port is free from here on
    if (m_admin)
        m_admin->close();
    m_deadline.start(int(m_config.closeGraceMs) + 1500);
    m_core->shutdown();
}

// SIGHUP: the certificate and key files are read again; new connections get the new pair,
// open ones keep theirs. A bad new pair is logged and the old one kept.
void ServerApp::reloadCertificates()
{
    if (m_config.tlsCertFile.isEmpty()) {
        qCInfo(lcNet) << "SIGHUP: no TLS certificate is configured (--tls-cert): nothing to reload";
        return;
    }
    QString error;
    QString summary;
    if (!m_players->reloadTls(&error, &summary)) {
        qCWarning(lcNet).noquote() << u"SIGHUP: TLS certificate not reloaded, the one in use is "
                                      "kept: "_s
                + error;
        return;
    }
    if (m_admin && !m_admin->reloadTls(&error))
        qCWarning(lcAdmin).noquote() << u"SIGHUP: admin port: "_s + error;
    qCInfo(lcNet).noquote() << u"SIGHUP: TLS certificate reloaded from %1 (%2): new connections "
                               "use it"_s.arg(m_config.tlsCertFile, summary);
}

} // namespace pairmatch
