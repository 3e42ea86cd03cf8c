#include "httpget.h"

#include "waituntil.h"

#include <QTcpSocket>

namespace pairmatch::test {

QByteArray HttpGetResult::header(QByteArrayView name) const
{
    const QList<QByteArray> lines = head.split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0
            && QByteArrayView(line).first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

HttpGetResult httpGet(quint16 port, const QByteArray &path, const QByteArray &method, int timeoutMs)
{
    HttpGetResult result;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs))
        return result;
    socket.write(method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n");
    QByteArray all;
    waitUntil(
        [&] {
            all += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    all += socket.readAll();
    result.closedByServer = socket.state() == QAbstractSocket::UnconnectedState;
    const qsizetype end = all.indexOf("\r\n\r\n");
    if (end < 0)
        return result;
    result.head = all.first(end);
    result.body = all.sliced(end + 4);
    const QList<QByteArray> status = result.head.left(result.head.indexOf("\r\n")).split(' ');
    if (status.size() >= 2 && status[0] == "HTTP/1.1")
        result.status = status[1].toInt();
    return result;
}

QHash<QByteArray, QByteArray> metricSamples(const QByteArray &body)
{
    QHash<QByteArray, QByteArray> samples;
    const QList<QByteArray> lines = body.split('\n');
    for (const QByteArray &line : lines) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        if (space > 0)
            samples.insert(line.first(space), line.sliced(space + 1));
    }
    return samples;
}

} // namespace pairmatch::test
