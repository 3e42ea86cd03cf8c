// The admin API's snapshot and update codec (adminmessages.h): a snapshot holding every kind
// of row, every AdminUpdate kind and a batch of updates survive the trip to JSON text and
// back, and malformed input is refused (or, inside a snapshot or batch, left out).
#include "adminmessages.h"
#include "jsontext.h"

#include <QJsonArray>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

SessionInfo sampleSession(quint64 id, Endpoint endpoint)
{
    SessionInfo s;
    s.id = id;
    s.endpoint = endpoint;
    s.path = endpoint == Endpoint::Matching ? u"/ws/matching/3"_s : u"/ws/round/Zk3_-q9"_s;
    s.userId = u"alice.%1"_s.arg(id);
    s.remote = u"127.0.0.1:%1"_s.arg(40000 + id);
    s.connectedAtMs = 1'795'900'000'000 + qint64(id);
    s.messagesIn = 12 * id;
    s.messagesOut = 34 * id;
    s.rttMs = endpoint == Endpoint::Matching ? -1 : 7;
    return s;
}

QueueEntryInfo sampleQueueEntry(quint64 sessionId)
{
    return {sessionId, 2147483647, u"bob@example"_s, 1'795'900'000'123};
}

PairInfo samplePair(PairState state, int outcome)
{
    PairInfo p;
    p.pairId = u"pair-%1-%2"_s.arg(int(state)).arg(outcome);
    p.type = 3;
    p.userIds = {u"newcomer"_s, u"waiter"_s};
    p.seatSessions = {state == PairState::Issued ? 0u : 5u, state >= PairState::Started ? 6u : 0u};
    p.state = state;
    p.outcome = outcome;
    p.moves = state >= PairState::Started ? 123'456 : 0;
    p.issuedAtMs = 1'795'900'000'500;
    p.prepareDeadlineMs = state < PairState::Started ? 1'795'900'010'500 : -1;
    return p;
}

ForcedDisconnect sampleDisconnect(int code)
{
    return {1'795'900'001'000, 9, u"carol"_s, code == 4001 ? u"pair-x"_s : QString(),
        code == 4001 ? Endpoint::Round : Endpoint::Matching, u"[::1]:5555"_s, code,
        u"reason \"%1\" \u00e9"_s.arg(code)};
}

LogEvent sampleEvent(LogEvent::Kind kind)
{
    LogEvent e;
    e.atMs = 1'795'900'002'000 + int(kind);
    e.kind = kind;
    e.sessionId = kind == LogEvent::Kind::Kicked || kind == LogEvent::Kind::ErrorSent ? 11 : 0;
    e.userId = kind == LogEvent::Kind::Drain ? QString() : u"dave"_s;
    e.otherUserId = kind == LogEvent::Kind::MatchMade ? u"erin"_s : QString();
    e.pairId = kind == LogEvent::Kind::MatchMade || kind == LogEvent::Kind::Expired ? u"pair-y"_s
                                                                                    : QString();
    e.detail = kind == LogEvent::Kind::ErrorSent ? u"rate_limited"_s : QString();
    return e;
}

ClusterState sampleCluster(bool up)
{
    ClusterState c;
    c.nodeId = u"node-a"_s;
    c.linkUp = up;
    c.downSinceMs = up ? -1 : 1'795'900'004'000;
    c.lastError = up ? QString() : u"Redis closed the connection"_s;
    c.queues = {{3, 1}, {7, 2}};
    ClusterPairRow row;
    row.pairId = u"pair-z"_s;
    row.home = u"node-b"_s;
    row.type = 3;
    row.state = u"started"_s;
    row.userIds = {u"bob"_s, u"alice"_s};
    row.seatNodes = {u"node-b"_s, u"node-a"_s};
    row.local = false;
    c.pairs = {row};
    return c;
}

StatsSample sampleStats(qint64 atMs)
{
    return {atMs, 2000, 17, 990, 2412.5, 485126.25, 7300, 12};
}

