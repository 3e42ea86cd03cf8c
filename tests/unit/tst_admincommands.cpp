// The admin API's command codec (admincommands.h): every command and every answer survives
// the trip to JSON text and back, its wire form is the one docs/admin-api.md gives, and every
// malformed command gets the error the server sends for it.
#include "admincommands.h"
#include "jsontext.h"

#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

using Kind = AdminCommand::Kind;
using Code = AdminError::Code;

// The answer of a server whose history is off (what HistoryRequests::offAnswer sends).
HistoryAnswer historyOff(const HistoryQuery &query)
{
    HistoryAnswer answer;
    answer.page.query = query;
    answer.page.error = QString(kHistoryOffError);
    return answer;
}

} // namespace

class TestAdminCommands final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commandNames();
    void errorCodeNames();
    void factories();
    void commandRoundTrip_data();
    void commandRoundTrip();
    void resultRoundTrip_data();
    void resultRoundTrip();
    void errorRoundTrip_data();
    void errorRoundTrip();
    void malformedCommand_data();
    void malformedCommand();
    void malformedCommandObject();
    void malformedResult_data();
    void malformedResult();
    void malformedError_data();
    void malformedError();
    void otherMessagesAreNoAnswer();
    void historyAnswerRoundTrip_data();
    void historyAnswerRoundTrip();
    void malformedHistoryAnswer_data();
    void malformedHistoryAnswer();
};

void TestAdminCommands::commandNames()
{
    const QStringList expected {
        u"kick"_s, u"expire"_s, u"drain"_s, u"undrain"_s, u"snapshot"_s, u"history"_s};
    QCOMPARE(kAdminCommandKindCount, expected.size());
    for (int k = 0; k < kAdminCommandKindCount; ++k) {
        QCOMPARE(QString(adminCommandName(Kind(k))), expected.at(k));
        QCOMPARE(adminCommandKindFromName(expected.at(k)), std::optional(Kind(k)));
    }
    QVERIFY(!adminCommandKindFromName(u"Kick"));
    QVERIFY(!adminCommandKindFromName(u""));
    QVERIFY(!adminCommandKindFromName(u"result"));
}

void TestAdminCommands::errorCodeNames()
{
    const QStringList expected {u"bad_json"_s, u"bad_request"_s, u"unknown_command"_s};
    QCOMPARE(kAdminErrorCodeCount, expected.size());
    for (int c = 0; c < kAdminErrorCodeCount; ++c)
        QCOMPARE(QString(adminErrorCodeName(Code(c))), expected.at(c));
}

void TestAdminCommands::factories()
{
    QCOMPARE(AdminCommand::kick(17), (AdminCommand {Kind::Kick, 17, {}, {}}));
    QCOMPARE(AdminCommand::expire(u"p1"_s), (AdminCommand {Kind::Expire, 0, u"p1"_s, {}}));
    QCOMPARE(AdminCommand::drain(true), (AdminCommand {Kind::Drain, 0, {}, {}}));
    QCOMPARE(AdminCommand::drain(false), (AdminCommand {Kind::Undrain, 0, {}, {}}));
    QCOMPARE(AdminCommand::snapshot(), (AdminCommand {Kind::Snapshot, 0, {}, {}}));
    const HistoryQuery query {"alice", {}, 50, 25, true};
    QCOMPARE(AdminCommand::history(query), (AdminCommand {Kind::History, 0, {}, query}));
}

void TestAdminCommands::commandRoundTrip_data()
{
    QTest::addColumn<AdminCommand>("command");
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("kick") << AdminCommand::kick(17)
                          << QByteArray(R"({"command":"kick","sessionId":17})");
    QTest::newRow("kick 1") << AdminCommand::kick(1)
                            << QByteArray(R"({"command":"kick","sessionId":1})");
    QTest::newRow("kick 2^53") << AdminCommand::kick(9007199254740992ULL)
                               << QByteArray(R"({"command":"kick","sessionId":9007199254740992})");
    QTest::newRow("expire") << AdminCommand::expire(u"Zk3_-q9"_s)
                            << QByteArray(R"({"command":"expire","pairId":"Zk3_-q9"})");
    QTest::newRow("expire, quote and non-ASCII") << AdminCommand::expire(
        u"a\"b\u00e9"_s) << QByteArray("{\"command\":\"expire\",\"pairId\":\"a\\\"b\xc3\xa9\"}");
    QTest::newRow("drain") << AdminCommand::drain(true) << QByteArray(R"({"command":"drain"})");
    QTest::newRow("undrain") << AdminCommand::drain(false)
                             << QByteArray(R"({"command":"undrain"})");
    QTest::newRow("snapshot") << AdminCommand::snapshot()
                              << QByteArray(R"({"command":"snapshot"})");
    QTest::newRow("history, defaults") << AdminCommand::history(
        {}) << QByteArray(R"({"command":"history","limit":50,"offset":0,"withMoves":false})");
    QTest::newRow("history, every field")
        << AdminCommand::history({"al\xc3\xa9", "Zk3_-q9", 400, 200, true})
        << QByteArray("{\"command\":\"history\",\"limit\":200,\"offset\":400,"
                      "\"pairId\":\"Zk3_-q9\",\"userId\":\"al\xc3\xa9\",\"withMoves\":true}");
}

