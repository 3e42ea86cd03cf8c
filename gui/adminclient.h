// The dashboard's feed from a remote server: the admin API (docs/admin-api.md) over a
// QWebSocket with the bearer token. It reconnects by itself, and every reconnection starts
// with a fresh snapshot.
#pragma once

#include "adminfeed.h"

#include <QTimer>
#include <QUrl>
#include <QWebSocket>

namespace pairmatch {

class AdminClient final : public AdminFeed
{
    Q_OBJECT

public:
    AdminClient(const QUrl &url, const QByteArray &token, QObject *parent = nullptr);
    ~AdminClient() override;
    Q_DISABLE_COPY_MOVE(AdminClient)

    void start() override;
    QString source() const override;
    void submit(const AdminCommand &command) override;

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

private:
    void connectNow();
    void onText(const QString &text);
    void onDisconnected();

    QUrl m_url;
    QByteArray m_token;
    QWebSocket m_socket;
    QTimer m_retry;
    int m_retryMs = 500;
    bool m_wasConnected = false;
};

} // namespace pairmatch
