// The dashboard's models over a feed the test drives by hand, each under
// QAbstractItemModelTester: the match history's page (HistoryModel: what it asks, what it
// shows, stale answers, paging, the state line) and a game's moves (MoveModel).
#include "adminfeed.h"
#include "historymodel.h"
#include "memoryhistory.h"
#include "movemodel.h"
#include "tablemodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace pairmatch;
using namespace pairmatch::test;
using namespace Qt::StringLiterals;

namespace {

// An AdminFeed whose commands the test reads and whose answers the test gives.
class ScriptedFeed final : public AdminFeed
{
public:
    void start() override { Q_EMIT connectionChanged(true, source()); }
    QString source() const override { return u"scripted"_s; }
    void submit(const AdminCommand &command) override { commands.append(command); }

    // The query of the last `history` command.
    HistoryQuery lastQuery() const
    {
        for (qsizetype i = commands.size() - 1; i >= 0; --i) {
            if (commands.at(i).kind == AdminCommand::Kind::History)
                return commands.at(i).query;
        }
        return {};
    }
    void answer(const HistoryQuery &query, const QList<MatchRecord> &rows, bool more = false,
        std::optional<HistoryCounters> counters = HistoryCounters {}, const QString &error = {})
    {
        HistoryAnswer a;
        a.page = HistoryPage {query, rows, more, error};
        a.counters = counters;
        deliverHistory(a);
    }

    // An update batch in which a pair goes over (or, with `over` false, only changes).
    void pairChanged(bool over)
    {
        AdminUpdate u;
        u.seq = ++m_seq;
        u.kind = AdminUpdate::Kind::PairChanged;
        u.pair.pairId = u"p%1"_s.arg(m_seq);
        u.pair.state = over ? PairState::Over : PairState::Started;
        deliverUpdates({u});
    }
    // A stats sample with these history counters.
    void stats(qint64 written, qint64 failed)
    {
        AdminUpdate u;
        u.seq = ++m_seq;
        u.kind = AdminUpdate::Kind::Stats;
        u.stats.historyWritten = written;
        u.stats.historyFailed = failed;
        deliverUpdates({u});
    }
    int historyQueries() const
    {
        return int(std::count_if(commands.cbegin(), commands.cend(),
            [](const AdminCommand &c) { return c.kind == AdminCommand::Kind::History; }));
    }

    QList<AdminCommand> commands;

private:
    quint64 m_seq = 0;
};

QString cellOf(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

} // namespace

class TestModels final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void historyAsksOnConnection();
    void historyShowsThePage();
    void historyIgnoresOtherAnswers();
    void historyPaging();
    void historyFilterAsksTheServer();
    void historyFollowsGamesThatEnd();
    void historyCountersFollowStats();
    void historyState_data();
    void historyState();
    void outcomeText_data();
    void outcomeText();
    void movesInSeqOrder();
};

void TestModels::historyAsksOnConnection()
{
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(feed.commands.isEmpty());
    feed.start();
    QCOMPARE(feed.commands.size(), 1);
    QCOMPARE(
        feed.commands.first(), AdminCommand::history({{}, {}, 0, HistoryModel::kPageSize, false}));
    QVERIFY(model.isWaiting());
    QCOMPARE(model.stateText(), u"asking the history…"_s);
}