// A sample update of each kind, with the field that kind carries.
AdminUpdate sampleUpdate(AdminUpdate::Kind kind, quint64 seq)
{
    AdminUpdate u;
    u.seq = seq;
    u.kind = kind;
    switch (kind) {
    case AdminUpdate::Kind::SessionOpened:
        u.session = sampleSession(21, Endpoint::Matching);
        break;
    case AdminUpdate::Kind::SessionChanged:
        u.session = sampleSession(22, Endpoint::Round);
        break;
    case AdminUpdate::Kind::SessionClosed:
    case AdminUpdate::Kind::QueueLeft:
        u.sessionId = 23;
        break;
    case AdminUpdate::Kind::QueueJoined:
        u.queueEntry = sampleQueueEntry(24);
        break;
    case AdminUpdate::Kind::PairChanged:
        u.pair = samplePair(PairState::Over, int(PairOutcome::None));
        break;
    case AdminUpdate::Kind::PairRemoved:
        u.pairId = u"pair-gone"_s;
        break;
    case AdminUpdate::Kind::Disconnect:
        u.disconnect = sampleDisconnect(1008);
        break;
    case AdminUpdate::Kind::Event:
        u.event = sampleEvent(LogEvent::Kind::Replaced);
        break;
    case AdminUpdate::Kind::Stats:
        u.stats = sampleStats(1'795'900'003'000);
        break;
    case AdminUpdate::Kind::Draining:
        u.draining = true;
        break;
    case AdminUpdate::Kind::Cluster:
        u.cluster = sampleCluster(false);
        break;
    }
    return u;
}

constexpr int kUpdateKindCount = int(AdminUpdate::Kind::Cluster) + 1;

const QStringList kUpdateKindNames {u"sessionOpened"_s, u"sessionChanged"_s, u"sessionClosed"_s,
    u"queueJoined"_s, u"queueLeft"_s, u"pairChanged"_s, u"pairRemoved"_s, u"disconnect"_s,
    u"event"_s, u"stats"_s, u"draining"_s, u"cluster"_s};

// The field each kind carries on the wire (docs/admin-api.md).
const QStringList kUpdateFields {u"session"_s, u"session"_s, u"sessionId"_s, u"entry"_s,
    u"sessionId"_s, u"pair"_s, u"pairId"_s, u"disconnect"_s, u"event"_s, u"stats"_s, u"draining"_s,
    u"cluster"_s};

Snapshot fullSnapshot()
{
    Snapshot s;
    s.seq = 1234;
    s.serverTimeMs = 1'795'900'000'000;
    s.draining = true;
    s.sessions = {sampleSession(1, Endpoint::Matching), sampleSession(2, Endpoint::Round)};
    s.queue = {sampleQueueEntry(1), sampleQueueEntry(3)};
    for (int st = 0; st <= int(PairState::Over); ++st)
        s.pairs.append(samplePair(PairState(st), -1));
    for (int k = 0; k <= int(PairOutcome::Invalid); ++k)
        s.pairs.append(samplePair(PairState::Over, k));
    for (const int code : {1000, 1001, 1002, 1007, 1008, 1009, 4000, 4001})
        s.disconnects.append(sampleDisconnect(code));
    for (int k = 0; k < kLogEventKindCount; ++k)
        s.events.append(sampleEvent(LogEvent::Kind(k)));
    s.history = {sampleStats(1'795'899'999'000), sampleStats(1'795'900'000'000)};
    s.cluster = sampleCluster(true);
    return s;
}

} // namespace

class TestAdminMessages final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventKindNames();
    void snapshotRoundTrip();
    void emptySnapshotRoundTrip();
    void snapshotLeavesOutUnknownEvents();
    void malformedSnapshot_data();
    void malformedSnapshot();
    void updateRoundTrip_data();
    void updateRoundTrip();
    void malformedUpdate_data();
    void malformedUpdate();
    void updatesRoundTrip();
    void updatesLeaveOutMalformedOnes();
    void malformedUpdates_data();
    void malformedUpdates();
};

void TestAdminMessages::eventKindNames()
{
    const QStringList expected {u"match"_s, u"started"_s, u"ended"_s, u"none"_s, u"invalid"_s,
        u"kick"_s, u"expire"_s, u"takeover"_s, u"error"_s, u"drain"_s, u"undrain"_s};
    QCOMPARE(kLogEventKindCount, expected.size());
    for (int k = 0; k < kLogEventKindCount; ++k) {
        QCOMPARE(QString(logEventKindName(LogEvent::Kind(k))), expected.at(k));
        QCOMPARE(logEventKindFromName(expected.at(k)), std::optional(LogEvent::Kind(k)));
    }
    QVERIFY(!logEventKindFromName(u"Match"));
    QVERIFY(!logEventKindFromName(u""));
}

void TestAdminMessages::snapshotRoundTrip()
{
    const Snapshot snapshot = fullSnapshot();
    const QByteArray wire = compactJson(toJson(snapshot));
    const QJsonObject o = jsonObject(wire);
    QCOMPARE(o.value("command"_L1).toString(), u"snapshot"_s);
    QCOMPARE(o.value("seq"_L1).toInteger(), 1234);
    QCOMPARE(o.value("serverTime"_L1).toInteger(), snapshot.serverTimeMs);
    QCOMPARE(o.value("events"_L1).toArray().size(), kLogEventKindCount);

    Snapshot back;
    QVERIFY(fromJson(o, back));
    QCOMPARE(compactJson(toJson(back)), wire);
    QVERIFY(back == snapshot);
}

