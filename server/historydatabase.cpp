#include "historydatabase.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

constexpr QLatin1StringView kFailureNames[kHistoryFailureCount]
    = {"busy"_L1, "full"_L1, "read-only"_L1, "io"_L1};

// The columns, in the order insert() binds and query() reads them.
constexpr QLatin1StringView kColumns
    = "pairId, type, userId0, userId1, user0, user1, seed, issuedAt, startedAt, overAt, "
      "outcome, byIndex, moveCount, firstSeq, seenSeq0, seenSeq1"_L1;

const QLatin1StringView kSchema[] = {
    "CREATE TABLE matches ("
    " pairId TEXT PRIMARY KEY NOT NULL,"
    " type INTEGER NOT NULL,"
    " userId0 TEXT NOT NULL," // the newcomer
    " userId1 TEXT NOT NULL," // the waiter
    " user0 TEXT NOT NULL," // their user objects, compact JSON
    " user1 TEXT NOT NULL,"
    " seed INTEGER NOT NULL,"
    " issuedAt INTEGER NOT NULL," // ms since the Unix epoch, UTC
    " startedAt INTEGER NOT NULL," // 0: never started
    " overAt INTEGER NOT NULL,"
    " outcome TEXT NOT NULL," // ended, none, invalid, expired, kicked
    " byIndex INTEGER NOT NULL," // 0: userId0, 1: userId1, -1: nobody
    " moveCount INTEGER NOT NULL,"
    " firstSeq INTEGER NOT NULL,"
    " seenSeq0 INTEGER NOT NULL,"
    " seenSeq1 INTEGER NOT NULL,"
    " moves TEXT NOT NULL" // JSON array of the game frames in seq order
    ")"_L1,
    "CREATE INDEX matches_by_overAt ON matches (overAt, pairId)"_L1,
    "CREATE INDEX matches_by_user0 ON matches (userId0, overAt)"_L1,
    "CREATE INDEX matches_by_user1 ON matches (userId1, overAt)"_L1,
};

HistoryFailure failureOf(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff; // the primary result code
    if (!ok)
        return HistoryFailure::Io;
    switch (code) {
    case 5: // SQLITE_BUSY
    case 6: // SQLITE_LOCKED
        return HistoryFailure::Busy;
    case 13: // SQLITE_FULL
        return HistoryFailure::Full;
    case 3: // SQLITE_PERM
    case 8: // SQLITE_READONLY
    case 14: // SQLITE_CANTOPEN
        return HistoryFailure::ReadOnly;
    default:
        return HistoryFailure::Io;
    }
}

QString textOf(const QSqlError &error)
{
    const QString db = error.databaseText();
    return db.isEmpty() ? error.text() : db;
}

QString connectionName()
{
    static QAtomicInteger<quint64> serial = 0;
    return u"pairmatch-history-%1"_s.arg(serial.fetchAndAddRelaxed(1) + 1);
}

// A JSON value from `at` on: its end (one past), or -1 when it is cut short. Strings and
// nesting are followed so that commas and brackets inside them do not count.
qsizetype endOfObject(QByteArrayView json, qsizetype at)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = at; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return -1;
}

qsizetype skipSpace(QByteArrayView json, qsizetype i)
{
    while (i < json.size()
        && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t'))
        ++i;
    return i;
}

} // namespace

QLatin1StringView historyFailureName(HistoryFailure failure)
{
    return kFailureNames[int(failure)];
}

HistoryDatabase::HistoryDatabase()
    : m_connection(connectionName())
{ }

HistoryDatabase::~HistoryDatabase()
{
    close();
}

bool HistoryDatabase::isOpen() const
{
    return m_db.isOpen();
}