void TestAdminCommands::commandRoundTrip()
{
    QFETCH(AdminCommand, command);
    QFETCH(QByteArray, wire);

    QCOMPARE(compactJson(toJson(command)), wire);
    AdminCommand back = AdminCommand::kick(99); // overwritten
    AdminError error {Code::UnknownCommand, u"untouched"_s};
    QVERIFY(parseAdminCommand(wire, back, error));
    QCOMPARE(back, command);
    QCOMPARE(error, (AdminError {Code::UnknownCommand, u"untouched"_s}));
    AdminCommand fromObject;
    QVERIFY(fromJson(jsonObject(wire), fromObject));
    QCOMPARE(fromObject, command);
}

void TestAdminCommands::resultRoundTrip_data()
{
    QTest::addColumn<AdminResult>("result");

    // every action, done and not done
    for (int k = 0; k < kAdminCommandKindCount; ++k) {
        if (Kind(k) == Kind::Snapshot || Kind(k) == Kind::History)
            continue; // answered with a snapshot or a history page, not a result
        for (const bool ok : {true, false}) {
            QTest::addRow("%s %s", adminCommandName(Kind(k)).data(), ok ? "ok" : "not ok")
                << AdminResult {Kind(k), ok, u"what %1 did"_s.arg(k)};
        }
    }
    QTest::newRow("no message") << AdminResult {Kind::Drain, true, {}};
    QTest::newRow("quotes and non-ASCII")
        << AdminResult {Kind::Expire, false, u"no pair \"\u00e9\u00e9\" \U0001F600"_s};
}

void TestAdminCommands::resultRoundTrip()
{
    QFETCH(AdminResult, result);
    const QByteArray wire = compactJson(toJson(result));
    const QJsonObject o = jsonObject(wire);
    QCOMPARE(o.value("command"_L1).toString(), u"result"_s);
    QCOMPARE(o.value("action"_L1).toString(), QString(adminCommandName(result.action)));
    QCOMPARE(o.value("ok"_L1), QJsonValue(result.ok));
    QCOMPARE(o.value("message"_L1).toString(), result.message);
    QCOMPARE(o.size(), 4);
    AdminResult back;
    QVERIFY(fromJson(o, back));
    QCOMPARE(back, result);
}

void TestAdminCommands::errorRoundTrip_data()
{
    QTest::addColumn<AdminError>("error");
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("bad_json") << AdminError {Code::BadJson,
        u"m1"_s} << QByteArray(R"({"code":"bad_json","command":"error","message":"m1"})");
    QTest::newRow("bad_request") << AdminError {Code::BadRequest,
        u"m2"_s} << QByteArray(R"({"code":"bad_request","command":"error","message":"m2"})");
    QTest::newRow("unknown_command") << AdminError {Code::UnknownCommand,
        u"m3"_s} << QByteArray(R"({"code":"unknown_command","command":"error","message":"m3"})");
}

void TestAdminCommands::errorRoundTrip()
{
    QFETCH(AdminError, error);
    QFETCH(QByteArray, wire);
    QCOMPARE(compactJson(toJson(error)), wire);
    AdminError back;
    QVERIFY(fromJson(jsonObject(wire), back));
    QCOMPARE(back, error);
}

