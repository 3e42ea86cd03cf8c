// The admin API (docs/admin-api.md): a second listener, off unless --admin-port is given,
// whose only endpoint /admin requires `Authorization: Bearer <token>` at the handshake (401
// before any WebSocket opens). Each client gets one snapshot, then every update, batched
// every 50 ms; it may send the commands of admincommands.h. A client that cannot keep up is
// dropped: it never slows the players down.
#pragma once

#include "adminmessages.h"
#include "serverconfig.h"
#include "wsserver.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace pairmatch {

class ServerCore;

class AdminServer final : public QObject
{
    Q_OBJECT

public:
    static constexpr int kFlushIntervalMs = 50;

    AdminServer(ServerCore &core, const ServerConfig &config, QObject *parent = nullptr);
    ~AdminServer() override;
    Q_DISABLE_COPY_MOVE(AdminServer)

    bool listen();
    // What the admin port answers to plain HTTP (no token): /metrics, /healthz, /readyz.
    void setHttpHandler(WsServer::HttpHandler handler)
    {
        m_listener.setHttpHandler(std::move(handler));
    }
    // Reloads the TLS certificate and key of the admin port (WsServer::reloadTls).
    bool reloadTls(QString *error) { return m_listener.reloadTls(error); }
    QString errorString() const { return m_listener.errorString(); }
    quint16 port() const { return m_listener.port(); }
    // ws://HOST:PORT/admin
    QString url() const;
    qsizetype clientCount() const { return qsizetype(m_clients.size()); }
    // Stops listening and closes every admin client with 1001.
    void close();

    // True when `presented` is "Bearer <token>" for this token (constant time).
    static bool authorized(QByteArrayView presented, QByteArrayView token);

private:
    struct Client {
        QWebSocket *webSocket = nullptr;
        QPointer<QTcpSocket> tcpSocket;
        QByteArray batch; // serialized updates waiting for the next flush, comma-separated
        qint64 backlogLimit = 0; // ServerConfig::adminMaxBacklogBytes plus the last snapshot's size
    };

    void onOpened(QWebSocket *webSocket, QTcpSocket *tcpSocket, const Route &route);
    void onCommand(Client &client, const QString &text);
    void onUpdate(const AdminUpdate &update);
    void flush();
    void send(Client &client, const QByteArray &payload);
    void sendSnapshot(Client &client, const Snapshot &snapshot);
    void drop(QWebSocket *webSocket);
    Client *clientOf(QWebSocket *webSocket);

    ServerCore &m_core;
    QByteArray m_token;
    qint64 m_maxBacklogBytes;
    WsServer m_listener;
    std::vector<std::unique_ptr<Client>> m_clients;
    QTimer m_flushTimer;
};

} // namespace pairmatch
