// pairmatch-cli's script language (shared/client/cli/script.h), pure: one row per step form
// and per malformed line, and the field matching of `expect`.
#include "script.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace pairmatch::cli;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Step::Kind)

class TestScript final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void steps_data();
    void steps();
    void malformed_data();
    void malformed();
    void serverFlagsAndComments();
    void fieldsAndValues();
    void matching_data();
    void matching();
};

void TestScript::steps_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<Step::Kind>("kind");
    QTest::addColumn<QString>("detail"); // what the step carries, compactly
    using K = Step::Kind;
    QTest::newRow("enter") << u"alice enter 3"_s << K::Enter << u"3 {\"userId\":\"alice\"}"_s;
    QTest::newRow("enter with user") << u"alice enter 3 {\"userId\": \"al\", \"name\": \"A l\"}"_s
                                     << K::Enter << u"3 {\"name\":\"A l\",\"userId\":\"al\"}"_s;
    QTest::newRow("enter-only") << u"bob enter-only 0"_s << K::EnterOnly
                                << u"0 {\"userId\":\"bob\"}"_s;
    QTest::newRow("join") << u"bob join"_s << K::Join << QString();
    QTest::newRow("takeover") << u"alice2 takeover alice"_s << K::Takeover << u"alice"_s;
    QTest::newRow("move object") << u"a move {\"card\": 12}"_s << K::Move << u"{\"card\":12}"_s;
    QTest::newRow("move string") << u"a move \"x y\""_s << K::Move << u"\"x y\""_s;
    QTest::newRow("move number") << u"a move 7"_s << K::Move << u"7"_s;
    QTest::newRow("end") << u"a end"_s << K::End << QString();
    QTest::newRow("cancel") << u"a cancel"_s << K::Cancel << QString();
    QTest::newRow("close") << u"a close"_s << K::Close << QString();
    QTest::newRow("kill") << u"a kill"_s << K::Kill << QString();
    QTest::newRow("send") << u"a send {\"command\": \"bogus\"}"_s << K::Send
                          << u"{\"command\": \"bogus\"}"_s;
    QTest::newRow("flood") << u"a flood 60 {\"command\":\"x\"}"_s << K::Flood
                           << u"60 {\"command\":\"x\"}"_s;
    QTest::newRow("send-size") << u"a send-size 70000"_s << K::SendSize << u"70000"_s;
    QTest::newRow("reconnect") << u"a reconnect 3"_s << K::Reconnect << u"3"_s;
    QTest::newRow("expect") << u"a expect entried"_s << K::Expect << u"entried -1"_s;
    QTest::newRow("expect within")
        << u"a expect invalid within 5000"_s << K::Expect << u"invalid 5000"_s;
    QTest::newRow("wait-for") << u"a wait-for error code=rate_limited"_s << K::WaitFor
                              << u"error -1"_s;
    QTest::newRow("expect-close") << u"a expect-close 4001"_s << K::ExpectClose << u"4001"_s;
    QTest::newRow("silent") << u"a silent 300"_s << K::Silent << u"300"_s;
    QTest::newRow("sleep") << u"sleep 10"_s << K::Sleep << u"10"_s;
}

void TestScript::steps()
{
    QFETCH(QString, line);
    QFETCH(Step::Kind, kind);
    QFETCH(QString, detail);
    const ScriptParse parsed = parseScript(line);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QCOMPARE(parsed.script.steps.size(), 1);
    const Step &s = parsed.script.steps.first();
    QCOMPARE(s.kind, kind);
    QCOMPARE(s.line, 1);
    QCOMPARE(s.source, line);
    const auto json = [](const QJsonValue &v) {
        const QByteArray t = QJsonDocument(QJsonArray {v}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(t.sliced(1, t.size() - 2));
    };
    QString got;
    switch (kind) {
    case Step::Kind::Enter:
    case Step::Kind::EnterOnly:
        got = QString::number(s.type) + u' ' + json(s.user);
        break;
    case Step::Kind::Takeover:
        got = s.other;
        break;
    case Step::Kind::Move:
        got = json(s.data);
        break;
    case Step::Kind::Send:
        got = s.text;
        break;
    case Step::Kind::Flood:
        got = QString::number(s.count) + u' ' + s.text;
        break;
    case Step::Kind::SendSize:
    case Step::Kind::Reconnect:
    case Step::Kind::ExpectClose:
        got = QString::number(s.count);
        break;
    case Step::Kind::Expect:
    case Step::Kind::WaitFor:
        got = s.command + u' ' + QString::number(s.ms);
        break;
    case Step::Kind::Silent:
    case Step::Kind::Sleep:
        got = QString::number(s.ms);
        break;
    default:
        break;
    }
    QCOMPARE(got, detail);
}

void TestScript::malformed_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown step") << u"a dance"_s << u"line 1: unknown step 'dance'"_s;
    QTest::newRow("no step") << u"\n\nalice"_s << u"line 3: expected: PLAYER STEP"_s;
    QTest::newRow("bad name") << u"al/ice enter 3"_s << u"line 1: a player's name is a userId"_s;
    QTest::newRow("enter no type") << u"a enter"_s << u"line 1: expected: PLAYER enter TYPE"_s;
    QTest::newRow("enter bad user") << u"a enter 3 [1]"_s << u"not a JSON object"_s;
    QTest::newRow("move bad json") << u"a move {card"_s << u"expected: PLAYER move JSON"_s;
    QTest::newRow("join extra") << u"a join now"_s << u"join takes nothing more"_s;
    QTest::newRow("flood no count") << u"a flood x {}"_s << u"expected: PLAYER flood N TEXT"_s;
    QTest::newRow("send-size tiny") << u"a send-size 3"_s << u"at least 40"_s;
    QTest::newRow("expect nothing") << u"a expect"_s << u"expected: PLAYER expect COMMAND"_s;
    QTest::newRow("bad field") << u"a expect game =3"_s << u"a field is PATH=VALUE"_s;
    QTest::newRow("bad within") << u"a expect game within soon"_s << u"within MS"_s;
    QTest::newRow("close code") << u"a expect-close abc"_s << u"expect-close CODE"_s;
    QTest::newRow("sleep") << u"sleep"_s << u"expected: sleep MS"_s;
}