void TestAdminMessages::emptySnapshotRoundTrip()
{
    const QByteArray wire = compactJson(toJson(Snapshot {}));
    Snapshot back = fullSnapshot();
    QVERIFY(fromJson(jsonObject(wire), back));
    QVERIFY(back == Snapshot {});
}

void TestAdminMessages::snapshotLeavesOutUnknownEvents()
{
    QJsonObject o = toJson(fullSnapshot());
    QJsonArray events = o.value("events"_L1).toArray();
    events.insert(1, QJsonObject {{u"at"_s, 5}, {u"kind"_s, u"reboot"_s}});
    o.insert(u"events"_s, events);
    Snapshot back;
    QVERIFY(fromJson(jsonObject(compactJson(o)), back));
    QVERIFY(back == fullSnapshot());
}

void TestAdminMessages::malformedSnapshot_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("an update") << QByteArray(R"({"command":"update","seq":1,"kind":"stats"})");
    QTest::newRow("no seq") << QByteArray(R"({"command":"snapshot","sessions":[]})");
    QTest::newRow("seq a string") << QByteArray(R"({"command":"snapshot","seq":"1"})");
    QTest::newRow("other case") << QByteArray(R"({"command":"Snapshot","seq":1})");
}

void TestAdminMessages::malformedSnapshot()
{
    QFETCH(QByteArray, input);
    const Snapshot untouched = fullSnapshot();
    Snapshot snapshot = untouched;
    QVERIFY(!fromJson(jsonObject(input), snapshot));
    QVERIFY(snapshot == untouched);
}

void TestAdminMessages::updateRoundTrip_data()
{
    QTest::addColumn<AdminUpdate>("update");
    QTest::addColumn<QString>("kindName");
    QTest::addColumn<QString>("field");
    QCOMPARE(kUpdateKindNames.size(), kUpdateKindCount);
    for (int k = 0; k < kUpdateKindCount; ++k) {
        QTest::newRow(qPrintable(kUpdateKindNames.at(k))) << sampleUpdate(AdminUpdate::Kind(k),
            1000 + k) << kUpdateKindNames.at(k) << kUpdateFields.at(k);
    }
    // every state and outcome of a pair, every event kind, both session endpoints
    for (const PairInfo &p : fullSnapshot().pairs) {
        AdminUpdate u = sampleUpdate(AdminUpdate::Kind::PairChanged, 7);
        u.pair = p;
        QTest::addRow("pairChanged %s", qPrintable(p.pairId)) << u << u"pairChanged"_s << u"pair"_s;
    }
    for (int k = 0; k < kLogEventKindCount; ++k) {
        AdminUpdate u = sampleUpdate(AdminUpdate::Kind::Event, 8);
        u.event = sampleEvent(LogEvent::Kind(k));
        QTest::addRow("event %s", logEventKindName(LogEvent::Kind(k)).data())
            << u << u"event"_s << u"event"_s;
    }
    AdminUpdate undrain = sampleUpdate(AdminUpdate::Kind::Draining, 9);
    undrain.draining = false;
    QTest::newRow("draining false") << undrain << u"draining"_s << u"draining"_s;
    QTest::newRow("seq 2^53") << sampleUpdate(AdminUpdate::Kind::Stats, 9007199254740992ULL)
                              << u"stats"_s << u"stats"_s;
}

void TestAdminMessages::updateRoundTrip()
{
    QFETCH(AdminUpdate, update);
    QFETCH(QString, kindName);
    QFETCH(QString, field);

    const QByteArray wire = compactJson(toJson(update));
    const QJsonObject o = jsonObject(wire);
    QCOMPARE(o.value("command"_L1).toString(), u"update"_s);
    QCOMPARE(o.value("kind"_L1).toString(), kindName);
    QCOMPARE(quint64(o.value("seq"_L1).toDouble()), update.seq);
    QVERIFY2(o.contains(field), wire.constData());
    QCOMPARE(o.size(), 4); // command, seq, kind and the one field

    AdminUpdate back;
    QVERIFY(fromJson(o, back));
    QCOMPARE(compactJson(toJson(back)), wire);
    QVERIFY(back == update);
}

