#include "redisserver.h"

#include "childprocess.h"

#include <QDeadlineTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// Reads one RESP reply into `out`, flattened; false when the data is incomplete so far.
bool parseReply(const QByteArray &data, qsizetype &at, QList<QByteArray> &out)
{
    const qsizetype eol = data.indexOf("\r\n", at);
    if (eol < 0)
        return false;
    const char kind = data[at];
    const QByteArray line = data.mid(at + 1, eol - at - 1);
    qsizetype next = eol + 2;
    switch (kind) {
    case '+':
    case ':':
        out.append(line);
        break;
    case '-':
        out.append('-' + line);
        break;
    case '$': {
        const qsizetype n = line.toLongLong();
        if (n < 0) {
            out.append(QByteArray());
            break;
        }
        if (data.size() < next + n + 2)
            return false;
        out.append(data.mid(next, n));
        next += n + 2;
        break;
    }
    case '*': {
        const qsizetype n = line.toLongLong();
        for (qsizetype i = 0; i < n; ++i) {
            if (!parseReply(data, next, out))
                return false;
        }
        break;
    }
    default:
        return false;
    }
    at = next;
    return true;
}

} // namespace

RedisServer::RedisServer() = default;

RedisServer::~RedisServer()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

QString RedisServer::url() const
{
    return u"redis://127.0.0.1:%1"_s.arg(m_port);
}

bool RedisServer::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

bool RedisServer::start()
{
    if (!m_dir.isValid()) {
        m_error = u"no temporary directory"_s;
        return false;
    }
    if (m_port == 0)
        m_port = freePort();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setChildProcessModifier(&dieWithParent);
    m_process->start(u"redis-server"_s,
        {u"--port"_s, QString::number(m_port), u"--bind"_s, u"127.0.0.1"_s, u"--save"_s, u""_s,
            u"--appendonly"_s, u"no"_s, u"--dir"_s, m_dir.path(), u"--daemonize"_s, u"no"_s,
            u"--protected-mode"_s, u"no"_s, u"--loglevel"_s, u"warning"_s});
    if (!m_process->waitForStarted(10'000)) {
        m_error = u"redis-server did not start: "_s + m_process->errorString();
        return false;
    }
    for (QDeadlineTimer deadline(10'000); !deadline.hasExpired();) {
        if (command({"PING"}) == QList<QByteArray> {"PONG"})
            return true;
        if (m_process->state() == QProcess::NotRunning)
            break;
        QTest::qWait(20);
    }
    m_error
        = u"redis-server did not answer PING: "_s + QString::fromLocal8Bit(m_process->readAll());
    return false;
}

void RedisServer::stop()
{
    if (!isRunning())
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(10'000)) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

QList<QByteArray> RedisServer::command(const QList<QByteArray> &args) const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(2000))
        return {};
    QByteArray request = '*' + QByteArray::number(args.size()) + "\r\n";
    for (const QByteArray &a : args)
        request += '$' + QByteArray::number(a.size()) + "\r\n" + a + "\r\n";
    socket.write(request);
    QByteArray data;
    for (QDeadlineTimer deadline(5000); !deadline.hasExpired();) {
        if (!socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            break;
        data += socket.readAll();
        QList<QByteArray> out;
        qsizetype at = 0;
        if (parseReply(data, at, out))
            return out;
    }
    return {};
}

QList<QByteArray> RedisServer::keys() const
{
    QList<QByteArray> all = command({"KEYS", "*"});
    std::sort(all.begin(), all.end());
    return all;
}

} // namespace pairmatch::test
