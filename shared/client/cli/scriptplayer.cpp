#include "scriptplayer.h"

#include <QJsonDocument>

#include <cstdio>

namespace pairmatch::cli {

using namespace Qt::StringLiterals;

QString ScriptPlayer::Event::describe() const
{
    if (closed)
        return u"connection closed %1 %2"_s.arg(code).arg(reason).trimmed();
    return QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

ScriptPlayer::ScriptPlayer(const QString &name, const QUrl &server, bool verbose, QObject *parent)
    : QObject(parent)
    , m_name(name)
    , m_client(server)
    , m_verbose(verbose)
{
    m_client.setReconnect(0); // a script says when it wants a reconnect
    connect(&m_client, &Client::messageReceived, this, [this](const QJsonObject &message) {
        add(Event {message, false, 0, {}});
    });
    connect(&m_client, &Client::disconnected, this, [this](int code, const QString &reason) {
        add(Event {{}, true, code, reason});
    });
}

const ScriptPlayer::Event *ScriptPlayer::peek() const
{
    return m_read < m_events.size() ? &m_events[m_read] : nullptr;
}

void ScriptPlayer::add(Event event)
{
    if (m_verbose) {
        const QByteArray line = (u"       %1 <- %2\n"_s.arg(m_name, event.describe())).toUtf8();
        std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        std::fflush(stdout);
    }
    m_events.append(std::move(event));
    Q_EMIT received();
}

} // namespace pairmatch::cli
