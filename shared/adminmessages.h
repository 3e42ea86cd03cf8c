// What operators see of a running server: value structs that the core emits, the admin API
// carries as JSON (docs/admin-api.md) and the dashboard's models show. One definition, so
// the in-process dashboard and an attached one show the same rows.
#pragma once

#include "messages.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <array>

namespace pairmatch {

// Times are milliseconds since the Unix epoch on the server's clock.

struct SessionInfo {
    quint64 id = 0; // as shown: a serial number, never reused
    Endpoint endpoint = Endpoint::Matching;
    QString path; // /ws/matching/3, /ws/round/<pairId>
    QString userId; // as last named in entry/prepared
    QString remote; // address:port
    qint64 connectedAtMs = 0;
    quint64 messagesIn = 0;
    quint64 messagesOut = 0;
    qint64 rttMs = -1; // last ping round trip; -1 before the first pong

    friend bool operator==(const SessionInfo &, const SessionInfo &) = default;
};

struct QueueEntryInfo {
    quint64 sessionId = 0;
    qint32 type = 0;
    QString userId;
    qint64 sinceMs = 0;

    friend bool operator==(const QueueEntryInfo &, const QueueEntryInfo &) = default;
};

struct PairInfo {
    QString pairId;
    qint32 type = 0;
    std::array<QString, 2> userIds; // [newcomer, waiter], as matched
    std::array<quint64, 2> seatSessions {}; // session holding each user's seat; 0: free
    PairState state = PairState::Issued;
    int outcome = -1; // PairOutcome once over, else -1
    quint64 moves = 0;
    qint64 issuedAtMs = 0;
    qint64 prepareDeadlineMs = -1; // while it can still time out

    friend bool operator==(const PairInfo &, const PairInfo &) = default;
};

// A connection the server closed on its own.
struct ForcedDisconnect {
    qint64 atMs = 0;
    quint64 sessionId = 0;
    QString userId;
    QString pairId;
    Endpoint endpoint = Endpoint::Matching;
    QString remote;
    int code = 0;
    QString reason;

    friend bool operator==(const ForcedDisconnect &, const ForcedDisconnect &) = default;
};

// One line of the event log.
struct LogEvent {
    enum class Kind : quint8 {
        MatchMade, // userId + otherUserId matched into pairId
        PairStarted, // both seated
        PairEnded, // `end`
        PairNone, // userId left a started pair
        PairInvalid, // the prepare timeout fired
        Kicked, // an operator kicked sessionId
        Expired, // an operator expired pairId
        Replaced, // takeover of userId's seat
        ErrorSent, // an error went to sessionId (detail: the code)
        Drain, // an operator started draining
        Undrain, // ... and stopped
    };
    qint64 atMs = 0;
    Kind kind = Kind::MatchMade;
    quint64 sessionId = 0;
    QString userId;
    QString otherUserId;
    QString pairId;
    QString detail;

    friend bool operator==(const LogEvent &, const LogEvent &) = default;
};
inline constexpr int kLogEventKindCount = int(LogEvent::Kind::Undrain) + 1;
QLatin1StringView logEventKindName(LogEvent::Kind kind); // "match", "started", ...
std::optional<LogEvent::Kind> logEventKindFromName(QStringView name);

// The counters of the status strip, sampled once a second.
struct StatsSample {
    qint64 atMs = 0;
    qint64 connections = 0;
    qint64 waiting = 0;
    qint64 livePairs = 0;
    double matchesPerMinute = 0; // over the last 60 s
    double movesPerSecond = 0; // over the last second
    // The match history (docs/history.md): games kept and games it could not keep, since
    // start; both 0 with --history off.
    qint64 historyWritten = 0;
    qint64 historyFailed = 0;

    friend bool operator==(const StatsSample &, const StatsSample &) = default;
};

// A cluster's queue, as Redis holds it.
struct ClusterQueueLength {
    qint32 type = 0;
    qint64 length = 0;

    friend bool operator==(const ClusterQueueLength &, const ClusterQueueLength &) = default;
};

// A live pair of the cluster, as its record in Redis says.
struct ClusterPairRow {
    QString pairId;
    QString home; // the node that orders its moves
    qint32 type = 0;
    QString state; // issued, waiting, started, ended, over
    std::array<QString, 2> userIds;
    std::array<QString, 2> seatNodes; // the node holding each seat; empty: free
    bool local = false; // its home is this node

    friend bool operator==(const ClusterPairRow &, const ClusterPairRow &) = default;
};

// This node's place in a cluster (--redis): empty nodeId when it runs alone.
struct ClusterState {
    QString nodeId;
    bool linkUp = false;
    qint64 downSinceMs = -1; // while the link is down: since when
    QString lastError;
    QList<ClusterQueueLength> queues; // every type with someone waiting, cluster-wide
    QList<ClusterPairRow> pairs; // the cluster's pairs (at most 500)

    bool enabled() const { return !nodeId.isEmpty(); }
    friend bool operator==(const ClusterState &, const ClusterState &) = default;
};

// The whole state at one point, with the sequence number of the last update it includes.
struct Snapshot {
    quint64 seq = 0;
    qint64 serverTimeMs = 0;
    bool draining = false;
    QList<SessionInfo> sessions;
    QList<QueueEntryInfo> queue;
    QList<PairInfo> pairs;
    QList<ForcedDisconnect> disconnects; // oldest first
    QList<LogEvent> events; // oldest first
    QList<StatsSample> history; // oldest first, one a second
    ClusterState cluster;

    friend bool operator==(const Snapshot &, const Snapshot &) = default;
};

// One change after the snapshot. seq increases by one per update; an update with a seq not
// above the snapshot's is already in it and is dropped.
struct AdminUpdate {
    enum class Kind : quint8 {
        SessionOpened, // session
        SessionChanged, // session (counters, userId, rtt)
        SessionClosed, // sessionId
        QueueJoined, // queueEntry
        QueueLeft, // sessionId
        PairChanged, // pair (added or changed)
        PairRemoved, // pairId
        Disconnect, // disconnect
        Event, // event
        Stats, // stats
        Draining, // draining
        Cluster, // cluster
    };
    quint64 seq = 0;
    Kind kind = Kind::Stats;
    quint64 sessionId = 0;
    QString pairId;
    bool draining = false;
    SessionInfo session;
    QueueEntryInfo queueEntry;
    PairInfo pair;
    ForcedDisconnect disconnect;
    LogEvent event;
    StatsSample stats;
    ClusterState cluster;

    friend bool operator==(const AdminUpdate &, const AdminUpdate &) = default;
};

// JSON forms (the admin API). fromJson returns false on a malformed object.
QJsonObject toJson(const Snapshot &snapshot);
QJsonObject toJson(const AdminUpdate &update);
bool fromJson(const QJsonObject &json, Snapshot &snapshot);
bool fromJson(const QJsonObject &json, AdminUpdate &update);

// The `updates` message, a batch of updates in order. The admin server serializes each update
// once for all its clients and wraps a client's batch (the compact JSON objects of its
// updates, joined by commas) with updatesMessage().
QByteArray updatesMessage(QByteArrayView joinedUpdates);
// The updates of an `updates` message, a malformed one left out; false when it is none.
bool fromJson(const QJsonObject &json, QList<AdminUpdate> &updates);

} // namespace pairmatch

Q_DECLARE_METATYPE(pairmatch::Snapshot)
Q_DECLARE_METATYPE(pairmatch::AdminUpdate)
