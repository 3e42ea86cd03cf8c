#include "tcprelay.h"

#include <QHostAddress>

namespace pairmatch::test {

TcpRelay::TcpRelay(quint16 targetPort, QObject *parent)
    : QObject(parent)
    , m_target(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TcpRelay::onNewConnection);
}

bool TcpRelay::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void TcpRelay::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        client->setParent(this);
        auto *upstream = new QTcpSocket(this);
        ++m_made;
        connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] {
            upstream->write(client->readAll()); // buffered until upstream connects
        });
        connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] {
            const QByteArray bytes = upstream->readAll();
            if (client->state() == QAbstractSocket::ConnectedState)
                client->write(bytes);
        });
        connect(client, &QTcpSocket::disconnected, upstream, [client, upstream] {
            // a client that leaves on purpose: pass it on
            if (client->property("cut").toBool())
                return;
            upstream->disconnectFromHost();
        });
        connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        upstream->connectToHost(QHostAddress::LocalHost, m_target);
        m_links.append(Link {client, upstream});
    }
}

void TcpRelay::cutClients()
{
    for (const Link &link : std::as_const(m_links)) {
        if (link.client && link.client->state() == QAbstractSocket::ConnectedState) {
            link.client->setProperty("cut", true);
            link.client->abort();
        }
    }
}

} // namespace pairmatch::test
