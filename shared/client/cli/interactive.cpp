#include "interactive.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>
#include <unistd.h>

namespace pairmatch::cli {

using namespace Qt::StringLiterals;

namespace {

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

Interactive::Interactive(const QUrl &server, qint32 type, const QJsonObject &user, QObject *parent)
    : QObject(parent)
    , m_client(server)
    , m_type(type)
    , m_user(user)
    , m_stdin(STDIN_FILENO, QSocketNotifier::Read)
{
    connect(&m_stdin, &QSocketNotifier::activated, this, &Interactive::onInput);
    connect(&m_client, &Client::messageReceived, this,
        [](const QJsonObject &message) { say(u"< "_s + compact(message)); });
    connect(&m_client, &Client::stateChanged, this,
        [](Client::State state) { say(u"# "_s + Client::stateName(state)); });
    connect(&m_client, &Client::matched, this, [](const Seat &seat) {
        say(u"# matched: pair %1, seed %2, opponent %3"_s.arg(seat.pairId)
                .arg(seat.seed)
                .arg(seat.opponent().value("userId"_L1).toString()));
    });
    connect(&m_client, &Client::opponentLeft, this, [] { say(u"# your opponent left"_s); });
    connect(&m_client, &Client::invalid, this, [] { say(u"# your opponent never came"_s); });
    connect(&m_client, &Client::disconnected, this, [](int code, const QString &reason) {
        say(u"# connection closed: %1 %2"_s.arg(code).arg(reason));
    });
    connect(&m_client, &Client::reconnecting, this, [](int attempt, int delayMs) {
        say(u"# reconnecting in %1 ms (attempt %2)"_s.arg(delayMs).arg(attempt));
    });
    connect(&m_client, &Client::resumed, this, [] { say(u"# back in the round"_s); });
}

void Interactive::say(const QString &line)
{
    const QByteArray bytes = (line + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void Interactive::start()
{
    say(u"# %1 enters type %2 on %3; commands: move JSON, end, cancel, send TEXT, enter "
        "[TYPE], seat, quit"_s.arg(m_user.value("userId"_L1).toString())
            .arg(m_type)
            .arg(m_client.server().toString()));
    m_client.enter(m_type, m_user);
}

void Interactive::onInput()
{
    char chunk[4096];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n <= 0) { // end of input: leave as `quit` would
        m_stdin.setEnabled(false);
        command(u"quit"_s);
        return;
    }
    m_buffer.append(chunk, qsizetype(n));
    for (qsizetype eol; (eol = m_buffer.indexOf('\n')) >= 0;) {
        const QString line = QString::fromUtf8(m_buffer.first(eol)).trimmed();
        m_buffer.remove(0, eol + 1);
        if (!line.isEmpty())
            command(line);
    }
}

void Interactive::command(const QString &line)
{
    const qsizetype space = line.indexOf(u' ');
    const QString verb = space < 0 ? line : line.first(space);
    const QString rest = space < 0 ? QString() : line.sliced(space + 1).trimmed();
    if (verb == "quit"_L1 || verb == "exit"_L1) {
        m_client.close();
        QCoreApplication::exit(0);
    } else if (verb == "move"_L1) {
        QJsonParseError error;
        const QJsonDocument document
            = QJsonDocument::fromJson(u"["_s.append(rest).append(u']').toUtf8(), &error);
        if (rest.isEmpty() || error.error != QJsonParseError::NoError
            || document.array().size() != 1) {
            say(u"# move takes one JSON value: move {\"card\":12}"_s);
            return;
        }
        m_client.move(document.array().first());
    } else if (verb == "end"_L1) {
        m_client.end();
    } else if (verb == "cancel"_L1) {
        m_client.cancel();
    } else if (verb == "send"_L1) {
        m_client.sendText(rest);
    } else if (verb == "enter"_L1) {
        bool ok = true;
        const qint32 type = rest.isEmpty() ? m_type : rest.toInt(&ok);
        if (!ok) {
            say(u"# enter takes a type: enter 3"_s);
            return;
        }
        m_type = type;
        m_client.enter(m_type, m_user);
    } else if (verb == "seat"_L1) {
        say(u"# seat: "_s + compact(m_client.seat().toJson()));
    } else {
        say(u"# unknown command '%1': move JSON, end, cancel, send TEXT, enter [TYPE], seat, "
            "quit"_s.arg(verb));
    }
}

} // namespace pairmatch::cli
