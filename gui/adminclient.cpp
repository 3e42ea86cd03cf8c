#include "adminclient.h"

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
    Snapshot snapshot;
    QList<AdminUpdate> updates;
    AdminResult result;
    AdminError error;
    HistoryAnswer history;
    if (fromJson(o, snapshot)) {
        deliverSnapshot(snapshot);
    } else if (fromJson(o, updates)) {
        deliverUpdates(std::move(updates));
    } else if (fromJson(o, history)) {
        deliverHistory(history);
    } else if (fromJson(o, result)) {
        deliverResult(result);
    } else if (fromJson(o, error)) {
        Q_EMIT actionFinished(QString(adminErrorCodeName(error.code)), false, error.message);
    }
}

void AdminClient::submit(const AdminCommand &command)
{
    if (!isConnected()) {
        const QString why = u"not connected to %1"_s.arg(m_url.toString());
        if (command.kind == AdminCommand::Kind::History) {
            HistoryAnswer answer;
            answer.page.query = command.query;
            answer.page.error = why;
            deliverHistory(answer);
            return;
        }
        Q_EMIT actionFinished(QString(adminCommandName(command.kind)), false, why);
        return;
    }
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(toJson(command)).toJson(QJsonDocument::Compact)));
}

} // namespace pairmatch