void TestAdminCommands::malformedCommand_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<AdminError>("expected");

    const AdminError badJson {Code::BadJson, u"Send a JSON object with a string \"command\"."_s};
    const AdminError unknown {
        Code::UnknownCommand, u"Commands: kick, expire, drain, undrain, snapshot, history."_s};
    const AdminError badKick {
        Code::BadRequest, u"kick needs \"sessionId\": a session id (a positive integer)."_s};
    const AdminError badExpire {Code::BadRequest, u"expire needs a string \"pairId\"."_s};

    QTest::newRow("empty") << QByteArray() << badJson;
    QTest::newRow("not JSON") << QByteArray("hello") << badJson;
    QTest::newRow("truncated JSON") << QByteArray(R"({"command":"kick")") << badJson;
    QTest::newRow("array") << QByteArray(R"(["kick"])") << badJson;
    QTest::newRow("string") << QByteArray(R"("kick")") << badJson;
    QTest::newRow("empty object") << QByteArray("{}") << badJson;
    QTest::newRow("command not a string") << QByteArray(R"({"command":5})") << badJson;
    QTest::newRow("command null") << QByteArray(R"({"command":null})") << badJson;
    QTest::newRow("command an object") << QByteArray(R"({"command":{"kick":1}})") << badJson;
    QTest::newRow("empty command") << QByteArray(R"({"command":""})") << badJson;
    QTest::newRow("trailing garbage") << QByteArray(R"({"command":"drain"} x)") << badJson;

    QTest::newRow("unknown command") << QByteArray(R"({"command":"reboot"})") << unknown;
    QTest::newRow("player command") << QByteArray(R"({"command":"entry"})") << unknown;
    QTest::newRow("other case") << QByteArray(R"({"command":"Kick","sessionId":1})") << unknown;
    QTest::newRow("an answer") << QByteArray(R"({"command":"result"})") << unknown;
    QTest::newRow("updates") << QByteArray(R"({"command":"updates"})") << unknown;

    QTest::newRow("kick without id") << QByteArray(R"({"command":"kick"})") << badKick;
    QTest::newRow("kick, id a string")
        << QByteArray(R"({"command":"kick","sessionId":"1"})") << badKick;
    QTest::newRow("kick, id null")
        << QByteArray(R"({"command":"kick","sessionId":null})") << badKick;
    QTest::newRow("kick, id true")
        << QByteArray(R"({"command":"kick","sessionId":true})") << badKick;
    QTest::newRow("kick, id an array")
        << QByteArray(R"({"command":"kick","sessionId":[1]})") << badKick;
    QTest::newRow("kick, id 0") << QByteArray(R"({"command":"kick","sessionId":0})") << badKick;
    QTest::newRow("kick, id negative")
        << QByteArray(R"({"command":"kick","sessionId":-3})") << badKick;
    QTest::newRow("kick, id a fraction")
        << QByteArray(R"({"command":"kick","sessionId":1.5})") << badKick;
    QTest::newRow("kick, id over 2^53")
        << QByteArray(R"({"command":"kick","sessionId":9007199254740994})") << badKick;
    QTest::newRow("kick, id huge")
        << QByteArray(R"({"command":"kick","sessionId":1e300})") << badKick;
    QTest::newRow("kick, id in pairId")
        << QByteArray(R"({"command":"kick","pairId":"1"})") << badKick;

    QTest::newRow("expire without id") << QByteArray(R"({"command":"expire"})") << badExpire;
    QTest::newRow("expire, id a number")
        << QByteArray(R"({"command":"expire","pairId":7})") << badExpire;
    QTest::newRow("expire, id empty")
        << QByteArray(R"({"command":"expire","pairId":""})") << badExpire;
    QTest::newRow("expire, id null")
        << QByteArray(R"({"command":"expire","pairId":null})") << badExpire;
    QTest::newRow("expire, id an array")
        << QByteArray(R"({"command":"expire","pairId":["p"]})") << badExpire;

    const auto badHistory = [](const char *field, const char *rule) {
        return AdminError {Code::BadRequest,
            u"history: \"%1\" must be %2."_s.arg(
                QLatin1StringView(field), QLatin1StringView(rule))};
    };
    const AdminError badLimit = badHistory("limit", "an integer from 1 to 200");
    const AdminError badOffset = badHistory("offset", "an integer from 0 to 2147483647");
    QTest::newRow("history, limit 0")
        << QByteArray(R"({"command":"history","limit":0})") << badLimit;
    QTest::newRow("history, limit over the bound")
        << QByteArray(R"({"command":"history","limit":201})") << badLimit;
    QTest::newRow("history, limit a string")
        << QByteArray(R"({"command":"history","limit":"5"})") << badLimit;
    QTest::newRow("history, limit a fraction")
        << QByteArray(R"({"command":"history","limit":2.5})") << badLimit;
    QTest::newRow("history, offset negative")
        << QByteArray(R"({"command":"history","offset":-1})") << badOffset;
    QTest::newRow("history, offset null")
        << QByteArray(R"({"command":"history","offset":null})") << badOffset;
    QTest::newRow("history, userId a number")
        << QByteArray(R"({"command":"history","userId":7})") << badHistory("userId", "a string");
    QTest::newRow("history, pairId an array")
        << QByteArray(R"({"command":"history","pairId":["p"]})")
        << badHistory("pairId", "a string");
    QTest::newRow("history, withMoves a number") << QByteArray(
        R"({"command":"history","withMoves":1})") << badHistory("withMoves", "true or false");
    QTest::newRow("history, first bad field named")
        << QByteArray(R"({"command":"history","userId":1,"limit":0})")
        << badHistory("userId", "a string");
}

