#include "playerchecks.h"

#include "waituntil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace pairmatch::test {

using namespace Qt::StringLiterals;

QJsonObject message(const QString &command)
{
    return QJsonObject {{u"command"_s, command}};
}

QJsonObject startMessage(const QJsonObject &first, const QJsonObject &second, quint64 seq)
{
    return QJsonObject {{u"command"_s, u"start"_s}, {u"users"_s, QJsonArray {first, second}},
        {u"seq"_s, qint64(seq)}};
}

QJsonObject gameMessage(const QString &userId, const QJsonValue &data, quint64 seq)
{
    return QJsonObject {{u"command"_s, u"game"_s}, {u"userId"_s, userId}, {u"data"_s, data},
        {u"seq"_s, qint64(seq)}};
}

QJsonObject replayedMessage(const QString &userId, const QJsonValue &data, quint64 seq)
{
    QJsonObject m = gameMessage(userId, data, seq);
    m.insert(u"replayed"_s, true);
    return m;
}

QJsonObject preparedMessage(const QJsonValue &user, const QJsonValue &token)
{
    QJsonObject m {{u"command"_s, u"prepared"_s}, {u"user"_s, user}};
    if (!token.isUndefined())
        m.insert(u"token"_s, token);
    return m;
}

QString toText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString expectMessage(TestPlayer &player, const QJsonObject &expected, int timeoutMs)
{
    const QJsonObject got = player.next(timeoutMs);
    if (got.isEmpty())
        return u"expected %1, got nothing within %2 ms"_s.arg(toText(expected)).arg(timeoutMs);
    if (got != expected)
        return u"expected %1, got %2"_s.arg(toText(expected), toText(got));
    return {};
}

QString expectCommand(TestPlayer &player, const QString &command, QJsonObject *out, int timeoutMs)
{
    QJsonObject got;
    if (!player.expect(command, &got, timeoutMs))
        return player.lastMismatch();
    if (out)
        *out = got;
    return {};
}

QString expectError(TestPlayer &player, const QString &code, int timeoutMs)
{
    const QJsonObject got = player.next(timeoutMs);
    if (got.isEmpty())
        return u"expected error '%1', got nothing within %2 ms"_s.arg(code).arg(timeoutMs);
    const QStringList keyList = got.keys();
    const QSet<QString> keys(keyList.cbegin(), keyList.cend());
    if (got.value(u"command"_s) != u"error"_s || got.value(u"code"_s) != code
        || !got.value(u"message"_s).isString() || got.value(u"message"_s).toString().isEmpty()
        || keys != QSet<QString> {u"command"_s, u"code"_s, u"message"_s}) {
        return u"expected {\"command\":\"error\",\"code\":\"%1\",\"message\":...}, got %2"_s.arg(
            code, toText(got));
    }
    return {};
}

QString expectNothingMore(TestPlayer &player)
{
    if (!player.isOpen())
        return u"the connection is not open (closed with %1)"_s.arg(player.closeCode());
    if (!player.sync())
        return u"no answer to the sync round trip"_s;
    if (player.pendingCount() != 0) {
        QStringList texts;
        for (const QJsonObject &m : player.takeAll())
            texts.append(toText(m));
        return u"expected nothing more, got %1"_s.arg(texts.join(u", "_s));
    }
    return {};
}

QString expectClosed(TestPlayer &player, int code, const QString &reasonPart, int timeoutMs)
{
    if (!player.waitClosed(timeoutMs))
        return u"expected a close with %1, still open after %2 ms"_s.arg(code).arg(timeoutMs);
    if (player.closeCode() != code || !player.closeReason().contains(reasonPart)) {
        return u"expected a close with %1 (reason with '%2'), got %3 '%4'"_s.arg(code)
            .arg(reasonPart)
            .arg(player.closeCode())
            .arg(player.closeReason());
    }
    return {};
}

QString expectFrame(RawWsClient &raw, const QJsonObject &expected)
{
    const std::optional<RawWsClient::Frame> f = raw.nextDataFrame();
    if (!f)
        return u"expected %1, got no frame"_s.arg(toText(expected));
    const QJsonObject got = QJsonDocument::fromJson(f->payload).object();
    if (f->opcode != RawWsClient::Text || got != expected) {
        return u"expected %1, got opcode %2 '%3'"_s.arg(toText(expected))
            .arg(f->opcode)
            .arg(QString::fromUtf8(f->payload));
    }
    return {};
}

QString waitConnectionCount(TestServer &server, qsizetype count, int timeoutMs)
{
    if (!waitUntil([&] { return server.core().connectionCount() == count; }, timeoutMs)) {
        return u"expected the server to hold %1 connections, it holds %2"_s.arg(count).arg(
            server.core().connectionCount());
    }
    return {};
}

TextTap::TextTap(QWebSocket &socket)
{
    connect(&socket, &QWebSocket::textMessageReceived, this,
        [this](const QString &text) { m_texts.append(text); });
}

QString TextTap::last(const QString &command) const
{
    for (qsizetype i = m_texts.size() - 1; i >= 0; --i) {
        const QJsonObject m = QJsonDocument::fromJson(m_texts[i].toUtf8()).object();
        if (m.value(u"command"_s).toString() == command)
            return m_texts[i];
    }
    return {};
}

} // namespace pairmatch::test
