// The operations flags of parseOptions: --allowed-origins, --require-origin,
// --max-connections-per-ip, --metrics-host/--metrics-port, --log-format, --log-level; each
// with its PAIRMATCH_* variable, each bad value one error naming it. And optionDocs(), the
// flag table the man page is made from: the same flags as --help.
#include "options.h"

#include <QTest>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

OptionsResult parse(const QStringList &args, const QStringList &env = {})
{
    QProcessEnvironment environment;
    for (const QString &a : env)
        environment.insert(a.section(u'=', 0, 0), a.section(u'=', 1));
    return parseOptions(QStringList {u"pairmatch"_s} + args, environment);
}

} // namespace

class TestOpsFlags final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreOff();
    void allowedOriginsNormalized();
    void allowedOriginsFromEnvironment();
    void switchesAndNumbers();
    void logFlags();
    void badValue_data();
    void badValue();
    void docsListEveryHelpFlag();
};

void TestOpsFlags::defaultsAreOff()
{
    const OptionsResult r = parse({});
    QCOMPARE(r.action, OptionsResult::Action::Run);
    const ServerConfig &c = r.options.config;
    QVERIFY(c.allowedOrigins.isEmpty());
    QVERIFY(!c.requireOrigin);
    QCOMPARE(c.maxConnectionsPerIp, 0);
    QCOMPARE(c.metricsPort, -1);
    QCOMPARE(c.metricsHost, u"127.0.0.1"_s);
    QCOMPARE(r.options.logFormat, LogFormat::Text);
    QCOMPARE(r.options.logLevel, LogLevel::Info);
}

void TestOpsFlags::allowedOriginsNormalized()
{
    const OptionsResult r
        = parse({u"--allowed-origins"_s, u"HTTPS://Game.Example.com/, http://localhost:8000 ,,"_s});
    QCOMPARE(r.action, OptionsResult::Action::Run);
    QCOMPARE(r.options.config.allowedOrigins,
        (QList<QByteArray> {"https://game.example.com", "http://localhost:8000"}));
}

void TestOpsFlags::allowedOriginsFromEnvironment()
{
    const OptionsResult r = parse({}, {u"PAIRMATCH_ALLOWED_ORIGINS=https://a.example"_s});
    QCOMPARE(r.options.config.allowedOrigins, QList<QByteArray> {"https://a.example"});
    const OptionsResult flagWins = parse({u"--allowed-origins"_s, u"https://b.example"_s},
        {u"PAIRMATCH_ALLOWED_ORIGINS=https://a.example"_s});
    QCOMPARE(flagWins.options.config.allowedOrigins, QList<QByteArray> {"https://b.example"});
}

void TestOpsFlags::switchesAndNumbers()
{
    const OptionsResult r = parse({u"--require-origin"_s, u"--max-connections-per-ip"_s, u"8"_s,
        u"--metrics-port"_s, u"0"_s, u"--metrics-host"_s, u"0.0.0.0"_s});
    QCOMPARE(r.action, OptionsResult::Action::Run);
    QVERIFY(r.options.config.requireOrigin);
    QCOMPARE(r.options.config.maxConnectionsPerIp, 8);
    QCOMPARE(r.options.config.metricsPort, 0);
    QCOMPARE(r.options.config.metricsHost, u"0.0.0.0"_s);
    const OptionsResult env = parse({},
        {u"PAIRMATCH_REQUIRE_ORIGIN=1"_s, u"PAIRMATCH_MAX_CONNECTIONS_PER_IP=3"_s,
            u"PAIRMATCH_METRICS_PORT=9100"_s});
    QVERIFY(env.options.config.requireOrigin);
    QCOMPARE(env.options.config.maxConnectionsPerIp, 3);
    QCOMPARE(env.options.config.metricsPort, 9100);
}

