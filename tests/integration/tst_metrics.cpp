// GET /metrics after a scripted session (issue 13): a dead peer, two refused handshakes, a
// match played to `end` with three moves, a `none`, an `invalid`, an operator's expiry and
// kick, a takeover, five errors and a waiting player. Every counter holds exactly what the
// script did, the gauges what is left, and `promtool check metrics` accepts the text. The
// real server on a FakeClock (no waiting for timeouts), scraped over HTTP on the
// --metrics-port listener as main.cpp builds it. Also /healthz and /readyz through a drain.
#include "httpget.h"
#include "opsendpoints.h"
#include "pairsetup.h"
#include "playerchecks.h"
#include "rawwsclient.h"
#include "testplayer.h"
#include "testserver.h"

#include "fakeclock.h"

#include <QProcess>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

constexpr Millis kPrepareTimeoutMs = 1000;

ServerConfig sessionConfig()
{
    ServerConfig c = TestServer::defaultConfig();
    c.prepareTimeoutMs = kPrepareTimeoutMs;
    c.allowedOrigins = {"https://game.example"};
    c.metricsPort = 0;
    return c;
}

// The id the server gives the session of this player (from the operators' snapshot).
quint64 sessionIdOf(TestServer &server, TestPlayer &player)
{
    const QString remote = remoteOf(player);
    for (const SessionInfo &s : server.core().view().snapshot().sessions) {
        if (s.remote == remote)
            return s.id;
    }
    return 0;
}

// A WebSocket upgrade of path with this Origin header, by hand; the response's status.
int upgradeWithOrigin(quint16 port, const QByteArray &path, const QByteArray &origin)
{
    QByteArray request = upgradeRequest(path);
    request.insert(request.size() - 2, "Origin: " + origin + "\r\n");
    return httpExchange(port, request).status();
}

QString closeMatching(PairSetup &pair)
{
    pair.waiterMatching.close();
    pair.newcomerMatching.close();
    if (!pair.waiterMatching.waitClosed() || !pair.newcomerMatching.waitClosed())
        return u"a matching connection did not close"_s;
    return {};
}

// `promtool check metrics` on text: empty when it accepts it, else what it said.
QString promtoolCheck(const QByteArray &text)
{
    QProcess promtool;
    promtool.start(QStringLiteral(PAIRMATCH_PROMTOOL), {u"check"_s, u"metrics"_s});
    if (!promtool.waitForStarted())
        return u"promtool did not start: "_s + promtool.errorString();
    promtool.write(text);
    promtool.closeWriteChannel();
    if (!promtool.waitForFinished(30'000))
        return u"promtool did not finish"_s;
    if (promtool.exitStatus() != QProcess::NormalExit || promtool.exitCode() != 0) {
        return u"promtool check metrics failed (%1): %2 %3"_s.arg(promtool.exitCode())
            .arg(QString::fromUtf8(promtool.readAllStandardOutput()),
                QString::fromUtf8(promtool.readAllStandardError()));
    }
    return {};
}

} // namespace

class TestMetrics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptedSessionCountsExactly();
    void healthAndReadinessThroughDrain();
    void onlyGetAndHeadOnTheEndpoints();
};

