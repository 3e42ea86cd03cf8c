// HistoryRequests (server/historyrequests.h): each query's page goes back to the one who
// asked, later and never inside ask(), with the history's counters; an asker gone meanwhile
// gets nothing; without a history, or for a malformed query, or past the pending bound, an
// error page. The history here is a backend the test scripts.
#include "historyrequests.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

// A history the test answers by hand (or at once, inside query(), when `immediate`).
struct ScriptedHistory {
    explicit ScriptedHistory(HistoryRequests &requests, bool answerAtOnce = false)
        : immediate(answerAtOnce)
    {
        requests.setBackend({[this, &requests](const HistoryQuery &q) {
                                 const quint64 ticket = ++lastTicket;
                                 asked.append({ticket, q});
                                 if (this->immediate)
                                     requests.onAnswered(ticket, pageFor(q));
                                 return ticket;
                             },
            [this] {
                return counters;
            }});
    }
    static HistoryPage pageFor(const HistoryQuery &q)
    {
        HistoryPage page;
        page.query = q;
        MatchRecord r;
        r.pairId = q.pairId.isEmpty() ? "p1" : q.pairId;
        page.rows = {r};
        return page;
    }

    bool immediate;
    quint64 lastTicket = 100;
    QList<std::pair<quint64, HistoryQuery>> asked;
    HistoryCounters counters {3, 1, u"disk I/O error"_s};
};

// The answers one asker got.
struct Asker {
    HistoryRequests::Reply reply()
    {
        return [this](const HistoryAnswer &a) {
            answers.append(a);
        };
    }
    QObject object;
    QList<HistoryAnswer> answers;
};

HistoryQuery queryFor(const QByteArray &pairId)
{
    HistoryQuery q;
    q.pairId = pairId;
    return q;
}

} // namespace

class TestHistoryRequests final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void offAnswersLater();
    void answerGoesToItsAsker();
    void answerInsideQueryStillArrives();
    void goneAskerGetsNothing();
    void malformedQueryNeverReachesTheHistory_data();
    void malformedQueryNeverReachesTheHistory();
    void pendingQueriesPerAskerAreBounded();
    void replacedHistoryAnswersWhatWaited();
};

void TestHistoryRequests::offAnswersLater()
{
    HistoryRequests requests;
    QVERIFY(!requests.isOn());
    Asker asker;
    requests.ask(queryFor("p7"), &asker.object, asker.reply());
    QVERIFY(asker.answers.isEmpty()); // never inside ask()
    QTRY_COMPARE(asker.answers.size(), 1);
    QCOMPARE(asker.answers.first(), HistoryRequests::offAnswer(queryFor("p7")));
    QCOMPARE(asker.answers.first().page.error, u"history is off"_s);
    QVERIFY(!asker.answers.first().counters);
}

void TestHistoryRequests::answerGoesToItsAsker()
{
    HistoryRequests requests;
    ScriptedHistory history(requests);
    QVERIFY(requests.isOn());
    Asker a;
    Asker b;
    requests.ask(queryFor("pa"), &a.object, a.reply());
    requests.ask(queryFor("pb"), &b.object, b.reply());
    QCOMPARE(history.asked.size(), 2);
    QCOMPARE(requests.pendingCount(), 2);
    // answered out of order; an unknown ticket is ignored
    requests.onAnswered(999, ScriptedHistory::pageFor(queryFor("px")));
    requests.onAnswered(history.asked.at(1).first, ScriptedHistory::pageFor(queryFor("pb")));
    QCOMPARE(b.answers.size(), 1);
    QCOMPARE(b.answers.first().page.rows.first().pairId, "pb");
    QCOMPARE(b.answers.first().counters, std::optional(history.counters));
    QVERIFY(a.answers.isEmpty());
    requests.onAnswered(history.asked.at(0).first, ScriptedHistory::pageFor(queryFor("pa")));
    QCOMPARE(a.answers.size(), 1);
    QCOMPARE(a.answers.first().page.rows.first().pairId, "pa");
    QCOMPARE(requests.pendingCount(), 0);
    // a second answer to the same ticket goes nowhere
    requests.onAnswered(history.asked.at(0).first, ScriptedHistory::pageFor(queryFor("pa")));
    QCOMPARE(a.answers.size(), 1);
}

