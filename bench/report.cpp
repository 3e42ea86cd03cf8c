#include "report.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

struct ErrorField {
    quint64 ErrorCounters::*field;
    const char *key; // JSON
    const char *label; // table
};

constexpr ErrorField kErrorFields[] = {
    {&ErrorCounters::connect, "connect", "connect failures"},
    {&ErrorCounters::tls, "tls", "TLS failures"},
    {&ErrorCounters::handshake, "handshake", "handshake failures"},
    {&ErrorCounters::websocket, "websocket", "WebSocket protocol errors"},
    {&ErrorCounters::timeouts, "timeouts", "timeouts"},
    {&ErrorCounters::closed, "closed", "connections closed in use"},
    {&ErrorCounters::errorMessages, "error_messages", "error messages"},
    {&ErrorCounters::unexpected, "unexpected", "unexpected messages"},
    {&ErrorCounters::lost, "lost", "lost moves"},
    {&ErrorCounters::duplicated, "duplicated", "duplicated moves"},
    {&ErrorCounters::misordered, "misordered", "misordered moves"},
};

constexpr int kLabelWidth = 18;

QString row(const QString &label, const QString &text)
{
    return u"  "_s + label.leftJustified(kLabelWidth) + text + u'\n';
}

} // namespace

QString errorSummary(const ScenarioResult &result)
{
    QStringList parts;
    for (const ErrorField &f : kErrorFields) {
        const quint64 n = result.counters.errors.*(f.field);
        if (n == 0)
            continue;
        QString part = QString::number(n) + u' ' + QString::fromLatin1(f.label);
        if (f.field == &ErrorCounters::errorMessages && !result.errorCodes.isEmpty()) {
            QStringList codes;
            for (auto it = result.errorCodes.cbegin(); it != result.errorCodes.cend(); ++it)
                codes << it.key() + u' ' + QString::number(it.value());
            part += u" ("_s + codes.join(u", "_s) + u')';
        }
        parts << part;
    }
    return parts.join(u", "_s);
}

QString formatReport(const std::vector<ScenarioResult> &results)
{
    QString out;
    quint64 errors = 0;
    int failed = 0;
    for (const ScenarioResult &r : results) {
        errors += r.counters.errors.total();
        failed += r.ok() ? 0 : 1;
        out += u"\n%1 on %2: %3\n"_s.arg(scenarioName(r.kind), r.url, r.title);
        if (!r.completed && r.figures.empty()) {
            out += row(u"result"_s, u"not run: "_s + r.abortReason);
            continue;
        }
        for (const Figure &f : r.figures) {
            if (!f.label.isEmpty())
                out += row(f.label, f.text);
        }
        const quint64 total = r.counters.errors.total();
        out += row(u"protocol errors"_s,
            total ? QString::number(total) + u": "_s + errorSummary(r) : u"0"_s);
        for (const QString &e : r.firstErrors)
            out += row(QString(), e);
        QString verdict = r.ok() ? u"OK"_s : u"FAILED"_s;
        if (!r.completed)
            verdict += u" (stopped: "_s + r.abortReason + u')';
        out += row(u"result"_s, verdict);
    }
    out += u"\n"_s;
    if (failed == 0) {
        out += u"pairmatch-bench: %1 scenario%2 OK, no protocol error\n"_s.arg(results.size())
                   .arg(results.size() == 1 ? u""_s : u"s"_s);
    } else {
        out += u"pairmatch-bench: %1 of %2 scenario%3 FAILED, %4 protocol error%5\n"_s.arg(failed)
                   .arg(results.size())
                   .arg(results.size() == 1 ? u""_s : u"s"_s)
                   .arg(errors)
                   .arg(errors == 1 ? u""_s : u"s"_s);
    }
    return out;
}

QJsonObject resultToJson(const ScenarioResult &r)
{
    QJsonObject o;
    o.insert(u"scenario"_s, scenarioName(r.kind));
    o.insert(u"url"_s, r.url);
    o.insert(u"title"_s, r.title);
    o.insert(u"ok"_s, r.ok());
    o.insert(u"completed"_s, r.completed);
    if (!r.completed)
        o.insert(u"stopped"_s, r.abortReason);
    for (const Figure &f : r.figures)
        o.insert(f.key, f.value);
    o.insert(u"protocol_errors"_s, double(r.counters.errors.total()));
    QJsonObject errors;
    for (const ErrorField &f : kErrorFields)
        errors.insert(QLatin1StringView(f.key), double(r.counters.errors.*(f.field)));
    o.insert(u"errors"_s, errors);
    QJsonObject codes;
    for (auto it = r.errorCodes.cbegin(); it != r.errorCodes.cend(); ++it)
        codes.insert(it.key(), double(it.value()));
    o.insert(u"error_codes"_s, codes);
    o.insert(u"first_errors"_s, QJsonArray::fromStringList(r.firstErrors));
    o.insert(u"connections_started"_s, double(r.counters.connections));
    o.insert(u"moves_sent"_s, double(r.counters.sent));
    o.insert(u"elapsed_s"_s, qRound(r.elapsedSeconds * 1000) / 1000.0);
    return o;
}

QByteArray resultsToJson(const std::vector<ScenarioResult> &results, bool asArray)
{
    if (!asArray && results.size() == 1)
        return QJsonDocument(resultToJson(results.front())).toJson(QJsonDocument::Compact) + '\n';
    QJsonArray array;
    for (const ScenarioResult &r : results)
        array.append(resultToJson(r));
    return QJsonDocument(array).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace pairmatch
