// The node's two connections to Redis, through hiredis' asynchronous API driven by its Qt
// adapter (hiredis/adapters/qt.h: socket notifiers on this thread's event loop): one for
// commands and scripts, one subscribed to this node's channel. No threads, no polling loop:
// replies and messages arrive as socket events, and the link's deadlines (reconnect backoff,
// a reply or the subscription's echo overdue) are run by its owner's timer through
// nextDeadline()/advance().
//
// The link is up when both connections are open, the scripts loaded and the channel
// subscribed; it goes down when either connection drops or a reply is overdue (hiredis 0.14
// has no timeouts of its own: a stopped Redis would otherwise hang every command), and then
// reconnects with a backoff of 100 ms doubling to 2 s. Every command's callback is called
// exactly once: with the reply, or with nullptr when the link went down first.
#pragma once

#include "clock.h"
#include "clusterscripts.h"
#include "deadlinequeue.h"
#include "redisurl.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <deque>
#include <functional>
#include <initializer_list>
#include <vector>

struct redisAsyncContext;
struct redisReply;
class RedisQtAdapter;

namespace pairmatch {

class RedisLink final : public QObject
{
    Q_OBJECT

public:
    enum class State : quint8 { Down, Connecting, Up };
    using Callback = std::function<void(const redisReply *reply)>; // nullptr: the link went down

    // Subscribes to `channel`; replies overdue by replyTimeoutMs take the link down.
    RedisLink(RedisAddress address, QByteArray channel, const Clock &clock, Millis replyTimeoutMs,
        QObject *parent = nullptr);
    ~RedisLink() override;
    Q_DISABLE_COPY_MOVE(RedisLink)

    State state() const { return m_state; }
    bool isUp() const { return m_state == State::Up; }
    // Since when the link has been down (or connecting); meaningless while up.
    Millis downSince() const { return m_downSince; }
    QString lastError() const { return m_lastError; }

    // Connects now (and again after every loss, until stop()).
    void start();
    // Closes both connections for good; pending callbacks get nullptr.
    void stop();

    // Sends a command while the link is up (false, and no callback, when it is not). Commands
    // sent in one pass of the event loop leave together (hiredis writes its buffer when the
    // socket is writable), in order. The arguments are written out in Redis' protocol (RESP)
    // before this returns: they need not outlive the call.
    bool command(std::initializer_list<QByteArrayView> args, Callback callback = {});
    // EVALSHA of one of the cluster's scripts with these ARGV (no KEYS); on NOSCRIPT (the
    // script cache was flushed) it is sent again as EVAL.
    bool script(ClusterScript script, const std::vector<QByteArray> &args, Callback callback = {});

    Millis nextDeadline() const;
    void advance(Millis now);

Q_SIGNALS:
    void up();
    // Once per loss of an up link, and once if the first connection fails.
    void down(const QString &reason);
    // A message published to this node's channel.
    void message(const QByteArray &payload);

private:
    struct Pending;
    static void onCmdConnect(const redisAsyncContext *c, int status);
    static void onSubConnect(const redisAsyncContext *c, int status);
    static void onCmdDisconnect(const redisAsyncContext *c, int status);
    static void onSubDisconnect(const redisAsyncContext *c, int status);
    static void onReply(redisAsyncContext *c, void *reply, void *privdata);
    static void onSubscription(redisAsyncContext *c, void *reply, void *privdata);

    void connectBoth();
    bool send(redisAsyncContext *ctx, QByteArrayView resp, Pending *pending);
    void setupCommands();
    void maybeUp();
    void fail(const QString &reason);
    void drop(redisAsyncContext *&ctx, RedisQtAdapter *&adapter);

    RedisAddress m_address;
    QByteArray m_channel;
    const Clock &m_clock;
    Millis m_replyTimeout;

    State m_state = State::Down;
    redisAsyncContext *m_cmd = nullptr;
    redisAsyncContext *m_sub = nullptr;
    RedisQtAdapter *m_cmdAdapter = nullptr;
    RedisQtAdapter *m_subAdapter = nullptr;
    bool m_cmdReady = false;
    bool m_subReady = false;
    int m_setupLeft = 0;
    QByteArray m_resp; // a command being written out; its capacity is kept
    std::deque<Millis> m_sentAt; // commands awaiting their reply, oldest first
    Millis m_connectStarted = 0;
    Millis m_pingSentAt = kNoPing; // the subscription's echo
    Millis m_lastPing = 0;
    Millis m_retryAt = kNoPing;
    Millis m_backoff = kMinBackoffMs;
    Millis m_downSince = 0;
    QString m_lastError;
    bool m_everUp = false;
    bool m_reportedDown = false;
    bool m_stopped = true;
    bool m_destroying = false;

    static constexpr Millis kNoPing = kNoDeadline;
    static constexpr Millis kMinBackoffMs = 100;
    static constexpr Millis kMaxBackoffMs = 2000;
};

} // namespace pairmatch
