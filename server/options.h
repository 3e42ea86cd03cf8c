// The command line: flags, each with a PAIRMATCH_<FLAG> environment fallback (the flag
// wins), parsed into a ServerConfig. Pure: no printing, no exiting.
#pragma once

#include "commandline.h"
#include "serverconfig.h"

#include <QProcessEnvironment>
#include <QStringList>

namespace pairmatch {

struct Options {
    ServerConfig config;
    bool noGui = false;
    QString attachUrl; // --attach: the dashboard only, on a remote server's admin API
};

struct OptionsResult {
    using Action = CommandLineAction;
    Action action = Action::Run;
    Options options;
    QString text; // help or version text, or the one-line error
};

OptionsResult parseOptions(const QStringList &arguments,
    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

} // namespace pairmatch