void TestModels::historyShowsThePage()
{
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&model, &HistoryModel::stateChanged);
    feed.start();
    MatchRecord newer = finishedGame("Zk3_-q9abcdefgh", "alice", "bob", 2, 4, 3);
    MatchRecord older = finishedGame("p1", "carol", "alice", 1);
    older.outcome = MatchOutcome::None;
    older.by = 0;
    older.startedAtMs = 0;
    feed.answer(feed.lastQuery(), {newer, older}, false, HistoryCounters {2, 0, {}});

    QVERIFY(!model.isWaiting());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(HistoryModel::ColumnCount));
    QCOMPARE(cellOf(model, 0, HistoryModel::OverAt),
        QDateTime::fromMSecsSinceEpoch(newer.overAtMs).toString(u"yyyy-MM-dd HH:mm:ss"_s));
    QCOMPARE(model.index(0, HistoryModel::OverAt).data(SortRole).toLongLong(), newer.overAtMs);
    QCOMPARE(cellOf(model, 0, HistoryModel::Pair), u"Zk3_-q9a…"_s);
    QCOMPARE(cellOf(model, 0, HistoryModel::Pair, Qt::ToolTipRole), u"Zk3_-q9abcdefgh"_s);
    QCOMPARE(cellOf(model, 0, HistoryModel::Pair, KeyRole), u"Zk3_-q9abcdefgh"_s);
    QCOMPARE(cellOf(model, 0, HistoryModel::Type), u"3"_s);
    QCOMPARE(cellOf(model, 0, HistoryModel::Users), u"alice vs bob"_s);
    QCOMPARE(cellOf(model, 0, HistoryModel::Outcome), u"ended by bob"_s);
    QCOMPARE(cellOf(model, 0, HistoryModel::Moves), u"4"_s);
    QVERIFY(cellOf(model, 0, HistoryModel::OverAt, Qt::ToolTipRole).contains(u"played 50 s"_s));
    QCOMPARE(cellOf(model, 1, HistoryModel::Pair), u"p1"_s);
    QCOMPARE(cellOf(model, 1, HistoryModel::Outcome), u"none (carol left)"_s);
    QVERIFY(cellOf(model, 1, HistoryModel::OverAt, Qt::ToolTipRole).contains(u"never started"_s));
    QCOMPARE(model.recordAt(1).pairId, "p1");
    QCOMPARE(model.stateText(), u"2 written, 0 failed"_s);
    QCOMPARE(model.pageText(), u"games 1–2"_s);
    QVERIFY(!changed.isEmpty());
    QVERIFY(!model.hasOlder());
    QVERIFY(!model.hasNewer());
}

void TestModels::historyIgnoresOtherAnswers()
{
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed.start();
    const HistoryQuery first = feed.lastQuery();
    model.setFilter(HistoryModel::FilterField::UserId, u"alice"_s);
    // the answer to the query before the filter: stale
    feed.answer(first, {finishedGame("p9", "x", "y", 9)});
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.isWaiting());
    // a game's moves, asked by the window: not a page of the list
    feed.answer({{}, "p1", 0, 1, true}, {finishedGame("p1", "alice", "bob", 1, 2)});
    QCOMPARE(model.rowCount(), 0);
    feed.answer(feed.lastQuery(), {finishedGame("p1", "alice", "bob", 1)});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.query().userId, "alice");
}

void TestModels::historyPaging()
{
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed.start();
    QList<MatchRecord> page;
    for (int i = 0; i < HistoryModel::kPageSize; ++i)
        page.append(finishedGame("n" + QByteArray::number(i), "alice", "bob", 1000 - i));
    feed.answer(feed.lastQuery(), page, true);
    QVERIFY(model.hasOlder());
    QVERIFY(!model.hasNewer());
    QCOMPARE(model.pageText(), u"games 1–50 (more)"_s);
    model.showNewer(); // nothing newer: nothing asked
    QCOMPARE(feed.commands.size(), 1);

    model.showOlder();
    QCOMPARE(feed.lastQuery().offset, HistoryModel::kPageSize);
    QCOMPARE(model.rowCount(), HistoryModel::kPageSize); // still the page shown
    feed.answer(feed.lastQuery(), {finishedGame("o1", "alice", "bob", 1)}, false);
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(!model.hasOlder());
    QVERIFY(model.hasNewer());
    QCOMPARE(model.pageText(), u"games 51–51"_s);
    model.showOlder(); // nothing older: nothing asked
    QCOMPARE(feed.commands.size(), 2);

    model.refresh();
    QCOMPARE(feed.lastQuery().offset, HistoryModel::kPageSize);
    model.showNewer();
    QCOMPARE(feed.lastQuery().offset, 0);
    feed.answer(feed.lastQuery(), page, true);
    QCOMPARE(model.rowCount(), HistoryModel::kPageSize);
}