void TestAdminMessages::malformedUpdate_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("a snapshot") << QByteArray(R"({"command":"snapshot","seq":1})");
    QTest::newRow("no seq") << QByteArray(
        R"({"command":"update","kind":"draining","draining":true})");
    QTest::newRow("seq a string") << QByteArray(
        R"({"command":"update","seq":"1","kind":"draining","draining":true})");
    QTest::newRow("no kind") << QByteArray(R"({"command":"update","seq":1})");
    QTest::newRow("unknown kind") << QByteArray(R"({"command":"update","seq":1,"kind":"reboot"})");
    QTest::newRow("sessionOpened without session")
        << QByteArray(R"({"command":"update","seq":1,"kind":"sessionOpened"})");
    QTest::newRow("sessionChanged, session id 0")
        << QByteArray(R"({"command":"update","seq":1,"kind":"sessionChanged","session":{"id":0}})");
    QTest::newRow("sessionClosed without id")
        << QByteArray(R"({"command":"update","seq":1,"kind":"sessionClosed"})");
    QTest::newRow("queueLeft, id a string")
        << QByteArray(R"({"command":"update","seq":1,"kind":"queueLeft","sessionId":"3"})");
    QTest::newRow("queueJoined without entry")
        << QByteArray(R"({"command":"update","seq":1,"kind":"queueJoined"})");
    QTest::newRow("pairChanged without pairId")
        << QByteArray(R"({"command":"update","seq":1,"kind":"pairChanged","pair":{"type":3}})");
    QTest::newRow("pairRemoved, pairId empty")
        << QByteArray(R"({"command":"update","seq":1,"kind":"pairRemoved","pairId":""})");
    QTest::newRow("event of an unknown kind") << QByteArray(
        R"({"command":"update","seq":1,"kind":"event","event":{"at":1,"kind":"reboot"}})");
    QTest::newRow("event without kind")
        << QByteArray(R"({"command":"update","seq":1,"kind":"event","event":{"at":1}})");
}

void TestAdminMessages::malformedUpdate()
{
    QFETCH(QByteArray, input);
    AdminUpdate u;
    QVERIFY(!fromJson(jsonObject(input), u));
}

void TestAdminMessages::updatesRoundTrip()
{
    QList<AdminUpdate> updates;
    QByteArray joined;
    for (int k = 0; k < kUpdateKindCount; ++k) {
        updates.append(sampleUpdate(AdminUpdate::Kind(k), 100 + k));
        if (!joined.isEmpty())
            joined += ',';
        joined += compactJson(toJson(updates.last()));
    }
    const QByteArray wire = updatesMessage(joined);
    QVERIFY(wire.startsWith(R"({"command":"updates","updates":[{"command":"update",)"));
    QVERIFY(wire.endsWith("}]}"));
    const QJsonObject o = jsonObject(wire);
    QCOMPARE(o.size(), 2);
    QList<AdminUpdate> back {sampleUpdate(AdminUpdate::Kind::Stats, 1)}; // replaced
    QVERIFY(fromJson(o, back));
    QVERIFY(back == updates);

    // an empty batch
    QCOMPARE(updatesMessage({}), QByteArray(R"({"command":"updates","updates":[]})"));
    QVERIFY(fromJson(jsonObject(updatesMessage({})), back));
    QVERIFY(back.isEmpty());
}

void TestAdminMessages::updatesLeaveOutMalformedOnes()
{
    const AdminUpdate first = sampleUpdate(AdminUpdate::Kind::SessionClosed, 1);
    const AdminUpdate last = sampleUpdate(AdminUpdate::Kind::Draining, 4);
    const QByteArray joined = compactJson(toJson(first))
        + R"(,{"command":"update","seq":2,"kind":"reboot"},7,)"
        + R"({"command":"update","seq":3,"kind":"pairRemoved"},)" + compactJson(toJson(last));
    QList<AdminUpdate> back;
    QVERIFY(fromJson(jsonObject(updatesMessage(joined)), back));
    QVERIFY(back == (QList<AdminUpdate> {first, last}));
}

void TestAdminMessages::malformedUpdates_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("one update") << QByteArray(
        R"({"command":"update","seq":1,"kind":"draining","draining":true})");
    QTest::newRow("a snapshot") << QByteArray(R"({"command":"snapshot","seq":1})");
}

void TestAdminMessages::malformedUpdates()
{
    QFETCH(QByteArray, input);
    const QList<AdminUpdate> untouched {sampleUpdate(AdminUpdate::Kind::Stats, 5)};
    QList<AdminUpdate> updates = untouched;
    QVERIFY(!fromJson(jsonObject(input), updates));
    QVERIFY(updates == untouched);
}

QTEST_GUILESS_MAIN(TestAdminMessages)
#include "tst_adminmessages.moc"
