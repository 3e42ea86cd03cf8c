// Checks on what a TestPlayer (or a RawWsClient) received, and the messages they compare
// with. Each check returns an empty string when it holds and otherwise says what was seen
// instead, for PM_OK to report:
//     PM_OK(expectMessage(player, message(u"wait"_s)));
// Messages are compared whole: a stray or missing field fails the check.
#pragma once

#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTest>

// Fails the current test function with the check's own explanation.
#define PM_OK(check)                                                                               \
    do {                                                                                           \
        const QString pmCheckFailure = (check);                                                    \
        QVERIFY2(pmCheckFailure.isEmpty(), qPrintable(pmCheckFailure));                            \
    } while (false)

namespace pairmatch::test {

// {"command": command}
QJsonObject message(const QString &command);
// {"command":"start","users":[first, second],"seq":seq}: users in seating order, seq the
// pair's last move (0 at start).
QJsonObject startMessage(const QJsonObject &first, const QJsonObject &second, quint64 seq = 0);
// {"command":"game","userId":userId,"data":data,"seq":seq}, as the server relays a move.
QJsonObject gameMessage(const QString &userId, const QJsonValue &data, quint64 seq);
// The same move sent again on a resume: ..."replayed":true.
QJsonObject replayedMessage(const QString &userId, const QJsonValue &data, quint64 seq);
// {"command":"prepared","user":user,"token":token}; no "token" when it is undefined.
QJsonObject preparedMessage(const QJsonValue &user, const QJsonValue &token);
QString toText(const QJsonObject &object);

// The next message equals `expected` exactly.
QString expectMessage(
    TestPlayer &player, const QJsonObject &expected, int timeoutMs = TestPlayer::kTimeoutMs);
// The next message is a `command` (stored in *out when given); its fields are not checked.
QString expectCommand(TestPlayer &player, const QString &command, QJsonObject *out = nullptr,
    int timeoutMs = TestPlayer::kTimeoutMs);
// The next message is exactly {"command":"error","code":code,"message":<non-empty string>}.
QString expectError(
    TestPlayer &player, const QString &code, int timeoutMs = TestPlayer::kTimeoutMs);
// Nothing else has arrived: a round trip through the server (the server answers in order),
// then no message is pending. The connection must be open.
QString expectNothingMore(TestPlayer &player);
// The server closed the connection with this code (and a reason containing reasonPart).
QString expectClosed(TestPlayer &player, int code, const QString &reasonPart = {},
    int timeoutMs = TestPlayer::kTimeoutMs);

// The next data frame a hand-made client received is a text frame of exactly `expected`.
QString expectFrame(RawWsClient &raw, const QJsonObject &expected);

// A barrier on the server's side: waits until it holds exactly `count` connections (it has
// noticed every close before). Closing a client socket is no such barrier: the client may
// see itself closed before the server has read its close frame.
QString waitConnectionCount(
    TestServer &server, qsizetype count, int timeoutMs = TestPlayer::kTimeoutMs);

// Every text message a QWebSocket receives, as received (before any JSON parsing), to check
// the exact bytes the server wrote. Attach it before the messages are due.
class TextTap final : public QObject
{
    Q_OBJECT

public:
    explicit TextTap(QWebSocket &socket);
    const QStringList &texts() const { return m_texts; }
    // The last received text whose "command" field is `command`; empty when none.
    QString last(const QString &command) const;

private:
    QStringList m_texts;
};

} // namespace pairmatch::test
