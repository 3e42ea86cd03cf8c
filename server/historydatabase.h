// One connection to a match history file (docs/history.md): SQLite through Qt SQL, the
// schema, one batch written in one transaction, one page read. Used on one thread only: the
// HistoryWriter's thread (historywriter.h), the thread that opens the file at start-up
// (HistoryStore::open) and pairmatch-replay, each with a connection of its own. Not a QObject:
// no signals, no timers, no threads.
#pragma once

#include "matchhistory.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace pairmatch {

// What went wrong with a write, by kind: each kind is logged once (historywriter.h).
enum class HistoryFailure : quint8 {
    Busy, // SQLITE_BUSY / SQLITE_LOCKED: another connection holds the file
    Full, // SQLITE_FULL: the disk (or the process's file size limit) is full
    ReadOnly, // SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN
    Io, // SQLITE_IOERR and the rest
};
inline constexpr int kHistoryFailureCount = int(HistoryFailure::Io) + 1;
QLatin1StringView historyFailureName(HistoryFailure failure); // "busy", "full", ...

class HistoryDatabase final
{
public:
    // The schema this build writes and reads (PRAGMA user_version); a file with a higher one
    // was written by a newer pairmatch and is refused.
    static constexpr int kSchemaVersion = 1;
    // PRAGMA application_id of a pairmatch history ("PMH1").
    static constexpr qint32 kApplicationId = 0x504d4831;

    enum class Mode : quint8 {
        Create, // read-write; the directory, file and schema are made when missing
        ReadWrite, // read-write; the file must hold a pairmatch history already
        ReadOnly, // QSQLITE_OPEN_READONLY; the file must hold a pairmatch history
    };

    HistoryDatabase();
    ~HistoryDatabase(); // closes the connection and removes it from Qt's registry
    Q_DISABLE_COPY_MOVE(HistoryDatabase)

    // False with an error that names the file: "history file F is not a pairmatch history:
    // file is not a database", "history file F: schema version 7 is newer than this
    // pairmatch's (1)", "history file F: cannot create directory D"...
    bool open(const QString &path, Mode mode, QString *error);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }

    // The records in one transaction: all or none. On failure: the error text and its kind.
    bool insert(const QList<MatchRecord> &records, QString *error, HistoryFailure *failure);
    // Newest first (overAt desc, then pairId). page.error is set when the file cannot be read.
    HistoryPage query(const HistoryQuery &query);

    // The moves column: a JSON array of the frames exactly as given, and back. nullopt for
    // text that is not an array of objects.
    static QByteArray movesToJson(const QList<QByteArray> &moves);
    static std::optional<QList<QByteArray>> movesFromJson(QByteArrayView json);

private:
    bool exec(const QString &statement, QString *error);
    bool checkSchema(Mode mode, QString *error);

    QString m_connection; // the unique connection name
    QString m_path;
    QSqlDatabase m_db;
};

} // namespace pairmatch