void TestAdminCommands::malformedCommand()
{
    QFETCH(QByteArray, input);
    QFETCH(AdminError, expected);

    const AdminCommand untouched = AdminCommand::expire(u"untouched"_s);
    AdminCommand command = untouched;
    AdminError error;
    QVERIFY(!parseAdminCommand(input, command, error));
    QCOMPARE(QString(adminErrorCodeName(error.code)), QString(adminErrorCodeName(expected.code)));
    QCOMPARE(error.message, expected.message);
    QCOMPARE(command, untouched);
}

void TestAdminCommands::malformedCommandObject()
{
    // fromJson on an object says the same as parseAdminCommand, and the error is optional
    AdminCommand command;
    AdminError error;
    QVERIFY(!fromJson(QJsonObject {{u"command"_s, u"kick"_s}}, command, &error));
    QCOMPARE(error.code, Code::BadRequest);
    QVERIFY(!fromJson(QJsonObject {{u"command"_s, u"kick"_s}}, command));
    QVERIFY(!fromJson(QJsonObject {}, command, &error));
    QCOMPARE(error.code, Code::BadJson);
    // fields a command does not take are ignored
    QVERIFY(fromJson(
        QJsonObject {{u"command"_s, u"drain"_s}, {u"sessionId"_s, 3}, {u"pairId"_s, u"p"_s}},
        command));
    QCOMPARE(command, AdminCommand::drain(true));
    QVERIFY(fromJson(
        QJsonObject {{u"command"_s, u"kick"_s}, {u"sessionId"_s, 3}, {u"pairId"_s, u"p"_s}},
        command));
    QCOMPARE(command, AdminCommand::kick(3));
    // a whole number written as a double is a session id
    QVERIFY(parseAdminCommand(R"({"command":"kick","sessionId":3.0})", command, error));
    QCOMPARE(command, AdminCommand::kick(3));
    QVERIFY(parseAdminCommand(R"({"command":"kick","sessionId":1e3})", command, error));
    QCOMPARE(command, AdminCommand::kick(1000));
}

void TestAdminCommands::malformedResult_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("another command")
        << QByteArray(R"({"command":"error","action":"kick","ok":true,"message":""})");
    QTest::newRow("no action") << QByteArray(R"({"command":"result","ok":true,"message":""})");
    QTest::newRow("unknown action")
        << QByteArray(R"({"command":"result","action":"reboot","ok":true,"message":""})");
    QTest::newRow("history is no action")
        << QByteArray(R"({"command":"result","action":"history","ok":true,"message":""})");
    QTest::newRow("snapshot is no action")
        << QByteArray(R"({"command":"result","action":"snapshot","ok":true,"message":""})");
    QTest::newRow("no ok") << QByteArray(R"({"command":"result","action":"kick","message":""})");
    QTest::newRow("ok a string") << QByteArray(
        R"({"command":"result","action":"kick","ok":"true","message":""})");
    QTest::newRow("ok a number") << QByteArray(
        R"({"command":"result","action":"kick","ok":1,"message":""})");
}

void TestAdminCommands::malformedResult()
{
    QFETCH(QByteArray, input);
    const AdminResult untouched {Kind::Undrain, true, u"untouched"_s};
    AdminResult result = untouched;
    QVERIFY(!fromJson(jsonObject(input), result));
    QCOMPARE(result, untouched);
}

void TestAdminCommands::malformedError_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("another command")
        << QByteArray(R"({"command":"result","code":"bad_json","message":""})");
    QTest::newRow("no code") << QByteArray(R"({"command":"error","message":""})");
    QTest::newRow("unknown code") << QByteArray(
        R"({"command":"error","code":"bad_frame","message":""})");
    QTest::newRow("code a number") << QByteArray(R"({"command":"error","code":0,"message":""})");
}

