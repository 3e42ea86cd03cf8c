#include "connectiontrim.h"

#include <QAbstractSocket>
#include <QMetaMethod>
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
    QObject::disconnect(socket, &QAbstractSocket::proxyAuthenticationRequired, webSocket, nullptr);
    QObject::disconnect(socket, &QAbstractSocket::readChannelFinished, webSocket, nullptr);
    QObject::disconnect(socket, &QAbstractSocket::aboutToClose, webSocket, nullptr);
    QObject::disconnect(socket, &QAbstractSocket::bytesWritten, webSocket, nullptr);
    // ... and these from its frame parser (a private class: found by name once, then by
    // index; disconnecting by signature string would cost ~17k instructions each).
    static const QMetaMethod wsText = QMetaMethod::fromSignal(&QWebSocket::textFrameReceived);
    static const QMetaMethod wsBinary = QMetaMethod::fromSignal(&QWebSocket::binaryFrameReceived);
    for (QObject *child : webSocket->children()) {
        const QMetaObject *meta = child->metaObject();
        if (qstrcmp(meta->className(), "QWebSocketDataProcessor") != 0)
            continue;
        static const QMetaMethod text
            = meta->method(meta->indexOfSignal("textFrameReceived(QString,bool)"));
        static const QMetaMethod binary
            = meta->method(meta->indexOfSignal("binaryFrameReceived(QByteArray,bool)"));
        if (text.isValid())
            QObject::disconnect(child, text, webSocket, wsText);
        if (binary.isValid())
            QObject::disconnect(child, binary, webSocket, wsBinary);
    }
}

bool canTrimSocketBuffers()
{
    return PAIRMATCH_HAVE_QT_PRIVATE;
}

} // namespace pairmatch
