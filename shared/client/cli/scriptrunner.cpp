#include "scriptrunner.h"

#include "scriptplayer.h"

#include <QEventLoop>
#include <QTimer>

#include <cstdio>

namespace pairmatch::cli {

using namespace Qt::StringLiterals;

namespace {

void print(FILE *to, const QString &line)
{
    const QByteArray bytes = (line + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), to);
    std::fflush(to);
}

} // namespace

ScriptRunner::ScriptRunner(RunOptions options)
    : m_options(std::move(options))
{ }

ScriptRunner::~ScriptRunner() = default;

ScriptPlayer &ScriptRunner::player(const QString &name)
{
    auto it = m_players.find(name);
    if (it == m_players.end()) {
        it = m_players
                 .emplace(name,
                     std::make_unique<ScriptPlayer>(name, m_options.server, m_options.verbose))
                 .first;
    }
    return *it->second;
}

template <typename Pred> bool ScriptRunner::waitFor(ScriptPlayer *who, int ms, Pred pred)
{
    if (pred())
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    if (who) {
        QObject::connect(who, &ScriptPlayer::received, &loop, [&] {
            if (pred())
                loop.quit();
        });
    }
    timer.start(ms);
    loop.exec();
    return pred();
}

int ScriptRunner::run(const Script &script)
{
    for (const Step &step : script.steps) {
        const QString failure = runStep(step);
        if (!failure.isEmpty()) {
            m_failure = u"line %1: %2: %3"_s.arg(step.line).arg(step.source, failure);
            print(stderr, u"FAIL "_s + m_failure);
            return 1;
        }
        print(stdout, u"ok   %1  %2"_s.arg(step.line, 3).arg(step.source));
    }
    print(stdout, u"all %1 steps held"_s.arg(script.steps.size()));
    return 0;
}

QString ScriptRunner::runStep(const Step &step)
{
    const int timeout = step.ms >= 0 ? step.ms : m_options.timeoutMs;
    if (step.kind == Step::Kind::Sleep) {
        waitFor(nullptr, step.ms, [] { return false; });
        return {};
    }
    ScriptPlayer &p = player(step.player);
    Client &client = p.client();
    const auto needOpen = [&]() -> QString {
        if (!client.isOpen())
            return u"%1 has no open connection (%2)"_s.arg(
                p.name(), Client::stateName(client.state()));
        return {};
    };

    switch (step.kind) {
    case Step::Kind::Enter:
    case Step::Kind::EnterOnly:
        client.setAutoJoin(step.kind == Step::Kind::Enter);
        client.enter(step.type, step.user);
        return {};
    case Step::Kind::Join:
        if (!client.seat().isValid())
            return p.name() + u" has no seat: no prepare yet"_s;
        client.join(client.seat());
        return {};
    case Step::Kind::Takeover: {
        const auto it = m_players.find(step.other);
        if (it == m_players.end() || !it->second->client().seat().isValid())
            return step.other + u" has no seat to take over"_s;
        client.join(it->second->client().seat());
        return {};
    }
    case Step::Kind::Move:
        if (QString e = needOpen(); !e.isEmpty())
            return e;
        client.move(step.data);
        return {};
    case Step::Kind::End:
        if (QString e = needOpen(); !e.isEmpty())
            return e;
        client.end();
        return {};
    case Step::Kind::Cancel:
        if (QString e = needOpen(); !e.isEmpty())
            return e;
        client.cancel();
        return {};
    case Step::Kind::Close:
        client.close();
        return {};
    case Step::Kind::Kill:
        if (QString e = needOpen(); !e.isEmpty())
            return e;
        client.dropConnection();
        return {};
    case Step::Kind::Send:
        if (QString e = needOpen(); !e.isEmpty())
            return e;
        client.sendText(step.text);
        return {};
    case Step::Kind::Flood:
        if (QString e = needOpen(); !e.isEmpty())
            return e;
        for (int i = 0; i < step.count; ++i)
            client.sendText(step.text);
        return {};
    case Step::Kind::SendSize: {
        if (QString e = needOpen(); !e.isEmpty())
            return e;
        const QString head = u"{\"command\":\"game\",\"data\":\""_s;
        client.sendText(head + QString(step.count - head.size() - 2, u'x') + u"\"}"_s);
        return {};
    }
    case Step::Kind::Reconnect:
        client.setReconnect(step.count, 50);
        return {};
    case Step::Kind::Expect: {
        if (!waitFor(&p, timeout, [&] { return p.unread() > 0; }))
            return u"nothing arrived within %1 ms"_s.arg(timeout);
        const ScriptPlayer::Event event = *p.peek();
        p.take();
        if (event.closed)
            return u"expected %1, got: %2"_s.arg(step.command, event.describe());
        return matchMessage(event.message, step.command, step.fields);
    }
    case Step::Kind::WaitFor: {
        QString last;
        bool found = false;
        bool closed = false;
        waitFor(&p, timeout, [&] {
            while (const ScriptPlayer::Event *event = p.peek()) {
                if (event->closed) {
                    closed = true;
                    last = event->describe();
                    return true; // stays unread: expect-close may read it
                }
                p.take();
                last = matchMessage(event->message, step.command, step.fields);
                if (last.isEmpty())
                    return found = true;
            }
            return false;
        });
        if (found)
            return {};
        if (closed)
            return u"no matching %1 before: %2"_s.arg(step.command, last);
        return u"no matching %1 within %2 ms%3"_s.arg(step.command)
            .arg(timeout)
            .arg(last.isEmpty() ? QString() : u" (last: "_s + last + u')');
    }
    case Step::Kind::ExpectClose: {
        if (!waitFor(&p, timeout, [&] { return p.unread() > 0; }))
            return u"still open after %1 ms"_s.arg(timeout);
        const ScriptPlayer::Event event = *p.peek();
        p.take();
        if (!event.closed)
            return u"expected the close %1, got: %2"_s.arg(step.count).arg(event.describe());
        if (event.code != step.count)
            return u"expected the close %1, got: %2"_s.arg(step.count).arg(event.describe());
        return {};
    }
    case Step::Kind::Silent:
        waitFor(&p, step.ms, [&] { return p.unread() > 0; });
        if (const ScriptPlayer::Event *event = p.peek())
            return u"expected silence, got: "_s + event->describe();
        return {};
    case Step::Kind::Sleep:
        break;
    }
    return {};
}

} // namespace pairmatch::cli