// A history that answers at once, inside query() (before its ticket is known here).
void TestHistoryRequests::answerInsideQueryStillArrives()
{
    HistoryRequests requests;
    ScriptedHistory history(requests, true);
    Asker asker;
    requests.ask(queryFor("p1"), &asker.object, asker.reply());
    QVERIFY(asker.answers.isEmpty()); // never inside ask()
    QTRY_COMPARE(asker.answers.size(), 1);
    QCOMPARE(asker.answers.first().page.rows.first().pairId, "p1");
    QCOMPARE(requests.pendingCount(), 0);
}

void TestHistoryRequests::goneAskerGetsNothing()
{
    HistoryRequests requests;
    ScriptedHistory history(requests);
    bool called = false;
    auto gone = std::make_unique<QObject>();
    requests.ask(queryFor("p1"), gone.get(), [&](const HistoryAnswer &) { called = true; });
    gone.reset();
    requests.onAnswered(history.asked.first().first, ScriptedHistory::pageFor(queryFor("p1")));
    QVERIFY(!called);
    QCOMPARE(requests.pendingCount(), 0);
    // nor when its answer was on its way (off)
    HistoryRequests off;
    gone = std::make_unique<QObject>();
    off.ask({}, gone.get(), [&](const HistoryAnswer &) { called = true; });
    gone.reset();
    QTest::qWait(20);
    QVERIFY(!called);
}

void TestHistoryRequests::malformedQueryNeverReachesTheHistory_data()
{
    QTest::addColumn<HistoryQuery>("query");
    QTest::newRow("limit 0") << HistoryQuery {{}, {}, 0, 0, false};
    QTest::newRow("limit past the bound") << HistoryQuery {{}, {}, 0, kMaxHistoryLimit + 1, false};
    QTest::newRow("offset negative") << HistoryQuery {{}, {}, -1, 10, false};
}

void TestHistoryRequests::malformedQueryNeverReachesTheHistory()
{
    QFETCH(HistoryQuery, query);
    HistoryRequests requests;
    ScriptedHistory history(requests);
    Asker asker;
    requests.ask(query, &asker.object, asker.reply());
    QVERIFY(history.asked.isEmpty());
    QTRY_COMPARE(asker.answers.size(), 1);
    QVERIFY(asker.answers.first().page.error.contains(u"malformed"_s));
    QVERIFY(asker.answers.first().page.rows.isEmpty());
}

void TestHistoryRequests::pendingQueriesPerAskerAreBounded()
{
    HistoryRequests requests;
    ScriptedHistory history(requests);
    Asker greedy;
    Asker other;
    for (int i = 0; i < HistoryRequests::kMaxPendingPerAsker + 2; ++i)
        requests.ask({}, &greedy.object, greedy.reply());
    requests.ask({}, &other.object, other.reply());
    QCOMPARE(history.asked.size(), HistoryRequests::kMaxPendingPerAsker + 1);
    QTRY_COMPARE(greedy.answers.size(), 2);
    for (const HistoryAnswer &a : std::as_const(greedy.answers))
        QVERIFY(a.page.error.contains(u"too many"_s));
    QVERIFY(other.answers.isEmpty()); // its query went to the history
}

void TestHistoryRequests::replacedHistoryAnswersWhatWaited()
{
    HistoryRequests requests;
    auto history = std::make_unique<ScriptedHistory>(requests);
    Asker asker;
    requests.ask(queryFor("p1"), &asker.object, asker.reply());
    QCOMPARE(requests.pendingCount(), 1);
    requests.setBackend({}); // the history went away (shutdown)
    history.reset();
    QCOMPARE(requests.pendingCount(), 0);
    QTRY_COMPARE(asker.answers.size(), 1);
    QCOMPARE(asker.answers.first(), HistoryRequests::offAnswer(queryFor("p1")));
    QVERIFY(!requests.isOn());
}

QTEST_GUILESS_MAIN(TestHistoryRequests)
#include "tst_historyrequests.moc"
