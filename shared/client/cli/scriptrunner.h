// Runs a parsed pairmatch-cli script against a server: each step in turn, each wait bounded.
// Prints one line per step; stops at the first step that fails.
#pragma once

#include "script.h"

#include <QUrl>
#include <map>

#include <memory>

namespace pairmatch::cli {

class ScriptPlayer;

struct RunOptions {
    QUrl server;
    int timeoutMs = 5000; // an expect without `within`
    bool verbose = false; // print every message as it arrives
};

class ScriptRunner final
{
public:
    explicit ScriptRunner(RunOptions options);
    ~ScriptRunner();
    Q_DISABLE_COPY_MOVE(ScriptRunner)

    // 0 when every step held; 1 when one failed (failure() says which and why).
    int run(const Script &script);
    QString failure() const { return m_failure; }

private:
    QString runStep(const Step &step); // empty: it held
    ScriptPlayer &player(const QString &name);
    // Runs the event loop until pred() holds or ms passed (when `who` receives, pred is asked).
    template <typename Pred> bool waitFor(ScriptPlayer *who, int ms, Pred pred);

    RunOptions m_options;
    std::map<QString, std::unique_ptr<ScriptPlayer>> m_players;
    QString m_failure;
};

} // namespace pairmatch::cli
