// pairmatch::Client: one player of a pairmatch server (docs/protocol.md), as a QObject.
//
//     pairmatch::Client client(QUrl("ws://127.0.0.1:8080"));
//     connect(&client, &Client::started, ...);       // both seated: play
//     connect(&client, &Client::moved, ...);         // every move, yours included, in order
//     client.enter(3, QJsonObject {{"userId", "alice"}});
//
// enter() opens /ws/matching/{type} and sends `entry`; on `prepare` the client closes that
// connection and opens /ws/round/{pairId} itself with its pairId and token (`prepared`).
// One signal per server message. A connection that drops (no close frame from the server,
// or a ping timeout) is reopened: in a round with the same token (a takeover: the server
// closes the stale connection with 4001 and seats the new one), while queued with a new
// `entry`. When the server numbers moves (`seq`, a later protocol extension) the client
// keeps the last number it saw, sends it back as `lastSeq` on a reconnect and drops moves
// it already had, so a resume neither loses nor repeats a move.
//
// Needs Qt Core, Network and WebSockets only; one thread, the one the client lives in.
#pragma once

#include <pairmatch/clientexport.h>

#include <QBasicTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

QT_BEGIN_NAMESPACE
class QSslConfiguration;
class QWebSocket;
QT_END_NAMESPACE

namespace pairmatch {

// What `prepare` hands a player: all it takes to (re)open its seat in the round, from this
// client or another one (seat() then join()).
struct PAIRMATCH_CLIENT_EXPORT Seat {
    QUrl server; // ws://HOST:PORT (or wss://, or with a path prefix)
    qint32 type = 0;
    int seed = 0; // 1..10000, the same for both players
    QString pairId;
    QString token; // this player's own secret
    QJsonObject user; // as this player entered, sent again with `prepared`
    QJsonArray users; // [newcomer, waiter] as in `prepare`, the same for both players
    qint64 lastSeq = 0; // the last move number seen (servers that number moves); 0: none

    bool isValid() const { return !pairId.isEmpty() && !token.isEmpty(); }
    QString userId() const { return user.value(QStringLiteral("userId")).toString(); }
    // The other player's user object (from users), empty if unknown.
    QJsonObject opponent() const;

    QJsonObject toJson() const;
    static Seat fromJson(const QJsonObject &object);
};

class PAIRMATCH_CLIENT_EXPORT Client final : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Idle, // nothing open: before enter() or join(), after close()
        Entering, // the matching connection opens; `entry` goes out once it is open
        Queued, // `entried`: waiting for an opponent
        Joining, // matched: the round connection opens, `prepared` goes out
        Waiting, // `wait`: seated, the opponent is not there yet
        Playing, // `start`: both seated; move() and end()
        Reconnecting, // the connection dropped; reopening it (see setReconnect())
        Ended, // `ended`: this player ended the pair
        Over, // the pair is over otherwise: `none`, `invalid`, or the round is gone
        Closed, // the server closed the connection for good (kick, takeover, limits), or
                // reconnecting gave up
    };
    Q_ENUM(State)

    explicit Client(const QUrl &server = {}, QObject *parent = nullptr);
    ~Client() override; // closes what is open (1000)
    Q_DISABLE_COPY_MOVE(Client)

    // ws://HOST:PORT, wss://HOST:PORT, or with a path prefix (ws://HOST/game opens
    // ws://HOST/game/ws/matching/3).
    QUrl server() const { return m_server; }
    void setServer(const QUrl &server) { m_server = server; }
    // For wss:// with a private CA or a self-signed certificate.
    void setSslConfiguration(const QSslConfiguration &configuration);

    // Matching: opens /ws/matching/{type} and sends `entry` with user ({"userId": ...} and
    // anything else the opponent should see).
    void enter(qint32 type, const QJsonObject &user);
    void enter(qint32 type, const QString &userId);
    // Leaves the queue (`cancel`); the connection stays open for another enter().
    void cancel();

    // Round: opens /ws/round/{pairId} and sends `prepared`. Done by the client itself on
    // `prepare` unless setAutoJoin(false); call it to take over a seat from another client
    // or process (the seat of that one's seat()).
    void join(const Seat &seat);
    // A move: {"command":"game","data":data}; it comes back to both players as moved().
    void move(const QJsonValue &data);
    // Finishes the pair: `ended` comes back (ended()).
    void end();

    // Closes the open connection with 1000 and stops reconnecting: state Idle (or Ended /
    // Over, which it keeps).
    void close();

    // Open the round on `prepare` (default true). Off, matched() is the end of the road
    // until join(seat()).
    void setAutoJoin(bool on) { m_autoJoin = on; }
    bool autoJoin() const { return m_autoJoin; }
    // Reopen a dropped connection up to `attempts` times in a row (0: never; default 5),
    // the first after firstDelayMs (default 250), each next one twice as late, at most 4 s.
    void setReconnect(int attempts, int firstDelayMs = 250);
    int reconnectAttempts() const { return m_maxAttempts; }
    // Gives up on a connection that is not open within this (default 10 s): a drop.
    void setOpenTimeout(int ms) { m_openTimeoutMs = ms; }

    // For QA and server tests; a game needs neither.
    // One text frame exactly as given, on whichever connection is open.
    void sendText(const QString &text);
    // Cuts the TCP connection without a close frame, as a lost network would; the client
    // then reconnects as for any drop (unless setReconnect(0)).
    void dropConnection();

    State state() const { return m_state; }
    bool isOpen() const;
    const Seat &seat() const { return m_seat; }
    QJsonObject user() const { return m_user; }
    QString userId() const { return m_user.value(QStringLiteral("userId")).toString(); }
    // The other player, once known (prepare, then start).
    QJsonObject opponent() const;
    // `start`'s users, in seating order; empty before.
    QJsonArray startUsers() const { return m_startUsers; }
    // Moves seen in this round (after the duplicates of a resume are dropped).
    qint64 moveCount() const { return m_moves; }
    // The last `seq` of a move (servers that number moves); 0 when none.
    qint64 lastSeq() const { return m_seat.lastSeq; }
    // The close code and reason of the last connection that ended (1006: dropped).
    int lastCloseCode() const { return m_lastCloseCode; }
    QString lastCloseReason() const { return m_lastCloseReason; }

    static QString stateName(State state);

