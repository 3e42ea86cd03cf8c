// A TCP relay on 127.0.0.1 in front of a server, for a connection that drops on the
// client's side only: cutClients() aborts every client-facing socket and leaves the
// server-facing ones open and silent, so the server does not notice (as when a phone
// loses its network), and a reconnect through the relay is a takeover.
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace pairmatch::test {

class TcpRelay final : public QObject
{
    Q_OBJECT

public:
    explicit TcpRelay(quint16 targetPort, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(TcpRelay)

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    // Cuts every client side now; the server sides stay open, their data is dropped.
    void cutClients();
    int connectionsMade() const { return m_made; }

private:
    void onNewConnection();

    struct Link {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
    };

    quint16 m_target;
    QTcpServer m_server;
    QList<Link> m_links;
    int m_made = 0;
};

} // namespace pairmatch::test
