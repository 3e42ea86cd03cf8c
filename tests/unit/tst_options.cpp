// The command line: parseOptions (flags, PAIRMATCH_* fallbacks, errors).
#include "options.h"

#include <QRegularExpression>
#include <QTest>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

QString actionName(OptionsResult::Action action)
{
    switch (action) {
    case OptionsResult::Action::Run:
        return u"run"_s;
    case OptionsResult::Action::Help:
        return u"help"_s;
    case OptionsResult::Action::Version:
        return u"version"_s;
    case OptionsResult::Action::Error:
        return u"error"_s;
    }
    return u"?"_s;
}

QProcessEnvironment environment(const QStringList &assignments = {})
{
    QProcessEnvironment env; // empty: nothing from the test's own environment
    for (const QString &a : assignments) {
        const qsizetype eq = a.indexOf(u'=');
        env.insert(a.left(eq), a.mid(eq + 1));
    }
    return env;
}

OptionsResult parse(const QStringList &args, const QStringList &env = {})
{
    return parseOptions(QStringList {u"pairmatch"_s} + args, environment(env));
}

// The value a flag sets, as text.
QString valueOf(const Options &o, const QString &flag)
{
    const ServerConfig &c = o.config;
    if (flag == "host"_L1)
        return c.host;
    if (flag == "port"_L1)
        return QString::number(c.port);
    if (flag == "prepare-timeout-ms"_L1)
        return QString::number(c.prepareTimeoutMs);
    if (flag == "ping-interval-ms"_L1)
        return QString::number(c.pingIntervalMs);
    if (flag == "ping-timeout-ms"_L1)
        return QString::number(c.pingTimeoutMs);
    if (flag == "rate-limit"_L1)
        return QString::number(c.rateLimit);
    if (flag == "rate-burst"_L1)
        return QString::number(c.rateBurst);
    if (flag == "max-frame-bytes"_L1)
        return QString::number(c.maxFrameBytes);
    if (flag == "max-connections"_L1)
        return QString::number(c.maxConnections);
    if (flag == "max-data-bytes"_L1)
        return QString::number(c.maxDataBytes);
    if (flag == "max-user-bytes"_L1)
        return QString::number(c.maxUserBytes);
    if (flag == "handshake-timeout-ms"_L1)
        return QString::number(c.handshakeTimeoutMs);
    if (flag == "max-send-buffer-bytes"_L1)
        return QString::number(c.maxSendBufferBytes);
    if (flag == "admin-host"_L1)
        return c.adminHost;
    if (flag == "admin-token"_L1)
        return QString::fromUtf8(c.adminToken);
    if (flag == "attach"_L1)
        return o.attachUrl;
    if (flag == "web"_L1)
        return c.web ? u"on"_s : u"off"_s;
    if (flag == "redis"_L1)
        return c.redisUrl;
    if (flag == "node-id"_L1)
        return QString::fromLatin1(c.nodeId);
    if (flag == "node-ttl-ms"_L1)
        return QString::number(c.nodeTtlMs);
    if (flag == "history"_L1)
        return c.historyPath.isEmpty() ? u"off"_s : c.historyPath;
    return u"<unknown flag %1>"_s.arg(flag);
}

QString envName(const QString &flag)
{
    return u"PAIRMATCH_"_s + flag.toUpper().replace(u'-', u'_');
}

} // namespace

class TestOptions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void eachFlag_data();
    void eachFlag();
    void noGuiFlag();
    void noGuiFromEnvironment_data();
    void noGuiFromEnvironment();
    void badValue_data();
    void badValue();
    void badEnvironmentValue();
    void playerTransportFromEnvironment_data();
    void playerTransportFromEnvironment();
    void unknownFlag();
    void unexpectedArgument();
    void missingValue();
    void lastRepeatWins();
    void adminPortNeedsToken();
    void adminPortWithToken();
    void tlsNeedsBoth();
    void attachWithNoGui();
    void help();
    void version();
};