void HistoryDatabase::close()
{
    if (!m_db.isValid())
        return;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

bool HistoryDatabase::exec(const QString &statement, QString *error)
{
    QSqlQuery q(m_db);
    if (q.exec(statement))
        return true;
    if (error)
        *error = textOf(q.lastError());
    return false;
}

bool HistoryDatabase::open(const QString &path, Mode mode, QString *error)
{
    close();
    m_path = path;
    const auto fail = [&](const QString &text) {
        if (error)
            *error = text;
        close();
        return false;
    };
    const QFileInfo file(path);
    if (path.isEmpty())
        return fail(u"no history file given"_s);
    if (mode == Mode::Create) {
        const QString dir = file.absolutePath();
        if (!QDir().mkpath(dir))
            return fail(u"history file %1: cannot create directory %2"_s.arg(path, dir));
    } else if (!file.exists()) {
        return fail(u"history file %1 does not exist"_s.arg(path));
    }
    if (file.exists() && !file.isFile())
        return fail(u"history file %1 is not a regular file"_s.arg(path));

    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    if (!m_db.isValid())
        return fail(u"history file %1: Qt's SQLite driver (QSQLITE, Debian: libqt6sql6-sqlite) "
                    "is not installed"_s.arg(path));
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(mode == Mode::ReadOnly
            ? u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=1000"_s
            : u"QSQLITE_BUSY_TIMEOUT=1000"_s);
    if (!m_db.open())
        return fail(u"history file %1 cannot be opened: %2"_s.arg(path, textOf(m_db.lastError())));
    if (!checkSchema(mode, error)) {
        close();
        return false;
    }
    return true;
}

bool HistoryDatabase::checkSchema(Mode mode, QString *error)
{
    const auto fail = [&](const QString &text) {
        if (error)
            *error = text;
        return false;
    };
    const auto notOurs = [&](const QString &why) {
        return fail(u"history file %1 is not a pairmatch history: %2"_s.arg(m_path, why));
    };
    // The first read of the file: a file that is not SQLite fails here.
    QSqlQuery q(m_db);
    if (!q.exec(u"PRAGMA user_version"_s) || !q.next())
        return notOurs(textOf(q.lastError()));
    const int version = q.value(0).toInt();
    if (!q.exec(u"PRAGMA application_id"_s) || !q.next())
        return notOurs(textOf(q.lastError()));
    const qint32 applicationId = q.value(0).toInt();
    q.finish();

    if (version > kSchemaVersion) {
        return fail(u"history file %1: schema version %2 is newer than this pairmatch's (%3); "
                    "use a newer pairmatch or another file"_s.arg(m_path)
                        .arg(version)
                        .arg(kSchemaVersion));
    }
    if (version > 0 && applicationId != kApplicationId)
        return notOurs(u"another program's database (application_id %1)"_s.arg(applicationId));
    if (mode != Mode::ReadOnly) {
        QString text;
        QSqlQuery wal(m_db);
        if (!wal.exec(u"PRAGMA journal_mode=WAL"_s) || !wal.next())
            return fail(
                u"history file %1: cannot use WAL: %2"_s.arg(m_path, textOf(wal.lastError())));
        if (wal.value(0).toString().compare("wal"_L1, Qt::CaseInsensitive) != 0)
            return fail(u"history file %1: cannot use WAL (journal mode %2)"_s.arg(
                m_path, wal.value(0).toString()));
        wal.finish();
        if (!exec(u"PRAGMA synchronous=NORMAL"_s, &text))
            return fail(u"history file %1: %2"_s.arg(m_path, text));
    }
    if (version == kSchemaVersion)
        return true;

    // version 0: a new file, or an SQLite database of somebody else's
    if (mode != Mode::Create)
        return notOurs(u"it holds no matches table"_s);
    if (!q.exec(u"SELECT count(*) FROM sqlite_master"_s) || !q.next())
        return notOurs(textOf(q.lastError()));
    if (q.value(0).toInt() != 0)
        return notOurs(u"it holds other tables"_s);
    q.finish();
    QString text;
    if (!exec(u"BEGIN IMMEDIATE"_s, &text))
        return fail(u"history file %1: cannot write: %2"_s.arg(m_path, text));
    bool ok = true;
    for (const QLatin1StringView statement : kSchema)
        ok = ok && exec(QString(statement), &text);
    ok = ok && exec(u"PRAGMA application_id=%1"_s.arg(kApplicationId), &text);
    ok = ok && exec(u"PRAGMA user_version=%1"_s.arg(kSchemaVersion), &text);
    ok = ok && exec(u"COMMIT"_s, &text);
    if (!ok) {
        exec(u"ROLLBACK"_s, nullptr);
        return fail(u"history file %1: cannot create the schema: %2"_s.arg(m_path, text));
    }
    return true;
}

bool HistoryDatabase::insert(
    const QList<MatchRecord> &records, QString *error, HistoryFailure *failure)
{
    const auto fail = [&](const QSqlError &sqlError) {
        if (error)
            *error = textOf(sqlError);
        if (failure)
            *failure = failureOf(sqlError);
        return false;
    };
    if (!m_db.isOpen()) {
        if (error)
            *error = u"the history file is not open"_s;
        if (failure)
            *failure = HistoryFailure::Io;
        return false;
    }
    if (!m_db.transaction())
        return fail(m_db.lastError());
    QSqlQuery q(m_db);
    if (!q.prepare(u"INSERT OR REPLACE INTO matches (%1, moves) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(kColumns))) {
        const QSqlError e = q.lastError();
        m_db.rollback();
        return fail(e);
    }
    for (const MatchRecord &r : records) {
        int i = 0;
        q.bindValue(i++, QString::fromUtf8(r.pairId));
        q.bindValue(i++, r.type);
        q.bindValue(i++, QString::fromUtf8(r.userIds[0]));
        q.bindValue(i++, QString::fromUtf8(r.userIds[1]));
        q.bindValue(i++, QString::fromUtf8(r.users[0]));
        q.bindValue(i++, QString::fromUtf8(r.users[1]));
        q.bindValue(i++, r.seed);
        q.bindValue(i++, r.issuedAtMs);
        q.bindValue(i++, r.startedAtMs);
        q.bindValue(i++, r.overAtMs);
        q.bindValue(i++, QString(matchOutcomeName(r.outcome)));
        q.bindValue(i++, int(r.by));
        q.bindValue(i++, qint64(r.moveCount));
        q.bindValue(i++, qint64(r.firstSeq));
        q.bindValue(i++, qint64(r.seenSeq[0]));
        q.bindValue(i++, qint64(r.seenSeq[1]));
        q.bindValue(i++, QString::fromUtf8(movesToJson(r.moves)));
        if (!q.exec()) {
            const QSqlError e = q.lastError();
            q.finish();
            m_db.rollback();
            return fail(e);
        }
    }
    q.finish();
    if (!m_db.commit()) {
        const QSqlError e = m_db.lastError();
        m_db.rollback();
        return fail(e);
    }
    return true;
}

HistoryPage HistoryDatabase::query(const HistoryQuery &query)
{
    HistoryPage page;
    page.query = query;
    if (query.limit < 1 || query.limit > kMaxHistoryLimit || query.offset < 0) {
        page.error
            = u"bad query: limit must be 1 to %1 and offset at least 0"_s.arg(kMaxHistoryLimit);
        return page;
    }
    if (!m_db.isOpen()) {
        page.error = u"the history file is not open"_s;
        return page;
    }
    QStringList where;
    if (!query.userId.isEmpty())
        where.append(u"(userId0 = :user OR userId1 = :user)"_s);
    if (!query.pairId.isEmpty())
        where.append(u"pairId = :pair"_s);
    const QString sql
        = u"SELECT %1, %2 FROM matches %3 ORDER BY overAt DESC, pairId "
          "LIMIT :limit OFFSET :offset"_s.arg(kColumns, query.withMoves ? u"moves"_s : u"''"_s,
              where.isEmpty() ? QString() : u"WHERE "_s + where.join(" AND "_L1));
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        page.error = textOf(q.lastError());
        return page;
    }
    if (!query.userId.isEmpty())
        q.bindValue(u":user"_s, QString::fromUtf8(query.userId));
    if (!query.pairId.isEmpty())
        q.bindValue(u":pair"_s, QString::fromUtf8(query.pairId));
    q.bindValue(u":limit"_s, query.limit + 1); // one more: are there more?
    q.bindValue(u":offset"_s, query.offset);
    if (!q.exec()) {
        page.error = textOf(q.lastError());
        return page;
    }
    while (q.next()) {
        if (page.rows.size() == query.limit) {
            page.more = true;
            break;
        }
        MatchRecord r;
        int i = 0;
        r.pairId = q.value(i++).toString().toUtf8();
        r.type = q.value(i++).toInt();
        r.userIds[0] = q.value(i++).toString().toUtf8();
        r.userIds[1] = q.value(i++).toString().toUtf8();
        r.users[0] = q.value(i++).toString().toUtf8();
        r.users[1] = q.value(i++).toString().toUtf8();
        r.seed = q.value(i++).toInt();
        r.issuedAtMs = q.value(i++).toLongLong();
        r.startedAtMs = q.value(i++).toLongLong();
        r.overAtMs = q.value(i++).toLongLong();
        const std::optional<MatchOutcome> outcome = matchOutcomeFromName(q.value(i++).toString());
        r.by = qint8(std::clamp(q.value(i++).toInt(), -1, 1));
        r.moveCount = quint64(q.value(i++).toLongLong());
        r.firstSeq = quint64(q.value(i++).toLongLong());
        r.seenSeq[0] = quint64(q.value(i++).toLongLong());
        r.seenSeq[1] = quint64(q.value(i++).toLongLong());
        std::optional<QList<QByteArray>> moves;
        if (query.withMoves)
            moves = movesFromJson(q.value(i++).toString().toUtf8());
        if (!outcome || (query.withMoves && !moves)) {
            page.error = u"pair %1: the row cannot be read (outcome or moves malformed)"_s.arg(
                QString::fromUtf8(r.pairId));
            continue;
        }
        r.outcome = *outcome;
        if (moves)
            r.moves = std::move(*moves);
        page.rows.append(std::move(r));
    }
    if (q.lastError().isValid() && q.lastError().type() != QSqlError::NoError)
        page.error = textOf(q.lastError());
    return page;
}

QByteArray HistoryDatabase::movesToJson(const QList<QByteArray> &moves)
{
    qsizetype size = 2;
    for (const QByteArray &move : moves)
        size += move.size() + 1;
    QByteArray json;
    json.reserve(size);
    json.append('[');
    for (qsizetype i = 0; i < moves.size(); ++i) {
        if (i > 0)
            json.append(',');
        json.append(moves[i]);
    }
    json.append(']');
    return json;
}

std::optional<QList<QByteArray>> HistoryDatabase::movesFromJson(QByteArrayView json)
{
    QList<QByteArray> moves;
    qsizetype i = skipSpace(json, 0);
    if (i >= json.size() || json[i] != '[')
        return std::nullopt;
    i = skipSpace(json, i + 1);
    if (i < json.size() && json[i] == ']')
        return skipSpace(json, i + 1) == json.size() ? std::optional(moves) : std::nullopt;
    while (true) {
        if (i >= json.size() || json[i] != '{')
            return std::nullopt;
        const qsizetype end = endOfObject(json, i);
        if (end < 0)
            return std::nullopt;
        moves.append(json.sliced(i, end - i).toByteArray());
        i = skipSpace(json, end);
        if (i >= json.size())
            return std::nullopt;
        if (json[i] == ']')
            break;
        if (json[i] != ',')
            return std::nullopt;
        i = skipSpace(json, i + 1);
    }
    if (skipSpace(json, i + 1) != json.size())
        return std::nullopt;
    return moves;
}

} // namespace pairmatch
