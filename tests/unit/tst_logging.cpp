// The log handler (shared/logging.h): --log-format json writes one JSON object per line with
// time, level, category, message and the fields the call site passes; text lines stay as
// they were; --log-level filters by level.
#include "logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

Q_LOGGING_CATEGORY(lcTest, "pairmatch.test", QtInfoMsg)

// What the handler writes to stderr while f runs.
template <typename F> QByteArray captureStderr(F f)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        qFatal("pipe2 failed");
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    f();
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    ::close(fds[1]);
    QByteArray out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0)
        out.append(buffer, n);
    ::close(fds[0]);
    return out;
}

QJsonObject parseLine(const QByteArray &line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return {};
    return doc.object();
}

} // namespace

class TestLogging final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void jsonLineHasTheFields();
    void jsonLineLeavesUnsetFieldsOut();
    void jsonEscapesWhatJsonMust();
    void jsonHandlerWritesOneObjectPerLine();
    void textHandlerKeepsItsFormat();
    void levelFilters();
    void parseNames();
};

void TestLogging::cleanup()
{
    setLogLevel(LogLevel::Info);
    installLogHandler(LogFormat::Text);
}

void TestLogging::jsonLineHasTheFields()
{
    const LogFields fields {42, "alice", "pAiR-Id_1", u"10.0.0.7:5555"_s, 4000};
    // 2026-11-28T01:16:07.049Z
    const QByteArray line
        = jsonLogLine(1'795'828'567'049, QtInfoMsg, "pairmatch.net", u"conn 42 closed"_s, &fields);
    QVERIFY(line.endsWith("}\n"));
    QCOMPARE(line.count('\n'), qsizetype(1));
    const QJsonObject o = parseLine(line);
    QCOMPARE(o.value("time"_L1).toString(), u"2026-11-28T01:16:07.049Z"_s);
    QCOMPARE(o.value("level"_L1).toString(), u"info"_s);
    QCOMPARE(o.value("category"_L1).toString(), u"pairmatch.net"_s);
    QCOMPARE(o.value("message"_L1).toString(), u"conn 42 closed"_s);
    QCOMPARE(o.value("conn"_L1).toInteger(), 42);
    QCOMPARE(o.value("userId"_L1).toString(), u"alice"_s);
    QCOMPARE(o.value("pairId"_L1).toString(), u"pAiR-Id_1"_s);
    QCOMPARE(o.value("remote"_L1).toString(), u"10.0.0.7:5555"_s);
    QCOMPARE(o.value("code"_L1).toInt(), 4000);
}

void TestLogging::jsonLineLeavesUnsetFieldsOut()
{
    const QJsonObject plain = parseLine(jsonLogLine(0, QtWarningMsg, nullptr, u"x"_s, nullptr));
    QCOMPARE(plain.keys(), (QStringList {u"category"_s, u"level"_s, u"message"_s, u"time"_s}));
    QCOMPARE(plain.value("category"_L1).toString(), u"default"_s);
    QCOMPARE(plain.value("level"_L1).toString(), u"warning"_s);
    QCOMPARE(plain.value("time"_L1).toString(), u"1970-01-01T00:00:00.000Z"_s);
    const LogFields some {0, {}, "p", {}, 0};
    const QJsonObject one = parseLine(jsonLogLine(0, QtCriticalMsg, "c", u"x"_s, &some));
    QCOMPARE(one.keys(),
        (QStringList {u"category"_s, u"level"_s, u"message"_s, u"pairId"_s, u"time"_s}));
    QCOMPARE(one.value("level"_L1).toString(), u"error"_s);
}

void TestLogging::jsonEscapesWhatJsonMust()
{
    const QString message = u"quote \" backslash \\ newline \n tab \t bell \a del \x7f é 🂡"_s;
    const QByteArray line = jsonLogLine(0, QtInfoMsg, "a\"b", message, nullptr);
    QCOMPARE(line.count('\n'), qsizetype(1)); // the newline of the message is escaped
    const QJsonObject o = parseLine(line);
    QVERIFY2(!o.isEmpty(), line.constData());
    QCOMPARE(o.value("message"_L1).toString(), message);
    QCOMPARE(o.value("category"_L1).toString(), u"a\"b"_s);
}

