// A real redis-server for the cluster's tests, as a child process: 127.0.0.1, a free port,
// a temporary directory, no persistence. Stopped (and restartable on the same port) by the
// test; killed when this object goes. A tiny RESP client reads what Redis holds (KEYS), so
// that every test can check nothing of pairmatch's is left behind. No mocks: the server the
// nodes use is the real one.
#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace pairmatch::test {

class RedisServer final
{
public:
    RedisServer();
    ~RedisServer();
    Q_DISABLE_COPY_MOVE(RedisServer)

    // Starts it (on a free port the first time, on the same port after stop()); false, with
    // error(), when it did not answer PING within 10 s.
    bool start();
    // SIGTERM, and waits until it is gone.
    void stop();
    bool isRunning() const;

    quint16 port() const { return m_port; }
    // redis://127.0.0.1:PORT
    QString url() const;
    QString error() const { return m_error; }

    // One command and its reply, flattened: a bulk string or status as one item, an integer
    // as its decimal text, an array as its items (nested arrays flattened); an error reply
    // as one item starting with "-". Empty on a connection failure.
    QList<QByteArray> command(const QList<QByteArray> &args) const;
    // Every key, sorted.
    QList<QByteArray> keys() const;

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace pairmatch::test
