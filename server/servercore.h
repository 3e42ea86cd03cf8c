// The server's state and its one thread of control: it owns the matchmaker, the pair table,
// the liveness schedule and every player session, feeds decoded messages to the machines and
// carries out the Effects they return. Everything runs on the thread's event loop; nothing
// here is shared with another thread.
//
// For operators it keeps the recent forced disconnects and events, samples counters once a
// second, and, while anyone observes it, emits every change as an AdminUpdate (value structs
// from adminmessages.h, never display text).
#pragma once

#include "adminmessages.h"
#include "deadlinequeue.h"
#include "deadlinetimer.h"
#include "effects.h"
#include "matchmaker.h"
#include "messagecodec.h"
#include "pairtable.h"
#include "pingscheduler.h"
#include "ratelimiter.h"
#include "route.h"
#include "serverconfig.h"
#include "transport.h"

#include <QObject>
#include <QTimer>

#include <deque>
#include <memory>
#include <vector>

namespace pairmatch {

class Session;

class ServerCore final : public QObject, private TransportEvents
{
    Q_OBJECT

public:
    ServerCore(const ServerConfig &config, const Clock &clock, QObject *parent = nullptr);
    ~ServerCore() override;
    Q_DISABLE_COPY_MOVE(ServerCore)

    // A WebSocket opened on this route (from the players' listener). The core owns its
    // transport from now on.
    void adopt(pairmatch::Transport *transport, const pairmatch::Route &route);

    qsizetype connectionCount() const { return m_sessionCount; }
    bool isShuttingDown() const { return m_shuttingDown; }
    // Closes every connection with 1001; connectionCount() then falls to 0 within
    // closeGraceMs, and allConnectionsClosed() is emitted when it does.
    void shutdown();

    // Operator actions. Each returns whether it did something and says what in `message`.
    bool kick(quint64 sessionId, QString *message = nullptr);
    bool expire(const QByteArray &pairId, QString *message = nullptr);
    void setDraining(bool draining);
    bool isDraining() const { return m_matchmaker.isDraining(); }

    // Operators' view: the whole state now; updated() carries every change after it, while
    // at least one observer is registered.
    Snapshot snapshot() const;
    void addObserver();
    void removeObserver();

    const ServerConfig &config() const { return m_config; }
    const Clock &clock() const { return m_clock; }
    const Matchmaker &matchmaker() const { return m_matchmaker; }
    const PairTable &pairs() const { return m_pairs; }
    const Session *session(ConnId id) const { return find(id); }

    // The number shown for a connection (its serial, without the slot bits).
    static quint64 displayId(ConnId id) { return id >> kSlotBits; }

    // How many forced disconnects and events the core keeps for a new observer.
    static constexpr qsizetype kKeptDisconnects = 5000;
    static constexpr qsizetype kKeptEvents = 5000;
    static constexpr qsizetype kKeptSamples = 600; // ten minutes, one a second

Q_SIGNALS:
    void allConnectionsClosed();
    void updated(const pairmatch::AdminUpdate &update);

private:
    static constexpr int kSlotBits = 24; // at most 16M sessions at once
    // A pass of the event loop with at most this many socket events flushes after each.
    static constexpr int kEagerFlushMaxEvents = 8;

    // Every entry point holds one; the outermost carries out what the machines asked for.
    class Busy;
    friend class Busy;

    // TransportEvents
    void transportText(Session &session, QByteArrayView utf8) override;
    void transportBinary(Session &session) override;
    void transportPong(Session &session, qint64 rttMs) override;
    void transportClosing(Session &session, const TransportClose &close) override;
    void transportClosed(Session &session) override;
    // After a command to a session's transport: the end it may have brought (transport.h).
    void checkFinished(Session &session);

    bool admit(Session &session);
    void noteUser(Session &session, const QByteArray &userId);
    void onTimer();
    void onStatsTick();

    void settle();
    void flushOutput();
    void closeSession(Session &session, quint16 code, QLatin1StringView reason);
    void forget(Session &session, Millis now);
    void finish(ConnId id);
    Session *find(ConnId id) const;
    Session *findByDisplayId(quint64 id) const;

    // operators' view
    qint64 wallTime(Millis t) const { return m_wallAtStart + (t - m_monoAtStart); }
    void report(Output &out);
    void reportPair(const QByteArray &pairId);
    void record(const LogEvent &event);
    void recordDisconnect(const Session &session, int code, const QString &reason);
    void emitUpdate(AdminUpdate &update);
    SessionInfo sessionInfo(const Session &s) const;
    PairInfo pairInfo(const Pair &pair) const;
    LogEvent logEvent(LogEvent::Kind kind) const;

    ServerConfig m_config;
    const Clock &m_clock;
    MessageCodec m_codec;
    RateLimiter m_rate;
    Matchmaker m_matchmaker;
    PairTable m_pairs;
    PingScheduler m_pings;
    DeadlineQueue<ConnId> m_closeGrace; // closing connections to cut if they linger
    DeadlineTimer m_timer;

    std::vector<Session *> m_slots; // by ConnId's low bits
    std::vector<quint32> m_freeSlots;
    quint64 m_nextSerial = 1;
    qsizetype m_sessionCount = 0;

    Output m_out; // reused for every step
    ClientMessage m_message; // reused for every message
    std::vector<ConnId> m_toPing; // reused by onTimer
    std::vector<ConnId> m_dead; // reused by onTimer
    std::vector<ConnId> m_finished; // disconnected, to delete once settled
    std::vector<ConnId> m_unflushed; // sessions with queued frames
    std::vector<ConnId> m_flushing; // the ones being flushed now
    int m_depth = 0;
    bool m_shuttingDown = false;

    // operators' view
    Millis m_monoAtStart = 0;
    qint64 m_wallAtStart = 0;
    int m_observers = 0;
    quint64 m_seq = 0;
    std::deque<ForcedDisconnect> m_disconnects;
    std::deque<LogEvent> m_events;
    std::deque<StatsSample> m_history;
    QTimer m_statsTimer;
    quint64 m_matchesTotal = 0;
    std::array<quint32, 60> m_matchesPerSecond {}; // ring, by second
    std::size_t m_matchSlot = 0;
    quint64 m_movesAtLastTick = 0;
    Millis m_lastTick = 0;
};

} // namespace pairmatch