void TestOpsFlags::logFlags()
{
    const OptionsResult r = parse({u"--log-format"_s, u"json"_s, u"--log-level"_s, u"warning"_s});
    QCOMPARE(r.options.logFormat, LogFormat::Json);
    QCOMPARE(r.options.logLevel, LogLevel::Warning);
    const OptionsResult env
        = parse({}, {u"PAIRMATCH_LOG_FORMAT=json"_s, u"PAIRMATCH_LOG_LEVEL=debug"_s});
    QCOMPARE(env.options.logFormat, LogFormat::Json);
    QCOMPARE(env.options.logLevel, LogLevel::Debug);
}

void TestOpsFlags::badValue_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("named");

    QTest::newRow("origin without scheme")
        << QStringList {u"--allowed-origins"_s, u"game.example.com"_s} << QStringList()
        << u"--allowed-origins"_s;
    QTest::newRow("origin with a path")
        << QStringList {u"--allowed-origins"_s, u"https://a.example/x"_s} << QStringList()
        << u"--allowed-origins"_s;
    QTest::newRow("no origin at all")
        << QStringList {u"--allowed-origins"_s, u","_s} << QStringList() << u"--allowed-origins"_s;
    QTest::newRow("origin from the environment")
        << QStringList() << QStringList {u"PAIRMATCH_ALLOWED_ORIGINS=null"_s}
        << u"PAIRMATCH_ALLOWED_ORIGINS"_s;
    QTest::newRow("per-ip -1") << QStringList {u"--max-connections-per-ip"_s, u"-1"_s}
                               << QStringList() << u"--max-connections-per-ip"_s;
    QTest::newRow("per-ip abc") << QStringList()
                                << QStringList {u"PAIRMATCH_MAX_CONNECTIONS_PER_IP=abc"_s}
                                << u"PAIRMATCH_MAX_CONNECTIONS_PER_IP"_s;
    QTest::newRow("metrics-port 70000")
        << QStringList {u"--metrics-port"_s, u"70000"_s} << QStringList() << u"--metrics-port"_s;
    QTest::newRow("metrics-host nonsense")
        << QStringList {u"--metrics-host"_s, u"nonsense"_s} << QStringList() << u"--metrics-host"_s;
    QTest::newRow("log-format xml")
        << QStringList {u"--log-format"_s, u"xml"_s} << QStringList() << u"--log-format"_s;
    QTest::newRow("log-level loud")
        << QStringList() << QStringList {u"PAIRMATCH_LOG_LEVEL=loud"_s} << u"PAIRMATCH_LOG_LEVEL"_s;
    QTest::newRow("require-origin maybe")
        << QStringList() << QStringList {u"PAIRMATCH_REQUIRE_ORIGIN=maybe"_s}
        << u"PAIRMATCH_REQUIRE_ORIGIN"_s;
}

void TestOpsFlags::badValue()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, environment);
    QFETCH(QString, named);
    const OptionsResult r = parse(arguments, environment);
    QCOMPARE(r.action, OptionsResult::Action::Error);
    QVERIFY2(r.text.contains(named), qPrintable(r.text));
    QVERIFY2(!r.text.contains(u'\n'), qPrintable(r.text));
}

// The man page is made from optionDocs(): every flag --help shows is in it, with its
// variable, and nothing else.
void TestOpsFlags::docsListEveryHelpFlag()
{
    const QString help = parse({u"--help"_s}).text;
    const std::vector<OptionDoc> docs = optionDocs();
    QVERIFY(docs.size() > 20);
    qsizetype flagsInHelp = 0;
    for (const QString &line : help.split(u'\n')) {
        if (line.trimmed().startsWith(u"--"_s))
            ++flagsInHelp;
    }
    QCOMPARE(flagsInHelp, qsizetype(docs.size()) + 1); // and --version (--help is "-h, --help")
    for (const OptionDoc &d : docs) {
        QVERIFY2(help.contains(u"--"_s + d.name), qPrintable(d.name));
        QCOMPARE(d.environment, u"PAIRMATCH_"_s + d.name.toUpper().replace(u'-', u'_'));
        QVERIFY(!d.help.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestOpsFlags)
#include "tst_opsflags.moc"