Q_SIGNALS:
    void stateChanged(pairmatch::Client::State state);
    // Every message the server sends, as received, before the signal of its own below.
    void messageReceived(const QJsonObject &message);

    void queued(); // entried
    void cancelled();
    void matched(const pairmatch::Seat &seat); // prepare
    void waiting(); // wait
    void started(const QJsonArray &users); // start, the first time
    // A move, from either player (sender included), in the one order both players see.
    void moved(const QString &userId, const QJsonValue &data);
    void ended(); // ended: the answer to end()
    void opponentLeft(); // none: the opponent left the started pair
    void invalid(); // invalid: the opponent never came
    // Servers with a reconnect grace (a later protocol extension): the opponent's
    // connection dropped / it took its seat back.
    void opponentAway(const QString &userId);
    void opponentBack(const QString &userId);
    // {"command":"error"}: code as on the wire ("duplicate_user", "ended", ...).
    void error(const QString &code, const QString &message);

    // The connection dropped; attempt `attempt` (1, 2...) follows after delayMs.
    void reconnecting(int attempt, int delayMs);
    // A reopened round seated this player again (start, wait or ended follows as usual,
    // without a second started()).
    void resumed();
    // A connection ended that the client did not close itself: the server's close code and
    // reason, or 1006 when it dropped. State tells what follows (Reconnecting or Closed...).
    void disconnected(int code, const QString &reason);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class Endpoint { Matching, Round };

    void open(Endpoint endpoint);
    void sendMessage(const QJsonObject &message);
    // game and end: held while a dropped round reconnects, sent once it is seated again.
    void sendOrHold(const QJsonObject &message);
    void setState(State state);
    void onOpened(QWebSocket *socket);
    void onText(QWebSocket *socket, const QString &text);
    void onDisconnected(QWebSocket *socket);
    void handle(const QJsonObject &message);
    void connectionLost(int code, const QString &reason);
    void reconnectNow();
    // Forgets the current connection: closed with `code` (0: cut, no close frame).
    void dropSocket(int code);
    QUrl endpointUrl(Endpoint endpoint) const;

    QUrl m_server;
    std::unique_ptr<QSslConfiguration> m_ssl;
    QWebSocket *m_socket = nullptr; // the one connection that counts; deleted later
    Endpoint m_endpoint = Endpoint::Matching;
    State m_state = State::Idle;
    State m_stateBeforeDrop = State::Idle;
    qint32 m_type = 0;
    QJsonObject m_user;
    Seat m_seat;
    QJsonArray m_startUsers;
    bool m_started = false; // `start` seen in this round
    bool m_serverNumbersMoves = false; // a `start` or `game` carried seq
    bool m_resuming = false; // the round was reopened after a drop
    bool m_autoJoin = true;
    qint64 m_moves = 0;
    QList<QJsonObject> m_pendingMoves; // held by sendOrHold()
    int m_maxAttempts = 5;
    int m_firstDelayMs = 250;
    int m_attempt = 0;
    int m_openTimeoutMs = 10'000;
    QBasicTimer m_openTimer;
    QBasicTimer m_reconnectTimer;
    int m_lastCloseCode = 0;
    QString m_lastCloseReason;
};

} // namespace pairmatch
