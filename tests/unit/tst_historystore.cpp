// The match history on a real SQLite file (server/historystore.h, docs/history.md): records
// written by the writer's thread and read back field by field, pages, filters, newest first;
// a reopened file keeps its rows; a file that is not ours, or of a newer schema, is refused
// with its name; a locked file costs the records, not the answers. Also the moves column's
// exact round trip and the move log check pairmatch-replay prints.
#include "historydatabase.h"
#include "historystore.h"
#include "movelogcheck.h"

#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace pairmatch;
using namespace Qt::StringLiterals;

namespace {

constexpr int kAnswerTimeoutMs = 10'000;

QByteArray gameFrame(const QByteArray &userId, const QByteArray &data, quint64 seq)
{
    return "{\"command\":\"game\",\"userId\":\"" + userId + "\",\"data\":" + data
        + ",\"seq\":" + QByteArray::number(seq) + '}';
}

// Game i: users u<i> and u<i+1> (so each user but the first plays twice), over at 1000 + i s.
MatchRecord makeRecord(int i, int moves = 3)
{
    MatchRecord r;
    r.pairId = "pair-" + QByteArray::number(i).rightJustified(3, '0');
    r.type = 7 + i;
    r.userIds = {"u" + QByteArray::number(i), "u" + QByteArray::number(i + 1)};
    r.users = {"{\"userId\":\"u" + QByteArray::number(i) + "\",\"name\":\"Ann \\\"A\\\", [1]\"}",
        "{\"userId\":\"u" + QByteArray::number(i + 1) + "\",\"level\":3}"};
    r.seed = 100 + i;
    r.issuedAtMs = 1'790'000'000'000 + qint64(i) * 1000;
    r.startedAtMs = r.issuedAtMs + 50;
    r.overAtMs = r.issuedAtMs + 900;
    r.outcome = MatchOutcome(i % kMatchOutcomeCount);
    r.by = qint8(i % 3 - 1);
    r.moveCount = quint64(moves);
    r.firstSeq = 1;
    for (int m = 1; m <= moves; ++m) {
        r.moves.append(gameFrame(r.userIds[std::size_t(m % 2)],
            "{\"card\":\"}{,]\\\"x\",\"n\":[" + QByteArray::number(m) + "]}", quint64(m)));
    }
    r.seenSeq = {quint64(moves), quint64(moves > 0 ? moves - 1 : 0)};
    return r;
}

class Store
{
public:
    explicit Store(const QString &path)
    {
        QString error;
        m_store = HistoryStore::open(path, &error);
        QVERIFY2(m_store, qPrintable(error));
    }
    HistoryStore *operator->() const { return m_store.get(); }
    HistoryStore &operator*() const { return *m_store; }
    void reset() { m_store.reset(); }

    // Asks and waits for the answer to this very query.
    HistoryPage ask(const HistoryQuery &query)
    {
        QSignalSpy spy(m_store.get(), &HistoryStore::answered);
        const quint64 ticket = m_store->query(query);
        HistoryPage page;
        bool answered = false;
        for (int round = 0; round < 100 && !answered; ++round) {
            if (spy.isEmpty() && !spy.wait(kAnswerTimeoutMs))
                break;
            while (!spy.isEmpty()) {
                const QList<QVariant> args = spy.takeFirst();
                if (args.at(0).toULongLong() == ticket) {
                    page = args.at(1).value<HistoryPage>();
                    answered = true;
                }
            }
        }
        if (!answered)
            page.error = u"no answer"_s;
        return page;
    }

private:
    std::unique_ptr<HistoryStore> m_store;
};

HistoryQuery all(int limit = kMaxHistoryLimit, bool withMoves = true)
{
    HistoryQuery q;
    q.limit = limit;
    q.withMoves = withMoves;
    return q;
}

} // namespace

class TestHistoryStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void recordsComeBackExactly()
    {
        const QString path = m_dir->filePath(u"a/b/history.sqlite"_s); // directories made too
        Store store(path);
        QVERIFY(QFile::exists(path));
        QList<MatchRecord> made;
        for (int i = 0; i < 10; ++i) {
            made.append(makeRecord(i, i));
            store->record(made.last());
        }
        const HistoryPage page = store.ask(all());
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.rows.size(), 10);
        QVERIFY(!page.more);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(page.rows[i], made[9 - i]); // newest first, every field
        QTRY_COMPARE(store->written(), quint64(10));
        QCOMPARE(store->failed(), quint64(0));

        const HistoryPage without = store.ask(all(kMaxHistoryLimit, false));
        QCOMPARE(without.rows.size(), 10);
        QVERIFY(without.rows[0].moves.isEmpty());
        QCOMPARE(without.rows[0].moveCount, quint64(9));
    }

    void pagesAndFilters()
    {
        Store store(m_dir->filePath(u"history.sqlite"_s));
        for (int i = 0; i < 25; ++i)
            store->record(makeRecord(i));
        HistoryQuery q = all(10, false);
        HistoryPage page = store.ask(q);
        QCOMPARE(page.rows.size(), 10);
        QVERIFY(page.more);
        QCOMPARE(page.rows.first().pairId, QByteArray("pair-024"));
        q.offset = 20;
        page = store.ask(q);
        QCOMPARE(page.rows.size(), 5);
        QVERIFY(!page.more);
        QCOMPARE(page.rows.first().pairId, QByteArray("pair-004"));
        QCOMPARE(page.rows.last().pairId, QByteArray("pair-000"));
        q.offset = 15;
        q.limit = 10;
        page = store.ask(q);
        QCOMPARE(page.rows.size(), 10);
        QVERIFY(!page.more); // exactly the last ten

        HistoryQuery byUser = all();
        byUser.userId = "u5"; // games 4 (as userIds[1]) and 5 (as userIds[0])
        page = store.ask(byUser);
        QCOMPARE(page.rows.size(), 2);
        QCOMPARE(page.rows[0].pairId, QByteArray("pair-005"));
        QCOMPARE(page.rows[1].pairId, QByteArray("pair-004"));
        QCOMPARE(page.rows[0], makeRecord(5));
        byUser.limit = 1;
        page = store.ask(byUser);
        QCOMPARE(page.rows.size(), 1);
        QVERIFY(page.more);

        HistoryQuery byPair = all();
        byPair.pairId = "pair-017";
        page = store.ask(byPair);
        QCOMPARE(page.rows.size(), 1);
        QCOMPARE(page.rows[0], makeRecord(17));
        byPair.userId = "u5"; // both filters: none is both
        QVERIFY(store.ask(byPair).rows.isEmpty());
        byPair.userId.clear();
        byPair.pairId = "nope";
        page = store.ask(byPair);
        QVERIFY(page.rows.isEmpty());
        QVERIFY(page.error.isEmpty());

        HistoryQuery bad = all();
        bad.limit = kMaxHistoryLimit + 1;
        QVERIFY(!store.ask(bad).error.isEmpty());
    }

    void sameOverAtOrdersByPairId()
    {
        Store store(m_dir->filePath(u"history.sqlite"_s));
        MatchRecord b = makeRecord(1);
        MatchRecord a = makeRecord(2);
        a.overAtMs = b.overAtMs;
        store->record(b);
        store->record(a);
        const HistoryPage page = store.ask(all());
        QCOMPARE(page.rows.size(), 2);
        QCOMPARE(page.rows[0].pairId, QByteArray("pair-001"));
        QCOMPARE(page.rows[1].pairId, QByteArray("pair-002"));
    }

    void reopenKeepsRows()
    {
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        {
            Store store(path);
            for (int i = 0; i < 3; ++i)
                store->record(makeRecord(i));
            // no query, no wait: the destructor writes what is pending
        }
        Store again(path);
        const HistoryPage page = again.ask(all());
        QCOMPARE(page.rows.size(), 3);
        QCOMPARE(page.rows[2], makeRecord(0));
        again->record(makeRecord(3));
        QCOMPARE(again.ask(all()).rows.size(), 4);
    }

    void batchesFlushWithoutQueries()
    {
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        Store store(path);
        QSignalSpy counters(&*store, &HistoryStore::countersChanged);
        for (int i = 0; i < 70; ++i) // one full batch at once, the rest on the batch timer
            store->record(makeRecord(i, 1));
        QTRY_COMPARE_WITH_TIMEOUT(store->written(), quint64(70), kAnswerTimeoutMs);
        QVERIFY(counters.size() >= 2);

        // another connection sees them: they are committed, not just answered
        HistoryDatabase db;
        QString error;
        QVERIFY2(db.open(path, HistoryDatabase::Mode::ReadOnly, &error), qPrintable(error));
        QCOMPARE(db.query(all()).rows.size(), 70);
    }

    void walAndSchemaVersion()
    {
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        Store store(path);
        store.reset();
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
            QCOMPARE(q.value(0).toString(), u"wal"_s);
            QVERIFY(q.exec(u"PRAGMA user_version"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), HistoryDatabase::kSchemaVersion);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"check"_s);
    }

    void garbageFileIsRefused()
    {
        const QString path = m_dir->filePath(u"garbage.db"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        QString error;
        QVERIFY(!HistoryStore::open(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(u"is not a pairmatch history"_s), qPrintable(error));
        QVERIFY2(error.contains(u"not a database"_s), qPrintable(error));
    }

    void otherSqliteDatabaseIsRefused()
    {
        const QString path = m_dir->filePath(u"other.db"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"other"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery(db).exec(u"CREATE TABLE t (x)"_s);
            db.close();
        }
        QSqlDatabase::removeDatabase(u"other"_s);
        QString error;
        QVERIFY(!HistoryStore::open(path, &error));
        QVERIFY2(error.contains(path) && error.contains(u"other tables"_s), qPrintable(error));
    }

    void newerSchemaIsRefused()
    {
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        Store(path).reset();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"bump"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(
                u"PRAGMA user_version=%1"_s.arg(HistoryDatabase::kSchemaVersion + 1)));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"bump"_s);
        QString error;
        QVERIFY(!HistoryStore::open(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(u"schema version %1"_s.arg(HistoryDatabase::kSchemaVersion + 1)),
            qPrintable(error));
    }

    void unusablePathIsRefused()
    {
        const QString file = m_dir->filePath(u"plain"_s);
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const QString path = file + u"/history.sqlite"_s; // its parent is a regular file
        QString error;
        QVERIFY(!HistoryStore::open(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY(!HistoryStore::open(m_dir->path(), &error)); // a directory
        QVERIFY2(error.contains(m_dir->path()), qPrintable(error));
    }

    // Another connection holds the write lock: the writer waits its busy timeout, tries once
    // more, drops the batch and counts it; queries are still answered (WAL readers do not wait
    // for writers), and once the lock is gone records are kept again.
    void lockedFileCountsFailuresAndKeepsAnswering()
    {
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        Store store(path);
        store->record(makeRecord(0));
        QCOMPARE(store.ask(all()).rows.size(), 1);

        QSqlDatabase locker = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"locker"_s);
        locker.setDatabaseName(path);
        QVERIFY(locker.open());
        QVERIFY(QSqlQuery(locker).exec(u"BEGIN EXCLUSIVE"_s));

        QSignalSpy counters(&*store, &HistoryStore::countersChanged);
        store->record(makeRecord(1));
        store->record(makeRecord(2));
        QTRY_COMPARE_WITH_TIMEOUT(store->failed(), quint64(2), kAnswerTimeoutMs);
        QVERIFY2(!store->lastError().isEmpty(), "lastError says why");
        QVERIFY2(store->lastError().contains(u"busy"_s), qPrintable(store->lastError()));
        QCOMPARE(store->written(), quint64(1));

        QVERIFY(QSqlQuery(locker).exec(u"ROLLBACK"_s));
        locker.close();
        locker = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"locker"_s);

        store->record(makeRecord(3));
        const HistoryPage page = store.ask(all());
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.rows.size(), 2); // 0 and 3; 1 and 2 were dropped
        QTRY_COMPARE(store->written(), quint64(2));
        QCOMPARE(store->failed(), quint64(2));
    }

    void movesColumnRoundTripsExactly()
    {
        const QList<QByteArray> moves = makeRecord(1, 4).moves;
        const QByteArray json = HistoryDatabase::movesToJson(moves);
        QCOMPARE(HistoryDatabase::movesFromJson(json), std::optional(moves));
        QCOMPARE(HistoryDatabase::movesFromJson("[]"), std::optional(QList<QByteArray>()));
        QCOMPARE(HistoryDatabase::movesFromJson(" [ {\"a\":1} , {\"b\":\"]\"} ] "),
            std::optional(QList<QByteArray> {"{\"a\":1}", "{\"b\":\"]\"}"}));
        for (const QByteArray bad : {"", "{}", "[", "[{]", "[1]", "[{\"a\":1},]", "[{}]x"})
            QVERIFY2(!HistoryDatabase::movesFromJson(bad), bad.constData());
    }

    void moveLogCheck()
    {
        MatchRecord r = makeRecord(0, 3);
        r.outcome = MatchOutcome::Ended;
        r.seenSeq = {3, 3};
        QCOMPARE(checkMoveLog(r), QStringList());

        MatchRecord gap = r;
        gap.moves.removeAt(1);
        QVERIFY(checkMoveLog(gap).size() >= 2); // count and seq

        MatchRecord stranger = r;
        stranger.moves[0] = gameFrame("mallory", "1", 1);
        const QStringList problems = checkMoveLog(stranger);
        QCOMPARE(problems.size(), 1);
        QVERIFY(problems[0].contains(u"mallory"_s));

        MatchRecord behind = r;
        behind.seenSeq = {3, 2};
        QCOMPARE(checkMoveLog(behind).size(), 1);
        behind.outcome = MatchOutcome::None; // a player left: the other may be behind
        QCOMPARE(checkMoveLog(behind), QStringList());
        behind.seenSeq = {4, 2};
        QCOMPARE(checkMoveLog(behind).size(), 1);

        MatchRecord trimmed = r; // older moves not kept
        trimmed.firstSeq = 2;
        trimmed.moves.removeFirst();
        QCOMPARE(checkMoveLog(trimmed), QStringList());
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
