#include "adminclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace pairmatch {

using namespace Qt::StringLiterals;

AdminClient::AdminClient(const QUrl &url, const QByteArray &token, QObject *parent)
    : AdminFeed(parent)
    , m_url(url)
    , m_token(token)
{
    m_retry.setSingleShot(true);
    m_retry.callOnTimeout(this, &AdminClient::connectNow);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &AdminClient::onText);
    connect(&m_socket, &QWebSocket::disconnected, this, &AdminClient::onDisconnected);
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        m_retryMs = 500;
        m_wasConnected = true;
        Q_EMIT connectionChanged(true, m_url.toString());
    });
}

AdminClient::~AdminClient()
{
    m_socket.disconnect(this);
    m_socket.abort();
}

void AdminClient::start()
{
    connectNow();
}

QString AdminClient::source() const
{
    return m_url.toString();
}

void AdminClient::connectNow()
{
    QNetworkRequest request(m_url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    m_socket.open(request);
}

void AdminClient::onDisconnected()
{
    QString why = m_socket.errorString();
    if (m_socket.closeCode() != QWebSocketProtocol::CloseCodeNormal || why.isEmpty())
        why = u"closed with %1 %2"_s.arg(int(m_socket.closeCode())).arg(m_socket.closeReason());
    if (why.contains(u"401"_s))
        why = u"the server refused the admin token (HTTP 401)"_s;
    Q_EMIT connectionChanged(
        false, u"%1 (%2); retrying in %3 s"_s.arg(m_url.toString(), why).arg(m_retryMs / 1000.0));
    m_retry.start(m_retryMs);
    m_retryMs = qMin(m_retryMs * 2, 10'000);
}

void AdminClient::onText(const QString &text)
{
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString command = o.value("command"_L1).toString();
    if (command == "snapshot"_L1) {
        Snapshot snapshot;
        if (fromJson(o, snapshot))
            deliverSnapshot(snapshot);
    } else if (command == "updates"_L1) {
        for (const QJsonValue v : o.value("updates"_L1).toArray()) {
            AdminUpdate update;
            if (fromJson(v.toObject(), update))
                deliverUpdate(update);
        }
    } else if (command == "result"_L1) {
        Q_EMIT actionFinished(o.value("action"_L1).toString(), o.value("ok"_L1).toBool(),
            o.value("message"_L1).toString());
    } else if (command == "error"_L1) {
        Q_EMIT actionFinished(
            o.value("code"_L1).toString(), false, o.value("message"_L1).toString());
    }
}

void AdminClient::command(const QJsonObject &message)
{
    if (!isConnected()) {
        Q_EMIT actionFinished(message.value("command"_L1).toString(), false,
            u"not connected to %1"_s.arg(m_url.toString()));
        return;
    }
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void AdminClient::kick(quint64 sessionId)
{
    command({{u"command"_s, u"kick"_s}, {u"sessionId"_s, qint64(sessionId)}});
}

void AdminClient::expire(const QString &pairId)
{
    command({{u"command"_s, u"expire"_s}, {u"pairId"_s, pairId}});
}

void AdminClient::setDraining(bool draining)
{
    command({{u"command"_s, draining ? u"drain"_s : u"undrain"_s}});
}

} // namespace pairmatch