void TestModels::historyFilterAsksTheServer()
{
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed.start();
    feed.answer(feed.lastQuery(), {}, true);
    model.showOlder();
    model.setFilter(HistoryModel::FilterField::UserId, u" alice "_s);
    QCOMPARE(feed.lastQuery(), (HistoryQuery {"alice", {}, 0, HistoryModel::kPageSize, false}));
    model.setFilter(HistoryModel::FilterField::PairId, u"Zk3"_s);
    QCOMPARE(feed.lastQuery(), (HistoryQuery {{}, "Zk3", 0, HistoryModel::kPageSize, false}));
    model.setFilter(HistoryModel::FilterField::UserId, {});
    QCOMPARE(feed.lastQuery(), (HistoryQuery {{}, {}, 0, HistoryModel::kPageSize, false}));
}

// While following, a pair that goes over asks for the first page again, at most once a
// kFollowIntervalMs, and only when the first page is what is shown.
void TestModels::historyFollowsGamesThatEnd()
{
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed.start();
    feed.answer(feed.lastQuery(), {finishedGame("p1", "a", "b", 1)}, true);
    QCOMPARE(feed.historyQueries(), 1);

    // not following: nothing asked
    feed.pairChanged(true);
    QTest::qWait(HistoryModel::kFollowIntervalMs + 100);
    QCOMPARE(feed.historyQueries(), 1);
    // following: what ended meanwhile at once, then at most once an interval
    model.setFollowing(true);
    QCOMPARE(feed.historyQueries(), 2);
    feed.answer(feed.lastQuery(), {finishedGame("p2", "a", "b", 2)}, true);
    feed.pairChanged(false); // not over: nothing to ask
    feed.pairChanged(true);
    feed.pairChanged(true);
    QCOMPARE(feed.historyQueries(), 2);
    QTRY_COMPARE(feed.historyQueries(), 3);
    QCOMPARE(feed.lastQuery().offset, 0);
    feed.answer(feed.lastQuery(), {finishedGame("p3", "a", "b", 3)}, true);
    QCOMPARE(cellOf(model, 0, HistoryModel::Pair), u"p3"_s);
    QTest::qWait(HistoryModel::kFollowIntervalMs + 100);
    QCOMPARE(feed.historyQueries(), 3);

    // on an older page the list stays put
    model.showOlder();
    feed.answer(feed.lastQuery(), {finishedGame("p0", "a", "b", 0)}, false);
    const int asked = feed.historyQueries();
    feed.pairChanged(true);
    QTest::qWait(HistoryModel::kFollowIntervalMs + 100);
    QCOMPARE(feed.historyQueries(), asked);
    model.setFollowing(false);
    model.showNewer();
    QCOMPARE(feed.historyQueries(), asked + 1);
}

// Between answers the counters come with the stats samples; the last error with the answers.
void TestModels::historyCountersFollowStats()
{
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QSignalSpy changed(&model, &HistoryModel::stateChanged);
    feed.stats(5, 0); // before any answer: not known to be on
    QCOMPARE(changed.size(), 0);
    feed.start();
    feed.answer(feed.lastQuery(), {}, false, HistoryCounters {5, 1, u"disk I/O error"_s});
    QCOMPARE(model.stateText(), u"5 written, 1 failed: disk I/O error"_s);
    changed.clear();
    feed.stats(7, 1);
    QCOMPARE(model.stateText(), u"7 written, 1 failed: disk I/O error"_s);
    QCOMPARE(changed.size(), 1);
    feed.stats(7, 1); // no change, no signal
    QCOMPARE(changed.size(), 1);
    // off: the samples' zeros are no counters
    model.refresh();
    feed.answer(feed.lastQuery(), {}, false, std::nullopt, u"history is off"_s);
    feed.stats(0, 0);
    QCOMPARE(model.stateText(), u"history off"_s);
}

