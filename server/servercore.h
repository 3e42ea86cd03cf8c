// The server's state and its one thread of control: it owns the matchmaker, the pair table,
// the liveness schedule and every player session, feeds decoded messages to the machines and
// carries out the Effects they return. Everything runs on the thread's event loop; nothing
// here is shared with another thread.
#pragma once

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

#include <QObject>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace pairmatch {

class Session;

class ServerCore final : public QObject
{
    Q_OBJECT

public:
    ServerCore(const ServerConfig &config, const Clock &clock, QObject *parent = nullptr);
    ~ServerCore() override;
    Q_DISABLE_COPY_MOVE(ServerCore)

    // A WebSocket opened on this route (from WsServer). The core owns it from now on.
    void adopt(QWebSocket *webSocket, QTcpSocket *tcpSocket, const Route &route);

    qsizetype connectionCount() const { return m_sessionCount; }
    bool isShuttingDown() const { return m_shuttingDown; }
    // Closes every connection with 1001; connectionCount() then falls to 0 within
    // closeGraceMs, and allConnectionsClosed() is emitted when it does.
    void shutdown();

    const ServerConfig &config() const { return m_config; }
    const Clock &clock() const { return m_clock; }
    const Matchmaker &matchmaker() const { return m_matchmaker; }
    const PairTable &pairs() const { return m_pairs; }
    const Session *session(ConnId id) const { return find(id); }

    // The number shown for a connection (its serial, without the slot bits).
    static quint64 displayId(ConnId id) { return id >> kSlotBits; }

Q_SIGNALS:
    void allConnectionsClosed();

private:
    static constexpr int kSlotBits = 24; // at most 16M sessions at once

    // Every entry point holds one; the outermost carries out what the machines asked for.
    class Busy;
    friend class Busy;

    void onText(Session &session, const QString &text);
    void onBinary(Session &session);
    void onPong(Session &session, quint64 elapsedMs);
    void onAboutToClose(Session &session);
    void onDisconnected(Session &session);
    void onTimer();

    void settle();
    void closeSession(Session &session, quint16 code, QLatin1StringView reason);
    void forget(Session &session, Millis now);
    void finish(ConnId id);
    void logEvents();
    Session *find(ConnId id) const;

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
    int m_depth = 0;
    bool m_shuttingDown = false;
};

} // namespace pairmatch
