// The admin API (docs/admin-api.md): a second listener, off unless --admin-port is given,
// whose only endpoint /admin requires `Authorization: Bearer <token>` at the handshake (401
// before any WebSocket opens). Each client gets one snapshot, then every update, batched
// every 50 ms; it may send the commands of admincommands.h. A client that cannot keep up is
// dropped: it never slows the players down. `history` is answered to the client that asked,
// when the match history has the page (historyrequests.h); a client gone by then gets nothing.
#pragma once

#include "adminmessages.h"
#include "matchhistory.h"
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

class HistoryRequests;
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
    // Where `history` goes; none (the default): every `history` is answered "history is off".
    // It must outlive this server.
    void setHistory(HistoryRequests *history) { m_history = history; }
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
        quint64 id = 0; // for answers that come later: never reused
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
    Client *clientOf(quint64 id);
    void askHistory(Client &client, const HistoryQuery &query);

    ServerCore &m_core;
    QByteArray m_token;
    qint64 m_maxBacklogBytes;
    WsServer m_listener;
    std::vector<std::unique_ptr<Client>> m_clients;
    QTimer m_flushTimer;
    HistoryRequests *m_history = nullptr;
    quint64 m_lastClientId = 0;
};

} // namespace pairmatch
