// The command-line front pairmatch and pairmatch-bench share: a table of --flags, --help,
// --version, one-line errors that name what is wrong, and what main() does with each.
#pragma once

#include <QString>
#include <QStringList>

#include <cstdio>
#include <optional>
#include <vector>

namespace pairmatch {

enum class CommandLineAction { Run, Help, Version, Error };

struct CommandLineFlag {
    QString name; // without the dashes
    QString valueName; // empty: a switch
    QString help;
};

struct CommandLine {
    CommandLineAction action = CommandLineAction::Run;
    // Help, Version: the text to print. Error: "PROGRAM: what is wrong (see --help)".
    QString text;
    // One per flag, in order: the last value given, an empty string for a switch that is
    // set; nullopt when the flag is absent.
    std::vector<std::optional<QString>> values;
};

// Parses arguments (argv, the program name first) against flags. Positional arguments and
// unknown flags are errors.
CommandLine parseCommandLine(const QStringList &arguments, const QString &program,
    const QString &description, const std::vector<CommandLineFlag> &flags);

// The same for any flag table whose rows have name, valueName and help.
template <typename Flag>
CommandLine parseCommandLine(const QStringList &arguments, const QString &program,
    const QString &description, const std::vector<Flag> &flags)
{
    std::vector<CommandLineFlag> spec;
    spec.reserve(flags.size());
    for (const Flag &flag : flags)
        spec.push_back({flag.name, flag.valueName, flag.help});
    return parseCommandLine(arguments, program, description, spec);
}

// For a result struct with action and text: true, with both copied, when the command line
// asks for help or version or is in error; false when it is to run.
template <typename Result> bool commandLineFinished(const CommandLine &line, Result &result)
{
    if (line.action == CommandLineAction::Run)
        return false;
    result.action = line.action;
    result.text = line.text;
    return true;
}

// result, now an error: "PROGRAM: text".
template <typename Result>
Result commandLineError(Result result, const QString &program, const QString &text)
{
    result.action = CommandLineAction::Error;
    result.text = program + QStringLiteral(": ") + text;
    return result;
}

QStringList argumentsOf(int argc, char **argv);

// Writes text and a newline (unless it ends with one), then flushes.
void printLine(FILE *to, const QString &text);

// What main() does when the parse is not Run: help and version go to stdout (status 0), an
// error to stderr (status 2). nullopt for Run.
std::optional<int> finishCommandLine(CommandLineAction action, const QString &text);

} // namespace pairmatch
