// One named player of a pairmatch-cli script: a pairmatch::Client and everything it has
// received, messages and the ends of its connections, in order, with a read cursor.
#pragma once

#include <pairmatch/client.h>

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

namespace pairmatch::cli {

class ScriptPlayer final : public QObject
{
    Q_OBJECT

public:
    struct Event {
        QJsonObject message; // empty for a closed connection
        bool closed = false;
        int code = 0; // closed: the server's close code, 1006 when cut
        QString reason;
        QString describe() const;
    };

    ScriptPlayer(const QString &name, const QUrl &server, bool verbose, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(ScriptPlayer)

    const QString &name() const { return m_name; }
    Client &client() { return m_client; }
    // The next event not read yet, or nullptr.
    const Event *peek() const;
    void take() { ++m_read; }
    qsizetype unread() const { return m_events.size() - m_read; }

Q_SIGNALS:
    void received(); // an event was added

private:
    void add(Event event);

    QString m_name;
    Client m_client;
    bool m_verbose = false;
    QList<Event> m_events;
    qsizetype m_read = 0;
};

} // namespace pairmatch::cli
