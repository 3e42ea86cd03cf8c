#include "connectiontrim.h"

#include <QAbstractSocket>
#include <QWebSocket>

#if PAIRMATCH_HAVE_QT_PRIVATE
#include <QtCore/private/qiodevice_p.h>
#endif

namespace pairmatch {

void trimSocket(QAbstractSocket *socket)
{
#if PAIRMATCH_HAVE_QT_PRIVATE
    auto *d = static_cast<QIODevicePrivate *>(QObjectPrivate::get(socket));
    if (d->readChannelCount > 0)
        d->buffer.setChunkSize(0);
    if (d->writeChannelCount > 0)
        d->writeBuffer.setChunkSize(0);
#else
    Q_UNUSED(socket);
#endif
}

void trimWebSocket(QWebSocket *webSocket, QAbstractSocket *socket)
{
    // QWebSocketPrivate::makeConnections() forwards these from the socket ...
    QObject::disconnect(socket, &QAbstractSocket::errorOccurred, webSocket, nullptr);
    QObject::disconnect(socket, &QAbstractSocket::proxyAuthenticationRequired, webSocket,
                        nullptr);
    QObject::disconnect(socket, &QAbstractSocket::readChannelFinished, webSocket, nullptr);
    QObject::disconnect(socket, &QAbstractSocket::aboutToClose, webSocket, nullptr);
    QObject::disconnect(socket, &QAbstractSocket::bytesWritten, webSocket, nullptr);
    // ... and these from its frame parser (a private class: by name).
    for (QObject *child : webSocket->children()) {
        if (qstrcmp(child->metaObject()->className(), "QWebSocketDataProcessor") != 0)
            continue;
        QObject::disconnect(child, SIGNAL(textFrameReceived(QString, bool)), webSocket,
                            SIGNAL(textFrameReceived(QString, bool)));
        QObject::disconnect(child, SIGNAL(binaryFrameReceived(QByteArray, bool)), webSocket,
                            SIGNAL(binaryFrameReceived(QByteArray, bool)));
    }
}

bool canTrimSocketBuffers()
{
    return PAIRMATCH_HAVE_QT_PRIVATE;
}

} // namespace pairmatch
