#include "testplayer.h"

#include "waituntil.h"

#include "epolldispatcher.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

namespace {

// With PAIRMATCH_TEST_DISPATCHER=epoll a test program runs on the server's EpollDispatcher
// instead of Qt's own: installed before main() creates the application object.
const bool g_epollInstalled = [] {
    if (qEnvironmentVariable("PAIRMATCH_TEST_DISPATCHER") != "epoll"_L1)
        return false;
    QCoreApplication::setEventDispatcher(new EpollDispatcher);
    return true;
}();

} // namespace

bool runsOnEpollDispatcher()
{
    return g_epollInstalled;
}

TestPlayer::TestPlayer(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &TestPlayer::onText);
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_closed = true;
        m_closeCode = int(m_socket.closeCode());
        m_closeReason = m_socket.closeReason();
    });
}

TestPlayer::~TestPlayer()
{
    m_socket.abort();
}

bool TestPlayer::open(const QUrl &url, int timeoutMs)
{
    m_socket.open(url);
    for (QDeadlineTimer deadline(timeoutMs); !deadline.hasExpired();) {
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            return true;
        if (m_closed || m_socket.state() == QAbstractSocket::UnconnectedState) {
            if (m_socket.error() != QAbstractSocket::UnknownSocketError)
                return false;
        }
        QTest::qWait(1);
    }
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

int TestPlayer::openExpectingRefusal(const QUrl &url, int timeoutMs)
{
    QSignalSpy errors(&m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
    m_socket.open(url);
    for (QDeadlineTimer deadline(timeoutMs); !deadline.hasExpired();) {
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            return 0;
        if (!errors.isEmpty())
            break;
        QTest::qWait(1);
    }
    // QWebSocket reports a refused upgrade as "... HTTP status code: NNN ..." in errorString
    const QString text = m_socket.errorString();
    const qsizetype at = text.indexOf(u"code: "_s);
    return at >= 0 ? text.mid(at + 6, 3).toInt() : -1;
}

void TestPlayer::send(const QJsonObject &message)
{
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void TestPlayer::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
}

void TestPlayer::sendBinary(const QByteArray &bytes)
{
    m_socket.sendBinaryMessage(bytes);
}

QJsonObject TestPlayer::user(const QString &userId, const QJsonObject &extra)
{
    QJsonObject u = extra;
    u.insert(u"userId"_s, userId);
    return u;
}

void TestPlayer::entry(const QString &userId, const QJsonObject &extra)
{
    send(QJsonObject {{u"command"_s, u"entry"_s}, {u"user"_s, user(userId, extra)}});
}

void TestPlayer::prepared(const QString &userId, const QString &token, const QJsonObject &extra)
{
    send(QJsonObject {
        {u"command"_s, u"prepared"_s}, {u"user"_s, user(userId, extra)}, {u"token"_s, token}});
}

void TestPlayer::game(const QJsonValue &data)
{
    send(QJsonObject {{u"command"_s, u"game"_s}, {u"data"_s, data}});
}

void TestPlayer::end()
{
    send(QJsonObject {{u"command"_s, u"end"_s}});
}

QJsonObject TestPlayer::next(int timeoutMs)
{
    if (!waitUntil([this] { return m_taken < m_received.size(); }, timeoutMs))
        return {};
    return m_received.at(m_taken++);
}

bool TestPlayer::expect(const QString &command, QJsonObject *message, int timeoutMs)
{
    const QJsonObject m = next(timeoutMs);
    if (message)
        *message = m;
    if (m.isEmpty()) {
        m_mismatch = u"expected '%1', got nothing within %2 ms"_s.arg(command).arg(timeoutMs);
        return false;
    }
    if (m.value(u"command"_s).toString() != command) {
        m_mismatch = u"expected '%1', got %2"_s.arg(
            command, QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact)));
        return false;
    }
    return true;
}

bool TestPlayer::expectError(const QString &code, int timeoutMs)
{
    QJsonObject m;
    if (!expect(u"error"_s, &m, timeoutMs))
        return false;
    if (m.value(u"code"_s).toString() != code || m.value(u"message"_s).toString().isEmpty()) {
        m_mismatch = u"expected error '%1' with a message, got %2"_s.arg(
            code, QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact)));
        return false;
    }
    return true;
}

bool TestPlayer::sync(int timeoutMs)
{
    const int before = m_syncs;
    ++m_syncPending;
    sendText(u"{\"command\":\"__sync\"}"_s);
    return waitUntil([&] { return m_syncs > before; }, timeoutMs);
}

QList<QJsonObject> TestPlayer::takeAll()
{
    QList<QJsonObject> rest = m_received.mid(m_taken);
    m_taken = m_received.size();
    return rest;
}

bool TestPlayer::waitClosed(int timeoutMs)
{
    return waitUntil([this] { return m_closed; }, timeoutMs);
}

void TestPlayer::close(QWebSocketProtocol::CloseCode code)
{
    m_socket.close(code);
}

void TestPlayer::abort()
{
    m_socket.abort();
}

void TestPlayer::onText(const QString &text)
{
    m_raw.append(text);
    const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
    // the reply to sync(): an unknown_command error, dropped, as the barrier it is
    if (m.value(u"command"_s).toString() == "error"_L1
        && m.value(u"code"_s).toString() == "unknown_command"_L1 && m_syncPending > 0) {
        --m_syncPending;
        ++m_syncs;
        return;
    }
    m_received.append(m);
}

QString remoteOf(TestPlayer &player)
{
    return u"127.0.0.1:%1"_s.arg(player.socket().localPort());
}

} // namespace pairmatch::test