void TestScript::malformed()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    const ScriptParse parsed = parseScript(text);
    QVERIFY2(parsed.error.contains(error), qPrintable(parsed.error));
}

void TestScript::serverFlagsAndComments()
{
    const ScriptParse parsed = parseScript(
        u"# server: --prepare-timeout-ms 300\n# a comment\n\n#server: --rate-limit 5\n"
        "  alice enter 1  \n"_s);
    QVERIFY(parsed.error.isEmpty());
    QCOMPARE(parsed.script.serverFlags,
        (QStringList {u"--prepare-timeout-ms"_s, u"300"_s, u"--rate-limit"_s, u"5"_s}));
    QCOMPARE(parsed.script.steps.size(), 1);
    QCOMPARE(parsed.script.steps.first().line, 5);
}

void TestScript::fieldsAndValues()
{
    const ScriptParse parsed = parseScript(
        u"a expect game userId=bob data.card=12 data.text=\"two words\" data.ok=true x=* !y "
        "users.0.userId=al within 100"_s);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    const Step &s = parsed.script.steps.first();
    QCOMPARE(s.ms, 100);
    QCOMPARE(s.fields.size(), 7);
    QCOMPARE(s.fields[0].value, QJsonValue(u"bob"_s)); // a bare word is a string
    QCOMPARE(s.fields[1].value, QJsonValue(12));
    QCOMPARE(s.fields[2].value, QJsonValue(u"two words"_s));
    QCOMPARE(s.fields[3].value, QJsonValue(true));
    QCOMPARE(s.fields[4].op, FieldMatch::Op::Present);
    QCOMPARE(s.fields[5].op, FieldMatch::Op::Absent);
    QCOMPARE(s.fields[5].path, u"y"_s);
    QCOMPARE(s.fields[6].path, u"users.0.userId"_s);
}

void TestScript::matching_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("step");
    QTest::addColumn<QString>("failure"); // empty: it matches
    const QString game = uR"({"command":"game","userId":"bob","data":{"card":12,"tags":["a"]}})"_s;
    QTest::newRow("command only") << game << u"game"_s << QString();
    QTest::newRow("fields") << game << u"game userId=bob data.card=12 data.tags.0=a"_s << QString();
    QTest::newRow("present") << game << u"game data=*"_s << QString();
    QTest::newRow("absent") << game << u"game !seq"_s << QString();
    QTest::newRow("other command") << game << u"start"_s << u"expected start, got {"_s;
    QTest::newRow("wrong value") << game << u"game data.card=13"_s
                                 << u"game: data.card is 12, expected 13"_s;
    QTest::newRow("wrong type") << game << u"game data.card=\"12\""_s
                                << u"data.card is 12, expected \"12\""_s;
    QTest::newRow("missing") << game << u"game data.rank=1"_s << u"data.rank is (absent)"_s;
    QTest::newRow("not absent") << game << u"game !userId"_s << u"game has userId = \"bob\""_s;
    QTest::newRow("index out") << game << u"game data.tags.1=*"_s << u"game has no data.tags.1"_s;
}

void TestScript::matching()
{
    QFETCH(QString, message);
    QFETCH(QString, step);
    QFETCH(QString, failure);
    const ScriptParse parsed = parseScript(u"a expect "_s + step);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    const Step &s = parsed.script.steps.first();
    const QString got
        = matchMessage(QJsonDocument::fromJson(message.toUtf8()).object(), s.command, s.fields);
    if (failure.isEmpty())
        QVERIFY2(got.isEmpty(), qPrintable(got));
    else
        QVERIFY2(got.contains(failure), qPrintable(got));
}

QTEST_GUILESS_MAIN(TestScript)
#include "tst_script.moc"
