// pairmatch-cli's interactive mode: one player that enters at start, prints every message as
// it comes (and its state, and the ends of its connections), and takes commands from stdin:
// move JSON, end, cancel, send TEXT, enter [TYPE], seat, quit.
#pragma once

#include <pairmatch/client.h>

#include <QByteArray>
#include <QObject>
#include <QSocketNotifier>

namespace pairmatch::cli {

class Interactive final : public QObject
{
    Q_OBJECT

public:
    Interactive(
        const QUrl &server, qint32 type, const QJsonObject &user, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(Interactive)

    void start();

private:
    void onInput();
    void command(const QString &line);
    static void say(const QString &line);

    Client m_client;
    qint32 m_type;
    QJsonObject m_user;
    QSocketNotifier m_stdin;
    QByteArray m_buffer;
};

} // namespace pairmatch::cli
