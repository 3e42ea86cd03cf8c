// Results as a table for people (stdout) or as JSON for scripts (--json).
#pragma once

#include "scenario.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <vector>

namespace pairmatch {

// One block per scenario (its figures, its errors), then a closing verdict line.
QString formatReport(const std::vector<ScenarioResult> &results);

QJsonObject resultToJson(const ScenarioResult &result);
// One object, or an array when asArray (--scenario all), compact, with a newline.
QByteArray resultsToJson(const std::vector<ScenarioResult> &results, bool asArray);

// "lost 3, error messages 4 (rate_limited 4)"; empty when there is none.
QString errorSummary(const ScenarioResult &result);

} // namespace pairmatch
