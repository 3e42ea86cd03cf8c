#include "logging.h"

#include <QByteArray>

#include <ctime>
#include <unistd.h>

namespace pairmatch {

Q_LOGGING_CATEGORY(lcNet, "pairmatch.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMatch, "pairmatch.match", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRound, "pairmatch.round", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAdmin, "pairmatch.admin", QtInfoMsg)

namespace {

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
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "?";
}

// "2026-11-28T01:16:07.049 info pairmatch.net: message", one write(2) per line. Qt's own
// handler formats the time with QDateTime for every message: under connection churn the
// log lines alone cost more than a handshake. The date part is formatted once a second.
void writeLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static thread_local time_t cachedSecond = -1;
    static thread_local char cachedDate[32];
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec != cachedSecond) {
        cachedSecond = now.tv_sec;
        tm local;
        localtime_r(&now.tv_sec, &local);
        strftime(cachedDate, sizeof cachedDate, "%Y-%m-%dT%H:%M:%S", &local);
    }
    char head[96];
    const int headSize = snprintf(head, sizeof head, "%s.%03ld %s ", cachedDate,
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
    qsizetype done = 0;
    while (done < line.size()) {
        const ssize_t n
            = ::write(STDERR_FILENO, line.constData() + done, size_t(line.size() - done));
        if (n <= 0)
            break;
        done += n;
    }
}

} // namespace

void installDefaultMessagePattern()
{
    // QT_MESSAGE_PATTERN asks for Qt's own formatting: leave it to Qt then.
    if (qEnvironmentVariableIsEmpty("QT_MESSAGE_PATTERN"))
        qInstallMessageHandler(writeLine);
}

} // namespace pairmatch
