#include "commandline.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace pairmatch {

CommandLine parseCommandLine(const QStringList &arguments, const QString &program,
    const QString &description, const std::vector<CommandLineFlag> &flags)
{
    CommandLine result;
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList {u"h"_s, u"help"_s}, u"Show this help and exit."_s);
    const QCommandLineOption version(u"version"_s, u"Show the version and exit."_s);
    parser.addOption(help);
    parser.addOption(version);
    std::vector<QCommandLineOption> options;
    options.reserve(flags.size());
    for (const CommandLineFlag &flag : flags) {
        options.emplace_back(flag.name, flag.help, flag.valueName);
        parser.addOption(options.back());
    }

    const auto fail = [&](const QString &text) {
        result.action = CommandLineAction::Error;
        result.text = program + u": "_s + text + u" (see --help)"_s;
        return result;
    };
    if (!parser.parse(arguments)) {
        const QStringList unknown = parser.unknownOptionNames();
        if (!unknown.isEmpty()) {
            const QString &name = unknown.first();
            return fail(u"unknown option %1%2"_s.arg(name.size() > 1 ? u"--"_s : u"-"_s, name));
        }
        return fail(parser.errorText());
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(u"unexpected argument '%1'"_s.arg(parser.positionalArguments().first()));
    if (parser.isSet(help)) {
        result.action = CommandLineAction::Help;
        result.text = parser.helpText().replace(u"<executable_name>"_s, program);
        return result;
    }
    if (parser.isSet(version)) {
        result.action = CommandLineAction::Version;
        result.text = program + u" " PAIRMATCH_VERSION ""_s;
        return result;
    }
    result.values.reserve(flags.size());
    for (const QCommandLineOption &option : options) {
        if (!parser.isSet(option)) {
            result.values.emplace_back();
            continue;
        }
        const QStringList values = parser.values(option);
        result.values.emplace_back(values.isEmpty() ? QString() : values.last());
    }
    return result;
}

QStringList argumentsOf(int argc, char **argv)
{
    QStringList list;
    list.reserve(argc);
    for (int i = 0; i < argc; ++i)
        list << QString::fromLocal8Bit(argv[i]);
    return list;
}

void printLine(FILE *to, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), to);
    if (!bytes.endsWith('\n'))
        std::fputc('\n', to);
    std::fflush(to);
}

std::optional<int> finishCommandLine(CommandLineAction action, const QString &text)
{
    switch (action) {
    case CommandLineAction::Help:
    case CommandLineAction::Version:
        printLine(stdout, text);
        return 0;
    case CommandLineAction::Error:
        printLine(stderr, text);
        return 2;
    case CommandLineAction::Run:
        break;
    }
    return std::nullopt;
}

} // namespace pairmatch