void TestMetrics::scriptedSessionCountsExactly()
{
    FakeClock clock;
    const ServerConfig config = sessionConfig();
    TestServer server(config, clock);
    QVERIFY(server.isListening());
    const OpsEndpoints ops(server.core(), &server.listener());
    const std::unique_ptr<WsServer> metrics = makeMetricsListener(server.core(), config, ops);
    QVERIFY2(metrics->listen(), qPrintable(metrics->errorString()));

    // 1. a dead peer: pinged after 20 s, unanswered for 10 s more: closed with 1001
    RawWsClient dead;
    QVERIFY(dead.open(server.port(), "/ws/matching/1"));
    PM_OK(waitConnectionCount(server, 1));
    clock.advance(config.pingIntervalMs);
    QVERIFY(dead.waitForPings(1));
    clock.advance(config.pingTimeoutMs);
    QVERIFY(dead.waitForCloseFrame());
    QCOMPARE(dead.closeCode(), 1001);
    PM_OK(waitConnectionCount(server, 0));

    // 2. refused handshakes: an unknown path (404), an origin not allowed (403); an allowed
    // origin is let in (and counted as a connection opened, then closed by us)
    QCOMPARE(httpExchange(server.port(), upgradeRequest("/nowhere")).status(), 404);
    QCOMPARE(upgradeWithOrigin(server.port(), "/ws/matching/1", "https://evil.example"), 403);

    // 3. a match, three moves, `end`
    PairSetup ended(server, 2, u"alice"_s, u"bob"_s);
    PM_OK(ended.start());
    PM_OK(closeMatching(ended));
    PM_OK(ended.move(true, 1));
    PM_OK(ended.move(false, 2));
    PM_OK(ended.move(true, 3));
    ended.waiterRound.end();
    PM_OK(expectMessage(ended.waiterRound, message(u"ended"_s)));
    // a move after `end`: error `ended`
    ended.newcomerRound.game(4);
    PM_OK(expectError(ended.newcomerRound, u"ended"_s));

    // 4. none: a player leaves a started pair
    PairSetup none(server, 3, u"carol"_s, u"dave"_s);
    PM_OK(none.start());
    PM_OK(closeMatching(none));
    none.newcomerRound.close();
    PM_OK(expectMessage(none.waiterRound, message(u"none"_s)));

    // 5. invalid: the opponent never arrives within the prepare timeout
    PairSetup invalid(server, 4, u"erin"_s, u"frank"_s);
    PM_OK(invalid.match());
    PM_OK(closeMatching(invalid));
    PM_OK(invalid.seatWaiter());
    clock.advance(kPrepareTimeoutMs);
    PM_OK(expectMessage(invalid.waiterRound, message(u"invalid"_s)));
    PM_OK(expectClosed(invalid.waiterRound, 1000));

    // 6. expired: an operator fires the prepare timeout early
    PairSetup expired(server, 5, u"gina"_s, u"hank"_s);
    PM_OK(expired.match());
    PM_OK(closeMatching(expired));
    PM_OK(expired.seatWaiter());
    QString why;
    QVERIFY2(server.core().expire(expired.pairId, &why), qPrintable(why));
    PM_OK(expectMessage(expired.waiterRound, message(u"invalid"_s)));
    PM_OK(expectClosed(expired.waiterRound, 1000));

    // 7. kicked: an operator kicks a seated player of a started pair; the other gets `none`
    PairSetup kicked(server, 6, u"ivan"_s, u"judy"_s);
    PM_OK(kicked.start());
    PM_OK(closeMatching(kicked));
    const quint64 kickedId = sessionIdOf(server, kicked.waiterRound);
    QVERIFY(kickedId);
    QVERIFY2(server.core().kick(kickedId, &why), qPrintable(why));
    PM_OK(expectClosed(kicked.waiterRound, 4000));
    PM_OK(expectMessage(kicked.newcomerRound, message(u"none"_s)));

    // 8. a takeover: the waiter comes back on a new connection with its token
    PairSetup takeover(server, 7, u"kim"_s, u"lee"_s);
    PM_OK(takeover.start());
    PM_OK(closeMatching(takeover));
    TestPlayer back;
    PM_OK(takeover.openRound(back));
    takeover.preparedAsWaiter(back);
    PM_OK(expectCommand(back, u"start"_s));
    PM_OK(expectClosed(takeover.waiterRound, 4001));

    // 9. errors, and a player left waiting in type 9
    TestPlayer waiting;
    QVERIFY(waiting.open(server.matchingUrl(9)));
    waiting.entry(u"zed"_s);
    PM_OK(expectMessage(waiting, message(u"entried"_s)));
    waiting.sendText(u"not json"_s);
    PM_OK(expectError(waiting, u"bad_json"_s));
    waiting.entry(u"zed"_s);
    PM_OK(expectError(waiting, u"already_queued"_s));
    waiting.sendBinary("\x01");
    PM_OK(expectError(waiting, u"bad_frame"_s));
    TestPlayer idle;
    QVERIFY(idle.open(server.matchingUrl(10)));
    idle.send({{u"command"_s, u"cancel"_s}});
    PM_OK(expectError(idle, u"not_queued"_s));

    // left open: matching: waiting, idle; round: ended 2, none 1, kicked 1, takeover 2
    PM_OK(waitConnectionCount(server, 8));

    const HttpGetResult scrape = httpGet(metrics->port(), "/metrics");
    QCOMPARE(scrape.status, 200);
    QCOMPARE(scrape.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    QVERIFY(scrape.closedByServer);
    const QHash<QByteArray, QByteArray> m = metricSamples(scrape.body);

    const QList<std::pair<QByteArray, QByteArray>> expected {
        // counters
        {"pairmatch_connections_opened_total{endpoint=\"matching\"}", "15"},
        {"pairmatch_connections_opened_total{endpoint=\"round\"}", "11"},
        {"pairmatch_handshakes_refused_total{status=\"403\"}", "1"},
        {"pairmatch_handshakes_refused_total{status=\"404\"}", "1"},
        {"pairmatch_matches_total", "6"},
        {"pairmatch_pairs_over_total{outcome=\"ended\"}", "1"},
        {"pairmatch_pairs_over_total{outcome=\"none\"}", "1"},
        {"pairmatch_pairs_over_total{outcome=\"invalid\"}", "1"},
        {"pairmatch_pairs_over_total{outcome=\"expired\"}", "1"},
        {"pairmatch_pairs_over_total{outcome=\"kicked\"}", "1"},
        {"pairmatch_moves_total", "3"},
        {"pairmatch_errors_sent_total{code=\"bad_json\"}", "1"},
        {"pairmatch_errors_sent_total{code=\"bad_frame\"}", "1"},
        {"pairmatch_errors_sent_total{code=\"already_queued\"}", "1"},
        {"pairmatch_errors_sent_total{code=\"not_queued\"}", "1"},
        {"pairmatch_errors_sent_total{code=\"ended\"}", "1"},
        {"pairmatch_errors_sent_total{code=\"unknown_command\"}", "0"},
        {"pairmatch_errors_sent_total{code=\"draining\"}", "0"},
        {"pairmatch_forced_disconnects_total{code=\"1000\"}", "2"},
        {"pairmatch_forced_disconnects_total{code=\"1001\"}", "1"},
        {"pairmatch_forced_disconnects_total{code=\"1008\"}", "0"},
        {"pairmatch_forced_disconnects_total{code=\"4000\"}", "1"},
        {"pairmatch_forced_disconnects_total{code=\"4001\"}", "1"},
        {"pairmatch_takeovers_total", "1"},
        {"pairmatch_dead_peers_total", "1"},
        {"pairmatch_move_duration_seconds_count", "3"},
        {"pairmatch_move_duration_seconds_bucket{le=\"+Inf\"}", "3"},
        // gauges
        {"pairmatch_connections{endpoint=\"matching\"}", "2"},
        {"pairmatch_connections{endpoint=\"round\"}", "6"},
        {"pairmatch_players_waiting{type=\"9\"}", "1"},
        {"pairmatch_pairs{state=\"issued\"}", "0"},
        {"pairmatch_pairs{state=\"waiting\"}", "0"},
        {"pairmatch_pairs{state=\"started\"}", "1"},
        {"pairmatch_pairs{state=\"ended\"}", "1"},
        {"pairmatch_pairs{state=\"over\"}", "2"},
        {"pairmatch_handshakes_pending", "0"},
        {"pairmatch_draining", "0"},
        {"pairmatch_shutting_down", "0"},
    };
    for (const auto &[name, value] : expected) {
        QVERIFY2(m.contains(name), qPrintable(u"no sample "_s + QString::fromUtf8(name)));
        QVERIFY2(m.value(name) == value,
            qPrintable(u"%1 is %2, expected %3"_s.arg(QString::fromUtf8(name),
                QString::fromUtf8(m.value(name)), QString::fromUtf8(value))));
    }
    // the refusals are the only ones: no other status was counted
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        if (it.key().startsWith("pairmatch_handshakes_refused_total")) {
            QVERIFY2(it.key().contains("403") || it.key().contains("404"), it.key().constData());
        }
    }
    QVERIFY(m.contains("process_cpu_seconds_total"));
    QVERIFY(m.value("process_resident_memory_bytes").toLongLong() > 0);
    QVERIFY(m.value("process_open_fds").toLongLong() > 8);

    if (QStringLiteral(PAIRMATCH_PROMTOOL).isEmpty())
        QSKIP("promtool not found at configure time (Debian: prometheus); counters checked");
    PM_OK(promtoolCheck(scrape.body));
}

