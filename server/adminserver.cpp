#include "adminserver.h"

#include "adminactions.h"
#include "historyrequests.h"
#include "logging.h"
#include "servercore.h"
#include "textframe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QWebSocket>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

ListenConfig adminListenConfig(const ServerConfig &c)
{
    return ListenConfig {c.adminHost, quint16(qMax(0, c.adminPort)), c.tlsCertFile, c.tlsKeyFile,
        c.handshakeTimeoutMs};
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

bool AdminServer::authorized(QByteArrayView presented, QByteArrayView token)
{
    constexpr QByteArrayView scheme = "Bearer ";
    const bool hasScheme = presented.size() > scheme.size()
        && presented.first(scheme.size()).compare(scheme, Qt::CaseInsensitive) == 0;
    const QByteArrayView given
        = hasScheme ? presented.sliced(scheme.size()).trimmed() : QByteArrayView();
    // Compare every byte of the longer of the two, whatever matched so far.
    const qsizetype n = qMax(given.size(), token.size());
    uchar diff = given.size() == token.size() ? 0 : 1;
    for (qsizetype i = 0; i < n; ++i) {
        const uchar a = i < given.size() ? uchar(given[i]) : 0;
        const uchar b = i < token.size() ? uchar(token[i]) : 0;
        diff |= a ^ b;
    }
    return hasScheme && !token.isEmpty() && diff == 0;
}

AdminServer::AdminServer(ServerCore &core, const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_core(core)
    , m_token(config.adminToken)
    , m_maxBacklogBytes(config.adminMaxBacklogBytes)
    , m_listener(core.clock(), adminListenConfig(config), [this](const HttpRequest &request) {
        Route route;
        QByteArrayView path = request.target;
        if (const qsizetype q = path.indexOf('?'); q >= 0)
            path = path.first(q);
        if (path != "/admin" && path != "/admin/")
            route.httpStatus = 404;
        else if (!authorized(request.header("Authorization"), m_token))
            route.httpStatus = 401;
        return route;
    })
{
    m_flushTimer.setInterval(kFlushIntervalMs);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.callOnTimeout(this, &AdminServer::flush);
    connect(&m_listener, &WsServer::opened, this, &AdminServer::onOpened);
}

AdminServer::~AdminServer()
{
    close();
}

bool AdminServer::listen()
{
    return m_listener.listen();
}

QString AdminServer::url() const
{
    return m_listener.url() + u"/admin"_s;
}

void AdminServer::close()
{
    m_listener.close();
    while (!m_clients.empty()) {
        QWebSocket *ws = m_clients.back()->webSocket;
        ws->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
        drop(ws);
    }
}

void AdminServer::onOpened(QWebSocket *webSocket, QTcpSocket *tcpSocket, const Route &)
{
    auto client = std::make_unique<Client>();
    client->id = ++m_lastClientId;
    client->backlogLimit = m_maxBacklogBytes;
    client->webSocket = webSocket;
    client->tcpSocket = tcpSocket;
    connect(
        webSocket, &QWebSocket::textMessageReceived, this, [this, webSocket](const QString &text) {
            if (Client *c = clientOf(webSocket))
                onCommand(*c, text);
        });
    connect(webSocket, &QWebSocket::disconnected, this, [this, webSocket] { drop(webSocket); });
    qCInfo(lcAdmin).noquote() << u"admin client %1:%2 attached"_s
                                     .arg(webSocket->peerAddress().toString())
                                     .arg(webSocket->peerPort());
    if (m_clients.empty()) {
        m_core.view().addObserver();
        connect(&m_core.view(), &OperatorView::updated, this, &AdminServer::onUpdate);
    }
    m_clients.push_back(std::move(client));
    sendSnapshot(*m_clients.back(), m_core.view().snapshot());
}

void AdminServer::onCommand(Client &client, const QString &text)
{
    AdminCommand command;
    AdminError error;
    if (!parseAdminCommand(text.toUtf8(), command, error)) {
        send(client, compact(toJson(error)));
        return;
    }
    if (command.kind == AdminCommand::Kind::History) {
        askHistory(client, command.query);
        return;
    }
    const AdminReply reply = runAdminCommand(m_core, command);
    if (const auto *snapshot = std::get_if<Snapshot>(&reply)) {
        client.batch.clear(); // the snapshot holds them
        sendSnapshot(client, *snapshot);
    } else {
        send(client, compact(toJson(std::get<AdminResult>(reply))));
    }
}

void AdminServer::askHistory(Client &client, const HistoryQuery &query)
{
    if (!m_history) {
        send(client, compact(toJson(HistoryRequests::offAnswer(query))));
        return;
    }
    m_history->ask(query, this, [this, id = client.id](const HistoryAnswer &answer) {
        if (Client *c = clientOf(id))
            send(*c, compact(toJson(answer)));
    });
}

void AdminServer::onUpdate(const AdminUpdate &update)
{
    const QByteArray json = compact(toJson(update)); // serialized once for every client
    for (const auto &client : m_clients) {
        if (!client->batch.isEmpty())
            client->batch += ',';
        client->batch += json;
    }
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void AdminServer::flush()
{
    // Iterate over a copy of the sockets: send() may drop a client.
    std::vector<QWebSocket *> sockets;
    for (const auto &client : m_clients)
        sockets.push_back(client->webSocket);
    for (QWebSocket *ws : sockets) {
        Client *client = clientOf(ws);
        if (!client || client->batch.isEmpty())
            continue;
        const QByteArray payload = updatesMessage(client->batch);
        client->batch.clear();
        send(*client, payload);
    }
}

void AdminServer::send(Client &client, const QByteArray &payload)
{
    QTcpSocket *tcp = client.tcpSocket.data();
    if (!tcp || tcp->state() != QAbstractSocket::ConnectedState)
        return;
    if (tcp->bytesToWrite() > client.backlogLimit) {
        QWebSocket *ws = client.webSocket;
        qCWarning(lcAdmin).noquote() << u"admin client %1:%2 fell %3 bytes behind; dropped"_s
                                            .arg(ws->peerAddress().toString())
                                            .arg(ws->peerPort())
                                            .arg(tcp->bytesToWrite());
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, u"too slow: fell behind"_s);
        tcp->abort(); // what it has not read yet is of no use to anyone
        drop(ws);
        return;
    }
    tcp->write(makeTextFrame(payload));
}

void AdminServer::sendSnapshot(Client &client, const Snapshot &snapshot)
{
    const QByteArray payload = compact(toJson(snapshot));
    // A large state is a large snapshot: give the client the time to read it.
    client.backlogLimit = m_maxBacklogBytes + payload.size();
    send(client, payload);
}

void AdminServer::drop(QWebSocket *webSocket)
{
    const auto it = std::find_if(m_clients.begin(), m_clients.end(),
        [&](const auto &c) { return c->webSocket == webSocket; });
    if (it == m_clients.end())
        return;
    qCInfo(lcAdmin).noquote() << u"admin client %1:%2 detached"_s
                                     .arg(webSocket->peerAddress().toString())
                                     .arg(webSocket->peerPort());
    m_clients.erase(it);
    webSocket->disconnect(this);
    webSocket->deleteLater();
    if (m_clients.empty()) {
        disconnect(&m_core.view(), &OperatorView::updated, this, &AdminServer::onUpdate);
        m_core.view().removeObserver();
    }
}

AdminServer::Client *AdminServer::clientOf(quint64 id)
{
    for (const auto &client : m_clients) {
        if (client->id == id)
            return client.get();
    }
    return nullptr;
}

AdminServer::Client *AdminServer::clientOf(QWebSocket *webSocket)
{
    for (const auto &client : m_clients) {
        if (client->webSocket == webSocket)
            return client.get();
    }
    return nullptr;
}

} // namespace pairmatch
