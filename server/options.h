// The command line: flags, each with a PAIRMATCH_<FLAG> environment fallback (the flag
// wins), parsed into a ServerConfig. Pure: no printing, no exiting.
#pragma once

#include "commandline.h"
#include "logging.h"
#include "serverconfig.h"

#include <QProcessEnvironment>
#include <QStringList>

#include <vector>

namespace pairmatch {

struct Options {
    ServerConfig config;
    bool noGui = false;
    QString attachUrl; // --attach: the dashboard only, on a remote server's admin API
    LogFormat logFormat = LogFormat::Text;
    LogLevel logLevel = LogLevel::Info;
};

struct OptionsResult {
    using Action = CommandLineAction;
    Action action = Action::Run;
    Options options;
    QString text; // help or version text, or the one-line error
};

OptionsResult parseOptions(const QStringList &arguments,
    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

// Where the match history is kept unless --history says otherwise:
// $XDG_DATA_HOME/pairmatch/history.sqlite, i.e. ~/.local/share/pairmatch/history.sqlite.
QString defaultHistoryPath();

// The flag table as --help shows it, each flag with its environment variable: the one source
// of the man page (pairmatch.1, made at build time) as of --help.
struct OptionDoc {
    QString name; // without the dashes
    QString valueName; // empty: a switch
    QString help;
    QString environment; // PAIRMATCH_...
};
std::vector<OptionDoc> optionDocs();
// The description --help starts with.
QString optionsDescription();

} // namespace pairmatch