void TestMetrics::healthAndReadinessThroughDrain()
{
    ServerConfig config = TestServer::defaultConfig();
    config.metricsPort = 0;
    TestServer server(config);
    QVERIFY(server.isListening());
    const OpsEndpoints ops(server.core(), &server.listener());
    const std::unique_ptr<WsServer> metrics = makeMetricsListener(server.core(), config, ops);
    QVERIFY2(metrics->listen(), qPrintable(metrics->errorString()));

    HttpGetResult r = httpGet(metrics->port(), "/healthz");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("ok\n"));
    r = httpGet(metrics->port(), "/readyz");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("ready\n"));

    server.core().setDraining(true);
    r = httpGet(metrics->port(), "/readyz");
    QCOMPARE(r.status, 503);
    QCOMPARE(r.body, QByteArray("draining\n"));
    QCOMPARE(httpGet(metrics->port(), "/healthz").status, 200);
    QCOMPARE(metricSamples(httpGet(metrics->port(), "/metrics").body).value("pairmatch_draining"),
        QByteArray("1"));

    server.core().setDraining(false);
    QCOMPARE(httpGet(metrics->port(), "/readyz").status, 200);

    server.core().shutdown();
    r = httpGet(metrics->port(), "/readyz");
    QCOMPARE(r.status, 503);
    QCOMPARE(r.body, QByteArray("shutting down\n"));
    QCOMPARE(httpGet(metrics->port(), "/healthz").status, 200);
}

void TestMetrics::onlyGetAndHeadOnTheEndpoints()
{
    ServerConfig config = TestServer::defaultConfig();
    config.metricsPort = 0;
    TestServer server(config);
    const OpsEndpoints ops(server.core(), &server.listener());
    const std::unique_ptr<WsServer> metrics = makeMetricsListener(server.core(), config, ops);
    QVERIFY(metrics->listen());

    const HttpGetResult head = httpGet(metrics->port(), "/metrics", "HEAD");
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    QVERIFY(head.header("Content-Length").toInt() > 1000); // what GET would send
    const HttpGetResult post = httpGet(metrics->port(), "/readyz", "POST");
    QCOMPARE(post.status, 405);
    QCOMPARE(post.header("Allow"), QByteArray("GET, HEAD"));
    QCOMPARE(httpGet(metrics->port(), "/").status, 404);
    QCOMPARE(httpGet(metrics->port(), "/admin").status, 404);
    QCOMPARE(httpGet(metrics->port(), "/metrics?x=1").status, 200);
    // the players' port serves none of them
    QCOMPARE(httpGet(server.port(), "/metrics").status, 404);
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