// Through Qt's logging, as the server logs: PM_LOG_INFO with fields, a plain qCInfo without.
void TestLogging::jsonHandlerWritesOneObjectPerLine()
{
    installLogHandler(LogFormat::Json);
    const QByteArray out = captureStderr([] {
        PM_LOG_INFO(lcTest, (LogFields {7, "bob", {}, u"1.2.3.4:5"_s, 1001}), u"first\nline"_s);
        qCInfo(lcTest) << "second";
        qCDebug(lcTest) << "not shown: debug is off";
    });
    const QList<QByteArray> lines = out.split('\n');
    QCOMPARE(lines.size(), 3); // two lines and the empty rest after the last newline
    QVERIFY(lines.last().isEmpty());
    const QJsonObject first = parseLine(lines[0]);
    QCOMPARE(first.value("message"_L1).toString(), u"first\nline"_s);
    QCOMPARE(first.value("category"_L1).toString(), u"pairmatch.test"_s);
    QCOMPARE(first.value("conn"_L1).toInt(), 7);
    QCOMPARE(first.value("userId"_L1).toString(), u"bob"_s);
    QCOMPARE(first.value("remote"_L1).toString(), u"1.2.3.4:5"_s);
    QCOMPARE(first.value("code"_L1).toInt(), 1001);
    QVERIFY(!first.contains("pairId"_L1));
    QVERIFY(QRegularExpression(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s)
                .match(first.value("time"_L1).toString())
                .hasMatch());
    const QJsonObject second = parseLine(lines[1]);
    QCOMPARE(second.value("message"_L1).toString(), u"second"_s);
    QVERIFY(!second.contains("conn"_L1)); // the fields of the line before do not linger
}

void TestLogging::textHandlerKeepsItsFormat()
{
    installLogHandler(LogFormat::Text);
    const QByteArray out = captureStderr([] {
        PM_LOG_INFO(lcTest, (LogFields {7, "bob", {}, {}, 0}), u"hello"_s);
    });
    QVERIFY2(
        QRegularExpression(
            u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} info pairmatch.test: hello\n$"_s)
            .match(QString::fromUtf8(out))
            .hasMatch(),
        out.constData());
}

void TestLogging::levelFilters()
{
    installLogHandler(LogFormat::Json);
    setLogLevel(LogLevel::Warning);
    QByteArray out = captureStderr([] {
        qCInfo(lcTest) << "info";
        qCWarning(lcTest) << "warning";
        qCCritical(lcTest) << "error";
    });
    QCOMPARE(out.count('\n'), qsizetype(2));
    QVERIFY(!out.contains("\"info\""));
    setLogLevel(LogLevel::Error);
    out = captureStderr([] {
        qCWarning(lcTest) << "warning";
        qCCritical(lcTest) << "error";
    });
    QCOMPARE(out.count('\n'), qsizetype(1));
    QCOMPARE(parseLine(out.trimmed()).value("level"_L1).toString(), u"error"_s);
    setLogLevel(LogLevel::Debug);
    out = captureStderr([] { qCDebug(lcTest) << "debug"; });
    QCOMPARE(parseLine(out.trimmed()).value("level"_L1).toString(), u"debug"_s);
}

void TestLogging::parseNames()
{
    QCOMPARE(parseLogFormat(u"json"), LogFormat::Json);
    QCOMPARE(parseLogFormat(u"text"), LogFormat::Text);
    QVERIFY(!parseLogFormat(u"JSON"));
    QVERIFY(!parseLogFormat(u"xml"));
    QCOMPARE(parseLogLevel(u"debug"), LogLevel::Debug);
    QCOMPARE(parseLogLevel(u"info"), LogLevel::Info);
    QCOMPARE(parseLogLevel(u"warning"), LogLevel::Warning);
    QCOMPARE(parseLogLevel(u"error"), LogLevel::Error);
    QVERIFY(!parseLogLevel(u"critical"));
}

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
