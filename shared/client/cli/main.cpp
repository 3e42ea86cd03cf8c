// pairmatch-cli: a pairmatch player on the command line, for QA.
//   pairmatch-cli ws://HOST:PORT --type 3 --user alice      interactive: every message shown,
//                                                           commands from stdin
//   pairmatch-cli --script FILE [ws://HOST:PORT]            runs a script (resources/qa/):
//                                                           exit 0 when every step held, 1 at
//                                                           the first that did not, 2 for usage
#include "interactive.h"
#include "script.h"
#include "scriptrunner.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cstdio>

using namespace pairmatch;
using namespace pairmatch::cli;
using namespace Qt::StringLiterals;

namespace {

int usage(const QString &text)
{
    const QByteArray bytes = (u"pairmatch-cli: "_s + text + u" (see --help)\n"_s).toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"pairmatch-cli"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PAIRMATCH_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"pairmatch-cli: one or several pairmatch players on the command line (QA).\n"
        "Interactive: enters the queue at once, shows every message as it comes and takes\n"
        "  move JSON | end | cancel | send TEXT | enter [TYPE] | seat | quit  on stdin.\n"
        "Scripted (--script): runs the steps of FILE (resources/qa/README.md) and exits 0\n"
        "when every expectation held, 1 with the failing step otherwise."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"url"_s,
        u"Server: ws://HOST:PORT or wss://... (default $PAIRMATCH_URL, else "
        "ws://127.0.0.1:8080)."_s);
    const QCommandLineOption type(u"type"_s, u"Game type to enter (1)."_s, u"N"_s, u"1"_s);
    const QCommandLineOption user(u"user"_s, u"userId to enter as."_s, u"ID"_s);
    const QCommandLineOption userJson(u"user-json"_s,
        u"The whole user object, e.g. {\"userId\":\"alice\",\"name\":\"Alice\"}."_s, u"JSON"_s);
    const QCommandLineOption script(u"script"_s, u"Run the steps of FILE."_s, u"FILE"_s);
    const QCommandLineOption timeout(u"timeout"_s,
        u"Script: how long an expect waits without `within` (5000 ms)."_s, u"MS"_s, u"5000"_s);
    const QCommandLineOption verbose(u"verbose"_s, u"Script: show every message as it arrives."_s);
    for (const QCommandLineOption &o : {type, user, userJson, script, timeout, verbose})
        parser.addOption(o);
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return usage(u"one server URL at most, got '%1'"_s.arg(positional.join(u' ')));
    QString urlText = positional.value(0, qEnvironmentVariable("PAIRMATCH_URL"));
    if (urlText.isEmpty())
        urlText = u"ws://127.0.0.1:8080"_s;
    const QUrl url(urlText);
    if (!url.isValid() || (url.scheme() != "ws"_L1 && url.scheme() != "wss"_L1))
        return usage(u"expected a ws:// or wss:// URL, got '%1'"_s.arg(urlText));

    if (parser.isSet(script)) {
        QFile file(parser.value(script));
        if (!file.open(QIODevice::ReadOnly))
            return usage(u"cannot read %1: %2"_s.arg(file.fileName(), file.errorString()));
        const ScriptParse parsed = parseScript(QString::fromUtf8(file.readAll()));
        if (!parsed.error.isEmpty())
            return usage(file.fileName() + u": "_s + parsed.error);
        bool ok = false;
        const int timeoutMs = parser.value(timeout).toInt(&ok);
        if (!ok || timeoutMs < 1)
            return usage(
                u"--timeout: expected milliseconds, got '%1'"_s.arg(parser.value(timeout)));
        ScriptRunner runner({url, timeoutMs, parser.isSet(verbose)});
        return runner.run(parsed.script);
    }

    bool ok = false;
    const int typeValue = parser.value(type).toInt(&ok);
    if (!ok || typeValue < 0)
        return usage(u"--type: expected an integer from 0 to 2147483647"_s);
    QJsonObject userObject;
    if (parser.isSet(userJson)) {
        const QJsonDocument document = QJsonDocument::fromJson(parser.value(userJson).toUtf8());
        if (!document.isObject())
            return usage(u"--user-json: expected a JSON object"_s);
        userObject = document.object();
    } else if (parser.isSet(user)) {
        userObject = QJsonObject {{u"userId"_s, parser.value(user)}};
    } else {
        return usage(u"--user ID (or --user-json) is needed to play"_s);
    }
    Interactive player(url, typeValue, userObject);
    player.start();
    return QCoreApplication::exec();
}