void TestAdminCommands::malformedError()
{
    QFETCH(QByteArray, input);
    const AdminError untouched {Code::UnknownCommand, u"untouched"_s};
    AdminError error = untouched;
    QVERIFY(!fromJson(jsonObject(input), error));
    QCOMPARE(error, untouched);
}

void TestAdminCommands::otherMessagesAreNoAnswer()
{
    // what a client reads: a snapshot or an update batch is neither a result nor an error
    AdminResult result;
    AdminError error;
    for (const char *json : {R"({"command":"snapshot","seq":1})",
             R"({"command":"updates","updates":[]})", R"({"command":"kick","sessionId":1})"}) {
        QVERIFY2(!fromJson(jsonObject(json), result), json);
        QVERIFY2(!fromJson(jsonObject(json), error), json);
    }
}

void TestAdminCommands::historyAnswerRoundTrip_data()
{
    QTest::addColumn<HistoryAnswer>("answer");

    MatchRecord game;
    game.pairId = "Zk3_-q9";
    game.type = 3;
    game.userIds = {"alice", "bob"};
    game.users = {R"({"userId":"alice"})", R"({"userId":"bob"})"};
    game.seed = 42;
    game.issuedAtMs = 1795900000000;
    game.startedAtMs = 1795900001000;
    game.overAtMs = 1795900009000;
    game.outcome = MatchOutcome::Ended;
    game.by = 1;
    game.moveCount = 2;
    game.seenSeq = {2, 2};
    game.moves = {R"({"command":"game","data":"e4","seq":1,"userId":"alice"})",
        R"({"command":"game","data":"e5","seq":2,"userId":"bob"})"};

    HistoryAnswer page;
    page.page.query = {"alice", {}, 0, 1, true};
    page.page.rows = {game};
    page.page.more = true;
    page.counters = HistoryCounters {17, 2, u"disk I/O error"_s};
    QTest::newRow("a page with moves and counters") << page;

    QTest::newRow("history off") << historyOff({"bob", {}, 50, 20, false});

    HistoryAnswer empty;
    empty.counters = HistoryCounters {};
    QTest::newRow("an empty page, nothing written yet") << empty;
}

void TestAdminCommands::historyAnswerRoundTrip()
{
    QFETCH(HistoryAnswer, answer);
    const QJsonObject o = jsonObject(compactJson(toJson(answer)));
    QCOMPARE(o.value("command"_L1).toString(), u"history"_s);
    QCOMPARE(o.contains("counters"_L1), answer.counters.has_value());
    QCOMPARE(o.value("error"_L1).toString(), answer.page.error);
    HistoryAnswer back;
    QVERIFY(fromJson(o, back));
    QCOMPARE(back, answer);
    // what a client reads: the answer is neither a result nor an error
    AdminResult result;
    AdminError error;
    QVERIFY(!fromJson(o, result));
    QVERIFY(!fromJson(o, error));
}

void TestAdminCommands::malformedHistoryAnswer_data()
{
    QTest::addColumn<QByteArray>("input");

    const QByteArray query = R"("query":{"limit":50,"offset":0,"withMoves":false})";
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("another command")
        << QByteArray(R"({"command":"result",)" + query + R"(,"rows":[],"more":false})");
    QTest::newRow("no rows") << QByteArray(
        R"({"command":"history",)" + query + R"(,"more":false})");
    QTest::newRow("a malformed row") << QByteArray(
        R"({"command":"history",)" + query + R"(,"rows":[{"pairId":""}],"more":false})");
    QTest::newRow("counters not an object") << QByteArray(
        R"({"command":"history",)" + query + R"(,"rows":[],"more":false,"counters":3})");
    QTest::newRow("counters, written negative") << QByteArray(R"({"command":"history",)" + query
        + R"(,"rows":[],"more":false,"counters":{"written":-1,"failed":0,"lastError":""}})");
    QTest::newRow("counters, no lastError") << QByteArray(R"({"command":"history",)" + query
        + R"(,"rows":[],"more":false,"counters":{"written":1,"failed":0}})");
}

void TestAdminCommands::malformedHistoryAnswer()
{
    QFETCH(QByteArray, input);
    HistoryAnswer untouched;
    untouched.page.error = u"untouched"_s;
    HistoryAnswer answer = untouched;
    QVERIFY(!fromJson(jsonObject(input), answer));
    QCOMPARE(answer, untouched);
}

QTEST_GUILESS_MAIN(TestAdminCommands)
#include "tst_admincommands.moc"