void TestModels::historyState_data()
{
    QTest::addColumn<std::optional<HistoryCounters>>("counters");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("expected");
    QTest::newRow("off") << std::optional<HistoryCounters>() << u"history is off"_s
                         << u"history off"_s;
    QTest::newRow("nothing written yet")
        << std::optional(HistoryCounters {}) << QString() << u"0 written, 0 failed"_s;
    QTest::newRow("failures") << std::optional(HistoryCounters {12, 1, u"disk I/O error"_s})
                              << QString() << u"12 written, 1 failed: disk I/O error"_s;
    QTest::newRow("a page that could not be read")
        << std::optional(HistoryCounters {3, 0, {}}) << u"database is locked"_s
        << u"3 written, 0 failed · could not read: database is locked"_s;
}

void TestModels::historyState()
{
    QFETCH(std::optional<HistoryCounters>, counters);
    QFETCH(QString, error);
    QFETCH(QString, expected);
    ScriptedFeed feed;
    HistoryModel model(&feed);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed.start();
    feed.answer(
        feed.lastQuery(), {finishedGame("p1", "a", "b", 1)}, false, HistoryCounters {1, 0, {}});
    QCOMPARE(model.rowCount(), 1);
    model.refresh();
    feed.answer(feed.lastQuery(), {}, true, counters, error);
    QCOMPARE(model.stateText(), expected);
    QCOMPARE(model.rowCount(), 0); // an error page shows no games
    QCOMPARE(model.hasOlder(), error.isEmpty());
}

void TestModels::outcomeText_data()
{
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("by");
    QTest::addColumn<QString>("expected");
    QTest::newRow("ended") << int(MatchOutcome::Ended) << 0 << u"ended by alice"_s;
    QTest::newRow("none") << int(MatchOutcome::None) << 1 << u"none (bob left)"_s;
    QTest::newRow("invalid") << int(MatchOutcome::Invalid) << -1 << u"invalid"_s;
    QTest::newRow("expired") << int(MatchOutcome::Expired) << -1 << u"expired by operator"_s;
    QTest::newRow("kicked") << int(MatchOutcome::Kicked) << 1 << u"kicked: bob"_s;
    QTest::newRow("kicked, nobody named") << int(MatchOutcome::Kicked) << -1 << u"kicked"_s;
}

void TestModels::outcomeText()
{
    QFETCH(int, outcome);
    QFETCH(int, by);
    QFETCH(QString, expected);
    MatchRecord r = finishedGame("p", "alice", "bob", 1);
    r.outcome = MatchOutcome(outcome);
    r.by = qint8(by);
    QCOMPARE(HistoryModel::outcomeText(r), expected);
}

void TestModels::movesInSeqOrder()
{
    MoveModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    MatchRecord game = finishedGame("p1", "alice", "bob", 1);
    game.firstSeq = 7;
    game.moveCount = 10;
    game.moves = {R"({"command":"game","userId":"alice","data":{"to":"e4"},"seq":7})",
        R"({"command":"game","userId":"bob","data":"two","seq":8})",
        R"({"command":"game","userId":"alice","data":null,"seq":9})",
        R"({"command":"game","userId":"bob","data":[1,2.5,true],"seq":10})"};
    model.setRecord(game);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), int(MoveModel::ColumnCount));
    QCOMPARE(model.pairId(), "p1");
    const QStringList seqs {u"7"_s, u"8"_s, u"9"_s, u"10"_s};
    const QStringList users {u"alice"_s, u"bob"_s, u"alice"_s, u"bob"_s};
    const QStringList data {u"{\"to\":\"e4\"}"_s, u"\"two\""_s, u"null"_s, u"[1,2.5,true]"_s};
    for (int row = 0; row < 4; ++row) {
        QCOMPARE(cellOf(model, row, MoveModel::Seq), seqs.at(row));
        QCOMPARE(cellOf(model, row, MoveModel::User), users.at(row));
        QCOMPARE(cellOf(model, row, MoveModel::Data), data.at(row));
    }
    QCOMPARE(
        model.headerData(MoveModel::Data, Qt::Horizontal, Qt::DisplayRole).toString(), u"Data"_s);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pairId(), QByteArray());
}

QTEST_MAIN(TestModels)
#include "tst_models.moc"
