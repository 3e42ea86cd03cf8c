// The server's one thread of control: it owns the machines (matchmaker, pair table,
// liveness), the connection table and the operators' view, feeds each decoded message to the
// machine it is for and carries out the Effects the machines return: frames queued and sent
// once per pass of the event loop, connections closed. Everything runs on the thread's event
// loop; nothing here is shared with another thread.
#pragma once

#include "admission.h"
#include "connectiontable.h"
#include "deadlinequeue.h"
#include "deadlinetimer.h"
#include "effects.h"
#include "matchmaker.h"
#include "messagecodec.h"
#include "operatorview.h"
#include "pairtable.h"
#include "pingscheduler.h"
#include "route.h"
#include "serverconfig.h"
#include "transport.h"

#include <QObject>

#include <memory>
#include <vector>

namespace pairmatch {

class ClusterNode;
class MatchRecordSink;
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

    qsizetype connectionCount() const { return m_connections.size(); }
    bool isShuttingDown() const { return m_shuttingDown; }
    // Closes every connection with 1001; connectionCount() then falls to 0 within
    // closeGraceMs, and allConnectionsClosed() is emitted when it does.
    void shutdown();

    // Operator actions. Each returns whether it did something and says what in `message`.
    bool kick(ConnId sessionId, QString *message = nullptr);
    bool expire(const QByteArray &pairId, QString *message = nullptr);
    void setDraining(bool draining);
    bool isDraining() const { return m_matchmaker.isDraining(); }

    // What operators see: snapshot, updates, counters.
    OperatorView &view() { return m_view; }
    const OperatorView &view() const { return m_view; }
    const ConnectionTable &connections() const { return m_connections; }
    const Matchmaker &matchmaker() const { return m_matchmaker; }

    const ServerConfig &config() const { return m_config; }
    const Clock &clock() const { return m_clock; }
    const PairTable &pairs() const { return m_pairs; }
    // Where the records of finished games go (the match history); null: nowhere. Set it
    // before the first connection; the sink must outlive the core.
    void setRecordSink(MatchRecordSink *sink);
    MatchRecordSink *recordSink() const { return m_recordSink; }

    // This node's part in a cluster; null without --redis.
    ClusterNode *cluster() const { return m_cluster.get(); }

Q_SIGNALS:
    void allConnectionsClosed();

private:
    // A pass of the event loop with at most this many socket events flushes after each.
    static constexpr int kEagerFlushMaxEvents = 8;

    // Every entry point holds one; the outermost carries out what the machines asked for.
    class Busy
    {
    public:
        explicit Busy(ServerCore &core)
            : m_core(core)
        {
            ++m_core.m_depth;
        }
        ~Busy()
        {
            if (--m_core.m_depth == 0)
                m_core.settle();
        }
        Q_DISABLE_COPY_MOVE(Busy)

    private:
        ServerCore &m_core;
    };
    friend class ClusterNode; // the cluster's replies and batches enter as the sockets' do

    // TransportEvents
    void transportText(Session &session, QByteArrayView utf8) override;
    void transportBinary(Session &session) override;
    void transportPong(Session &session, qint64 rttMs) override;
    void transportClosing(Session &session, const TransportClose &close) override;
    void transportClosed(Session &session) override;
    // After a command to a session's transport: the end it may have brought (transport.h).
    void checkFinished(Session &session);
    // A message past admission, to the machine it is for.
    void dispatch(Session &session, QByteArrayView utf8);
    void onTimer();

    void settle();
    void flushOutput();
    void closeSession(Session &session, quint16 code, QLatin1StringView reason);
    void forget(Session &session, Millis now);
    void finish(ConnId id);

    ServerConfig m_config;
    const Clock &m_clock;
    MessageCodec m_codec;
    Admission m_admission;
    Matchmaker m_matchmaker;
    PairTable m_pairs;
    PingScheduler m_pings;
    DeadlineQueue<ConnId> m_closeGrace; // closing connections to cut if they linger
    ConnectionTable m_connections;
    OperatorView m_view;
    std::unique_ptr<ClusterNode> m_cluster;
    MatchRecordSink *m_recordSink = nullptr;
    DeadlineTimer m_timer;

    Output m_out; // reused for every step
    ClientMessage m_message; // reused for every message
    std::vector<ConnId> m_toPing; // reused by onTimer
    std::vector<ConnId> m_dead; // reused by onTimer
    std::vector<ConnId> m_finished; // disconnected, to delete once settled
    std::vector<ConnId> m_unflushed; // sessions with queued frames
    std::vector<ConnId> m_flushing; // the ones being flushed now
    int m_depth = 0;
    bool m_shuttingDown = false;
};

} // namespace pairmatch