void TestOptions::defaults()
{
    const OptionsResult r = parse({});
    QCOMPARE(actionName(r.action), u"run"_s);
    QVERIFY(r.text.isEmpty());
    const ServerConfig &c = r.options.config;
    // the protocol's defaults
    QCOMPARE(c.host, u"127.0.0.1"_s);
    QCOMPARE(c.port, quint16(8080));
    QCOMPARE(c.prepareTimeoutMs, 10'000);
    QCOMPARE(c.pingIntervalMs, 20'000);
    QCOMPARE(c.pingTimeoutMs, 10'000);
    QCOMPARE(c.rateLimit, 50);
    QCOMPARE(c.rateBurst, 100);
    QCOMPARE(c.maxFrameBytes, 65'536);
    QCOMPARE(c.maxConnections, 100'000);
    QCOMPARE(c.maxDataBytes, 16'384);
    QCOMPARE(c.maxUserBytes, 2'048);
    QCOMPARE(c.lingerMs, 60'000);
    // and the server's own
    QCOMPARE(c.handshakeTimeoutMs, 10'000);
    QCOMPARE(c.maxSendBufferBytes, 4 * 1024 * 1024);
    QVERIFY(c.tlsCertFile.isEmpty());
    QVERIFY(c.tlsKeyFile.isEmpty());
    QCOMPARE(c.web, true); // the web game at /
    QVERIFY(c.redisUrl.isEmpty()); // one node, no Redis
    QVERIFY(c.nodeId.isEmpty()); // drawn at random when a cluster is joined
    QCOMPARE(c.nodeTtlMs, 5000);
    QCOMPARE(c.adminHost, u"127.0.0.1"_s);
    QCOMPARE(c.adminPort, -1);
    QVERIFY(c.adminToken.isEmpty());
    QCOMPARE(r.options.noGui, false);
    QVERIFY(r.options.attachUrl.isEmpty());
    // the match history in the user's data directory (ServerConfig's own default: none)
    QCOMPARE(c.historyPath, defaultHistoryPath());
    QVERIFY2(c.historyPath.endsWith(u"/pairmatch/history.sqlite"_s), qPrintable(c.historyPath));
    QVERIFY(ServerConfig().historyPath.isEmpty());
}

void TestOptions::eachFlag_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("other"); // another valid value, for "the flag wins"

    const auto row
        = [](const char *flag, const char *value, const char *expected, const char *other) {
              QTest::addRow("%s %s", flag, value)
                  << QString::fromLatin1(flag) << QString::fromLatin1(value)
                  << QString::fromLatin1(expected) << QString::fromLatin1(other);
          };
    row("host", "0.0.0.0", "0.0.0.0", "127.0.0.1");
    row("host", "::", "::", "0.0.0.0");
    row("host", "::1", "::1", "0.0.0.0");
    row("host", "localhost", "localhost", "0.0.0.0");
    row("host", "192.168.1.20", "192.168.1.20", "0.0.0.0");
    row("port", "9000", "9000", "9001");
    row("port", "0", "0", "9001");
    row("port", "65535", "65535", "9001");
    row("port", " 9000 ", "9000", "9001");
    row("prepare-timeout-ms", "2500", "2500", "3000");
    row("prepare-timeout-ms", "1", "1", "3000");
    row("prepare-timeout-ms", "86400000", "86400000", "3000");
    row("ping-interval-ms", "5000", "5000", "6000");
    row("ping-timeout-ms", "3000", "3000", "4000");
    row("rate-limit", "10", "10", "20");
    row("rate-limit", "0", "0", "20");
    row("rate-limit", "1000000000", "1000000000", "20");
    row("rate-burst", "5", "5", "6");
    row("rate-burst", "1", "1", "6");
    row("max-frame-bytes", "1048576", "1048576", "65536");
    row("max-frame-bytes", "64", "64", "65536");
    row("max-connections", "10", "10", "20");
    row("max-data-bytes", "100", "100", "200");
    row("max-user-bytes", "512", "512", "1024");
    row("max-user-bytes", "16", "16", "1024");
    row("handshake-timeout-ms", "500", "500", "600");
    row("max-send-buffer-bytes", "1024", "1024", "2048");
    row("max-send-buffer-bytes", "9223372036854775807", "9223372036854775807", "2048");
    row("admin-host", "0.0.0.0", "0.0.0.0", "127.0.0.1");
    row("admin-token", "s3cr3t", "s3cr3t", "other");
    row("attach", "ws://127.0.0.1:9090/admin", "ws://127.0.0.1:9090/admin", "ws://x:1/admin");
    row("attach", "wss://example.org/admin", "wss://example.org/admin", "ws://x:1/admin");
    row("web", "off", "off", "on");
    row("web", "on", "on", "off");
    row("web", "0", "off", "on");
    row("web", "OFF", "off", "on");
    row("web", "true", "on", "off");
    row("redis", "redis://127.0.0.1:6379", "redis://127.0.0.1:6379", "redis://10.0.0.2:7000");
    row("redis", "redis://cache.internal:6380/2", "redis://cache.internal:6380/2",
        "redis://10.0.0.2:7000");
    row("redis", "redis://[::1]:6379/0", "redis://[::1]:6379/0", "redis://10.0.0.2:7000");
    row("node-id", "eu-1", "eu-1", "eu-2");
    row("node-id", "Node_07", "Node_07", "eu-2");
    row("node-ttl-ms", "1500", "1500", "2000");
    row("node-ttl-ms", "300", "300", "2000");
    row("history", "/srv/pm/history.sqlite", "/srv/pm/history.sqlite", "/tmp/h.db");
    row("history", "off", "off", "/tmp/h.db");
    row("history", "OFF", "off", "/tmp/h.db");
    row("history", "relative/h.db", "relative/h.db", "off");
}

void TestOptions::eachFlag()
{
    QFETCH(QString, flag);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QFETCH(QString, other);

    // --flag value
    OptionsResult r = parse({u"--"_s + flag, value});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(valueOf(r.options, flag), expected);
    // --flag=value
    r = parse({u"--%1=%2"_s.arg(flag, value)});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(valueOf(r.options, flag), expected);
    // PAIRMATCH_FLAG=value
    r = parse({}, {envName(flag) + u'=' + value});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(valueOf(r.options, flag), expected);
    // the flag wins over the environment
    r = parse({u"--"_s + flag, value}, {envName(flag) + u'=' + other});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(valueOf(r.options, flag), expected);
    // and the environment over the default
    r = parse({}, {envName(flag) + u'=' + other});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(valueOf(r.options, flag), other);
}

void TestOptions::noGuiFlag()
{
    OptionsResult r = parse({u"--no-gui"_s});
    QCOMPARE(actionName(r.action), u"run"_s);
    QCOMPARE(r.options.noGui, true);
    // the flag wins over an environment that says no
    r = parse({u"--no-gui"_s}, {u"PAIRMATCH_NO_GUI=0"_s});
    QCOMPARE(actionName(r.action), u"run"_s);
    QCOMPARE(r.options.noGui, true);
    // single-dash long form
    r = parse({u"-no-gui"_s});
    QCOMPARE(actionName(r.action), u"run"_s);
    QCOMPARE(r.options.noGui, true);
}

void TestOptions::noGuiFromEnvironment_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("noGui");
    QTest::newRow("1") << u"1"_s << true;
    QTest::newRow("true") << u"true"_s << true;
    QTest::newRow("TRUE") << u"TRUE"_s << true;
    QTest::newRow("yes") << u"yes"_s << true;
    QTest::newRow("spaced 1") << u" 1 "_s << true;
    QTest::newRow("0") << u"0"_s << false;
    QTest::newRow("false") << u"false"_s << false;
    QTest::newRow("no") << u"no"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestOptions::noGuiFromEnvironment()
{
    QFETCH(QString, value);
    QFETCH(bool, noGui);
    const OptionsResult r = parse({}, {u"PAIRMATCH_NO_GUI="_s + value});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(r.options.noGui, noGui);
}

void TestOptions::badValue_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");

    const auto row = [](const char *flag, const char *value) {
        QTest::addRow("%s '%s'", flag, value)
            << QString::fromLatin1(flag) << QString::fromLatin1(value);
    };
    row("port", "abc");
    row("port", "-1");
    row("port", "70000");
    row("port", "65536");
    row("port", "1.5");
    row("port", "0x50");
    row("port", "");
    row("host", "example.org");
    row("host", "999.1.1.1");
    row("host", "127.0.0.1:80");
    row("host", "");
    row("prepare-timeout-ms", "0");
    row("prepare-timeout-ms", "-5");
    row("prepare-timeout-ms", "abc");
    row("prepare-timeout-ms", "86400001");
    row("prepare-timeout-ms", "10s");
    row("ping-interval-ms", "0");
    row("ping-timeout-ms", "0");
    row("rate-limit", "-1");
    row("rate-limit", "1000000001");
    row("rate-burst", "0");
    row("max-frame-bytes", "63");
    row("max-frame-bytes", "1073741825");
    row("max-connections", "0");
    row("max-data-bytes", "0");
    row("max-user-bytes", "15");
    row("handshake-timeout-ms", "0");
    row("max-send-buffer-bytes", "1023");
    row("max-send-buffer-bytes", "9223372036854775808");
    row("admin-host", "nowhere");
    row("admin-token", "");
    row("attach", "http://127.0.0.1:9090/admin");
    row("web", "maybe");
    row("web", "");
    row("attach", "127.0.0.1:9090");
    row("redis", "127.0.0.1:6379");
    row("redis", "redis://127.0.0.1");
    row("redis", "redis://127.0.0.1:0");
    row("redis", "redis://127.0.0.1:70000");
    row("redis", "redis://127.0.0.1:6379/16");
    row("redis", "rediss://127.0.0.1:6379");
    row("node-id", "");
    row("node-id", "a|b");
    row("node-id", "has space");
    row("node-id", "abcdefghijklmnopqrstuvwxyz0123456"); // 33 characters
    row("node-ttl-ms", "299");
    row("node-ttl-ms", "abc");
}

void TestOptions::badValue()
{
    QFETCH(QString, flag);
    QFETCH(QString, value);
    const OptionsResult r = parse({u"--"_s + flag, value});
    QCOMPARE(actionName(r.action), u"error"_s);
    // one line that names the flag and the value it did not take
    QVERIFY2(r.text.contains(u"--"_s + flag), qPrintable(r.text));
    QVERIFY2(r.text.contains(u'\'' + value + u'\''), qPrintable(r.text));
    QVERIFY2(!r.text.contains(u'\n'), qPrintable(r.text));
    QVERIFY2(r.text.startsWith("pairmatch: "_L1), qPrintable(r.text));

    // the same value from the environment is refused and names the variable; an empty
    // variable counts as unset (FOO= cmd is how a shell unsets for one command)
    const OptionsResult e = parse({}, {envName(flag) + u'=' + value});
    if (value.isEmpty()) {
        QCOMPARE(actionName(e.action), u"run"_s);
        return;
    }
    QCOMPARE(actionName(e.action), u"error"_s);
    QVERIFY2(e.text.contains(envName(flag)), qPrintable(e.text));
    QVERIFY2(e.text.contains(u"--"_s + flag), qPrintable(e.text));
}

void TestOptions::badEnvironmentValue()
{
    const OptionsResult r = parse({}, {u"PAIRMATCH_NO_GUI=maybe"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("PAIRMATCH_NO_GUI"_L1), qPrintable(r.text));
    QVERIFY2(r.text.contains("maybe"_L1), qPrintable(r.text));
    // a bad variable is not looked at when its flag is given
    const OptionsResult f = parse({u"--port"_s, u"9000"_s}, {u"PAIRMATCH_PORT=abc"_s});
    QCOMPARE(actionName(f.action) + f.text, u"run"_s);
    QCOMPARE(f.options.config.port, quint16(9000));
    // unrelated variables are ignored
    const OptionsResult u = parse({}, {u"PAIRMATCH_BOGUS=1"_s, u"PORT=1"_s});
    QCOMPARE(actionName(u.action) + u.text, u"run"_s);
}

// PAIRMATCH_TRANSPORT chooses the players' transport (no flag: a reference, not a setting).
void TestOptions::playerTransportFromEnvironment_data()
{
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QString>("outcome"); // "own", "qt" or "error"
    QTest::newRow("unset") << QStringList() << u"own"_s;
    QTest::newRow("empty") << QStringList {u"PAIRMATCH_TRANSPORT="_s} << u"own"_s;
    QTest::newRow("own") << QStringList {u"PAIRMATCH_TRANSPORT=own"_s} << u"own"_s;
    QTest::newRow("qt") << QStringList {u"PAIRMATCH_TRANSPORT=qt"_s} << u"qt"_s;
    QTest::newRow("QT, spaced") << QStringList {u"PAIRMATCH_TRANSPORT= QT "_s} << u"qt"_s;
    QTest::newRow("anything else")
        << QStringList {u"PAIRMATCH_TRANSPORT=websocketpp"_s} << u"error"_s;
}

void TestOptions::playerTransportFromEnvironment()
{
    QFETCH(QStringList, env);
    QFETCH(QString, outcome);
    const OptionsResult r = parse({}, env);
    if (outcome == "error"_L1) {
        QCOMPARE(actionName(r.action), u"error"_s);
        QVERIFY2(r.text.contains("PAIRMATCH_TRANSPORT"_L1), qPrintable(r.text));
        return;
    }
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(r.options.config.transport == PlayerTransport::Qt ? u"qt"_s : u"own"_s, outcome);
}

void TestOptions::unknownFlag()
{
    const OptionsResult r = parse({u"--bogus"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("bogus"_L1), qPrintable(r.text));
}

void TestOptions::unexpectedArgument()
{
    const OptionsResult r = parse({u"--port"_s, u"9000"_s, u"extra"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("'extra'"_L1), qPrintable(r.text));
}

void TestOptions::missingValue()
{
    const OptionsResult r = parse({u"--port"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("port"_L1), qPrintable(r.text));
}

void TestOptions::lastRepeatWins()
{
    const OptionsResult r = parse({u"--port"_s, u"9000"_s, u"--port"_s, u"9001"_s});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(r.options.config.port, quint16(9001));
}

void TestOptions::adminPortNeedsToken()
{
    OptionsResult r = parse({u"--admin-port"_s, u"9090"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("--admin-port"_L1), qPrintable(r.text));
    QVERIFY2(r.text.contains("PAIRMATCH_ADMIN_TOKEN"_L1), qPrintable(r.text));
    r = parse({}, {u"PAIRMATCH_ADMIN_PORT=0"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("--admin-port"_L1), qPrintable(r.text));
}

void TestOptions::adminPortWithToken()
{
    OptionsResult r = parse({u"--admin-port"_s, u"9090"_s, u"--admin-token"_s, u"t0k"_s});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(r.options.config.adminPort, 9090);
    QCOMPARE(r.options.config.adminToken, QByteArray("t0k"));
    r = parse({u"--admin-port"_s, u"0"_s}, {u"PAIRMATCH_ADMIN_TOKEN=from-env"_s});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(r.options.config.adminPort, 0);
    QCOMPARE(r.options.config.adminToken, QByteArray("from-env"));
    r = parse({u"--admin-port"_s, u"70000"_s, u"--admin-token"_s, u"t"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("--admin-port"_L1), qPrintable(r.text));
}

void TestOptions::tlsNeedsBoth()
{
    OptionsResult r = parse({u"--tls-cert"_s, u"/tmp/cert.pem"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("--tls-cert"_L1), qPrintable(r.text));
    r = parse({u"--tls-key"_s, u"/tmp/key.pem"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("--tls-key"_L1), qPrintable(r.text));
    r = parse({u"--tls-cert"_s, u"/tmp/cert.pem"_s}, {u"PAIRMATCH_TLS_KEY=/tmp/key.pem"_s});
    QCOMPARE(actionName(r.action) + r.text, u"run"_s);
    QCOMPARE(r.options.config.tlsCertFile, u"/tmp/cert.pem"_s);
    QCOMPARE(r.options.config.tlsKeyFile, u"/tmp/key.pem"_s);
}

void TestOptions::attachWithNoGui()
{
    const OptionsResult r = parse({u"--attach"_s, u"ws://127.0.0.1:9090/admin"_s, u"--no-gui"_s});
    QCOMPARE(actionName(r.action), u"error"_s);
    QVERIFY2(r.text.contains("--attach"_L1), qPrintable(r.text));
    QVERIFY2(r.text.contains("--no-gui"_L1), qPrintable(r.text));
}

void TestOptions::help()
{
    for (const QString &flag : {u"--help"_s, u"-h"_s}) {
        const OptionsResult r = parse({flag});
        QCOMPARE(actionName(r.action), u"help"_s);
        QVERIFY(!r.text.contains("<executable_name>"_L1));
        QVERIFY2(r.text.contains("pairmatch"_L1), qPrintable(r.text));
        QVERIFY2(r.text.contains("PAIRMATCH_"_L1), qPrintable(r.text));
        for (const char *name : {"--no-gui", "--port", "--host", "--prepare-timeout-ms",
                 "--ping-interval-ms", "--ping-timeout-ms", "--rate-limit", "--rate-burst",
                 "--max-frame-bytes", "--max-connections", "--admin-port", "--version"}) {
            QVERIFY2(r.text.contains(QLatin1StringView(name)), name);
        }
    }
}

void TestOptions::version()
{
    const OptionsResult r = parse({u"--version"_s});
    QCOMPARE(actionName(r.action), u"version"_s);
    static const QRegularExpression re(u"^pairmatch \\d+\\.\\d+\\.\\d+$"_s);
    QVERIFY2(re.match(r.text).hasMatch(), qPrintable(r.text));
}

QTEST_GUILESS_MAIN(TestOptions)
#include "tst_options.moc"
