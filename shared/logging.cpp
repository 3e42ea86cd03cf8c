#include "logging.h"

#include <QByteArray>

#include <atomic>
#include <cstring>
#include <ctime>
#include <unistd.h>

namespace pairmatch {

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcNet, "pairmatch.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMatch, "pairmatch.match", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRound, "pairmatch.round", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAdmin, "pairmatch.admin", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHistory, "pairmatch.history", QtInfoMsg)

namespace {

std::atomic<LogFormat> g_format {LogFormat::Text};
// The fields of the line being logged by logWith() on this thread, for the handler.
thread_local const LogFields *t_fields = nullptr;

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        return "fatal";
    }
    return "?";
}

void writeAll(const QByteArray &line)
{
    qsizetype done = 0;
    while (done < line.size()) {
        const ssize_t n
            = ::write(STDERR_FILENO, line.constData() + done, size_t(line.size() - done));
        if (n <= 0)
            break;
        done += n;
    }
}

// "2026-11-28T01:16:07" for this second, formatted once a second per thread and zone.
const char *secondText(time_t second, bool utc)
{
    struct Cache {
        time_t second = -1;
        char text[32] = {};
    };
    static thread_local Cache caches[2];
    Cache &c = caches[utc ? 1 : 0];
    if (c.second != second) {
        c.second = second;
        tm parts;
        if (utc)
            gmtime_r(&second, &parts);
        else
            localtime_r(&second, &parts);
        strftime(c.text, sizeof c.text, "%Y-%m-%dT%H:%M:%S", &parts);
    }
    return c.text;
}

void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.append('"');
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                out.append(escape, sizeof escape);
            } else {
                out.append(ch);
            }
        }
    }
    out.append('"');
}

// "2026-11-28T01:16:07.049 info pairmatch.net: message", one write(2) per line. Qt's own
// handler formats the time with QDateTime for every message: under connection churn the
// log lines alone cost more than a handshake.
void writeTextLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char head[96];
    const int headSize = snprintf(head, sizeof head, "%s.%03ld %s ", secondText(now.tv_sec, false),
        long(now.tv_nsec / 1'000'000), levelName(type));
    QByteArray line;
    const QByteArray text = message.toUtf8();
    const qsizetype categorySize = context.category ? qsizetype(strlen(context.category)) : 0;
    line.reserve(headSize + categorySize + 2 + text.size() + 1);
    line.append(head, qMax(0, headSize));
    if (categorySize && strcmp(context.category, "default") != 0) {
        line.append(context.category, categorySize);
        line.append(": ");
    }
    line.append(text);
    line.append('\n');
    writeAll(line);
}

void writeJsonLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const qint64 unixMs = qint64(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
    writeAll(jsonLogLine(unixMs, type, context.category, message, t_fields));
}

void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (g_format.load(std::memory_order_relaxed) == LogFormat::Json)
        writeJsonLine(type, context, message);
    else
        writeTextLine(type, context, message);
}

} // namespace

std::optional<LogFormat> parseLogFormat(QStringView name)
{
    if (name == u"text")
        return LogFormat::Text;
    if (name == u"json")
        return LogFormat::Json;
    return std::nullopt;
}

std::optional<LogLevel> parseLogLevel(QStringView name)
{
    if (name == u"debug")
        return LogLevel::Debug;
    if (name == u"info")
        return LogLevel::Info;
    if (name == u"warning")
        return LogLevel::Warning;
    if (name == u"error")
        return LogLevel::Error;
    return std::nullopt;
}

QByteArray jsonLogLine(qint64 unixMs, QtMsgType type, const char *category, const QString &message,
    const LogFields *fields)
{
    const time_t second = time_t(unixMs / 1000);
    char time[48];
    const int timeSize
        = snprintf(time, sizeof time, "%s.%03dZ", secondText(second, true), int(unixMs % 1000));
    const QByteArray text = message.toUtf8();
    QByteArray line;
    line.reserve(text.size() + 160);
    line.append(R"({"time":")");
    line.append(time, qMax(0, timeSize));
    line.append(R"(","level":")");
    line.append(levelName(type));
    line.append(R"(","category":)");
    appendJsonString(line, category ? QByteArrayView(category) : QByteArrayView("default"));
    line.append(R"(,"message":)");
    appendJsonString(line, text);
    if (fields) {
        if (fields->conn) {
            line.append(R"(,"conn":)");
            line.append(QByteArray::number(fields->conn));
        }
        if (!fields->userId.isEmpty()) {
            line.append(R"(,"userId":)");
            appendJsonString(line, fields->userId);
        }
        if (!fields->pairId.isEmpty()) {
            line.append(R"(,"pairId":)");
            appendJsonString(line, fields->pairId);
        }
        if (!fields->remote.isEmpty()) {
            line.append(R"(,"remote":)");
            appendJsonString(line, fields->remote.toUtf8());
        }
        if (fields->code) {
            line.append(R"(,"code":)");
            line.append(QByteArray::number(fields->code));
        }
    }
    line.append("}\n");
    return line;
}

void installLogHandler(LogFormat format)
{
    g_format.store(format, std::memory_order_relaxed);
    // QT_MESSAGE_PATTERN asks for Qt's own formatting: leave it to Qt then.
    if (qEnvironmentVariableIsEmpty("QT_MESSAGE_PATTERN"))
        qInstallMessageHandler(handle);
}

void setLogLevel(LogLevel level)
{
    QString rules;
    switch (level) {
    case LogLevel::Debug:
        rules = u"pairmatch.*.debug=true"_s;
        break;
    case LogLevel::Info:
        break;
    case LogLevel::Warning:
        rules = u"*.debug=false\n*.info=false"_s;
        break;
    case LogLevel::Error:
        rules = u"*.debug=false\n*.info=false\n*.warning=false"_s;
        break;
    }
    QLoggingCategory::setFilterRules(rules);
}

void logWith(const QLoggingCategory &category, QtMsgType type, const LogFields &fields,
    const QString &message)
{
    if (!category.isEnabled(type))
        return;
    const LogFields *outer = t_fields;
    t_fields = &fields;
    QMessageLogger logger(nullptr, 0, nullptr, category.categoryName());
    switch (type) {
    case QtDebugMsg:
        logger.debug().noquote() << message;
        break;
    case QtInfoMsg:
        logger.info().noquote() << message;
        break;
    case QtWarningMsg:
        logger.warning().noquote() << message;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        logger.critical().noquote() << message;
        break;
    }
    t_fields = outer;
}

} // namespace pairmatch
