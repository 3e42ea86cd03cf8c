#include "redislink.h"

#include "logging.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
// The adapter says `slots`, which QT_NO_KEYWORDS leaves undefined.
#define slots Q_SLOTS
#include <hiredis/adapters/qt.h>
#undef slots

#include <charconv>
#include <cstring>
#include <span>

namespace pairmatch {

using namespace Qt::StringLiterals;

namespace {

// Where a retired adapter points once its context is gone: RedisQtAdapter's destructor writes
// through its context pointer, which must then not be a freed context.
redisAsyncContext &parkedContext()
{
    static redisAsyncContext parked {};
    return parked;
}

void retire(RedisQtAdapter *adapter, bool now)
{
    if (!adapter)
        return;
    parkedContext().ev.data = nullptr;
    adapter->setContext(&parkedContext());
    if (now)
        delete adapter;
    else
        adapter->deleteLater(); // the notifiers it deleted may still be on the stack
}

// Redis' protocol (RESP): a command is an array of bulk strings, "*N\r\n" and then
// "$LENGTH\r\nBYTES\r\n" for each argument. Written here in one pass into a buffer sized
// first, and handed to hiredis as it is (redisAsyncFormattedCommand), rather than through
// hiredis' printf-like formatter.
constexpr std::size_t kFraming = 1 + 20 + 2 + 2; // '$', the length's digits, two CRLFs

char *putLength(char *p, char kind, std::size_t n)
{
    *p++ = kind;
    p = std::to_chars(p, p + 20, n).ptr;
    *p++ = '\r';
    *p++ = '\n';
    return p;
}

char *putArgument(char *p, QByteArrayView argument)
{
    p = putLength(p, '$', std::size_t(argument.size()));
    if (!argument.isEmpty()) {
        std::memcpy(p, argument.data(), std::size_t(argument.size()));
        p += argument.size();
    }
    *p++ = '\r';
    *p++ = '\n';
    return p;
}

template <typename Arguments> std::size_t roomFor(const Arguments &arguments)
{
    std::size_t room = 0;
    for (QByteArrayView a : arguments)
        room += std::size_t(a.size()) + kFraming;
    return room;
}

template <typename Arguments> char *putArguments(char *p, const Arguments &arguments)
{
    for (QByteArrayView a : arguments)
        p = putArgument(p, a);
    return p;
}

// Appends the command `head` then `tail` to `out`; `tailAt`, if given, gets where the first
// argument of `tail` starts.
void appendCommand(QByteArray &out, std::initializer_list<QByteArrayView> head,
    std::span<const QByteArray> tail = {}, qsizetype *tailAt = nullptr)
{
    const qsizetype start = out.size();
    // the new bytes are written below, then cut to fit
    out.resize(start + qsizetype(kFraming + roomFor(head) + roomFor(tail)));
    char *const begin = out.data();
    char *p = putArguments(putLength(begin + start, '*', head.size() + tail.size()), head);
    if (tailAt)
        *tailAt = p - begin;
    p = putArguments(p, tail);
    out.resize(p - begin);
}

QString errorOf(const redisAsyncContext *c)
{
    return c && c->errstr[0] ? QString::fromLocal8Bit(c->errstr) : u"connection lost"_s;
}

} // namespace

struct RedisLink::Pending {
    RedisLink *link = nullptr;
    Callback callback;
    int script = -1; // the ClusterScript of an EVALSHA, for a NOSCRIPT retry
    QByteArray resp; // the EVALSHA as sent, kept only for scripts
    qsizetype argvAt = 0; // where its ARGV starts in `resp`
    bool setup = false; // part of connecting, not counted as a user command
    bool subscription = false;
};

RedisLink::RedisLink(RedisAddress address, QByteArray channel, const Clock &clock,
    Millis replyTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_address(std::move(address))
    , m_channel(std::move(channel))
    , m_clock(clock)
    , m_replyTimeout(replyTimeoutMs)
{ }

RedisLink::~RedisLink()
{
    m_destroying = true;
    m_stopped = true;
    drop(m_cmd, m_cmdAdapter);
    drop(m_sub, m_subAdapter);
}

void RedisLink::start()
{
    m_stopped = false;
    m_downSince = m_clock.now();
    connectBoth();
}

void RedisLink::stop()
{
    m_stopped = true;
    drop(m_cmd, m_cmdAdapter);
    drop(m_sub, m_subAdapter);
    m_state = State::Down;
    m_retryAt = kNoPing;
}

void RedisLink::connectBoth()
{
    m_state = State::Connecting;
    m_cmdReady = m_subReady = false;
    m_connectStarted = m_clock.now();
    m_retryAt = kNoPing;
    m_pingSentAt = kNoPing;
    m_sentAt.clear();
    const auto open = [this](redisAsyncContext *&ctx, RedisQtAdapter *&adapter,
                          redisConnectCallback *onConnect, redisDisconnectCallback *onDisconnect) {
        ctx = redisAsyncConnect(m_address.host.constData(), m_address.port);
        if (!ctx)
            return false;
        if (ctx->err) {
            m_lastError = errorOf(ctx);
            redisAsyncFree(ctx);
            ctx = nullptr;
            return false;
        }
        ctx->data = this;
        adapter = new RedisQtAdapter;
        adapter->setContext(ctx);
        redisAsyncSetConnectCallback(ctx, onConnect);
        redisAsyncSetDisconnectCallback(ctx, onDisconnect);
        return true;
    };
    if (!open(m_cmd, m_cmdAdapter, &RedisLink::onCmdConnect, &RedisLink::onCmdDisconnect)
        || !open(m_sub, m_subAdapter, &RedisLink::onSubConnect, &RedisLink::onSubDisconnect)) {
        fail(u"cannot connect to %1:%2: %3"_s.arg(QString::fromLatin1(m_address.host))
                 .arg(m_address.port)
                 .arg(m_lastError));
    }
}

// hiredis frees a context after its connect callback reports failure, and right after its
// disconnect callback: either way the context is gone once the callback returns.
void RedisLink::onCmdConnect(const redisAsyncContext *c, int status)
{
    auto *link = static_cast<RedisLink *>(c->data);
    if (status != REDIS_OK) {
        link->m_cmd = nullptr;
        retire(link->m_cmdAdapter, false);
        link->m_cmdAdapter = nullptr;
        link->fail(u"cannot connect to %1:%2: %3"_s.arg(QString::fromLatin1(link->m_address.host))
                       .arg(link->m_address.port)
                       .arg(errorOf(c)));
        return;
    }
    link->setupCommands();
}

void RedisLink::onSubConnect(const redisAsyncContext *c, int status)
{
    auto *link = static_cast<RedisLink *>(c->data);
    if (status != REDIS_OK) {
        link->m_sub = nullptr;
        retire(link->m_subAdapter, false);
        link->m_subAdapter = nullptr;
        link->fail(u"cannot connect to %1:%2: %3"_s.arg(QString::fromLatin1(link->m_address.host))
                       .arg(link->m_address.port)
                       .arg(errorOf(c)));
        return;
    }
    auto *pending = new Pending;
    pending->link = link;
    pending->setup = true;
    pending->subscription = true;
    QByteArray subscribe;
    appendCommand(subscribe, {"SUBSCRIBE", link->m_channel});
    redisAsyncFormattedCommand(link->m_sub, &RedisLink::onSubscription, pending,
        subscribe.constData(), std::size_t(subscribe.size()));
}

void RedisLink::onCmdDisconnect(const redisAsyncContext *c, int)
{
    auto *link = static_cast<RedisLink *>(c->data);
    if (link->m_cmd != c)
        return; // dropped on purpose: drop() has cleaned up
    link->m_cmd = nullptr;
    retire(link->m_cmdAdapter, false);
    link->m_cmdAdapter = nullptr;
    link->fail(u"Redis closed the connection: "_s + errorOf(c));
}

void RedisLink::onSubDisconnect(const redisAsyncContext *c, int)
{
    auto *link = static_cast<RedisLink *>(c->data);
    if (link->m_sub != c)
        return;
    link->m_sub = nullptr;
    retire(link->m_subAdapter, false);
    link->m_subAdapter = nullptr;
    link->fail(u"Redis closed the subscription: "_s + errorOf(c));
}

void RedisLink::setupCommands()
{
    std::vector<std::vector<QByteArray>> setup;
    if (m_address.db != 0)
        setup.push_back({"SELECT", QByteArray::number(m_address.db)});
    for (int i = 0; i < kClusterScriptCount; ++i)
        setup.push_back({"SCRIPT", "LOAD", clusterScriptSource(ClusterScript(i))});
    m_setupLeft = int(setup.size());
    for (const auto &args : setup) {
        auto *pending = new Pending;
        pending->link = this;
        pending->setup = true;
        pending->callback = [this](const redisReply *reply) {
            if (!reply)
                return;
            if (reply->type == REDIS_REPLY_ERROR) {
                fail(u"Redis refused the set-up: "_s
                    + QString::fromUtf8(reply->str, int(reply->len)));
                return;
            }
            if (--m_setupLeft == 0) {
                m_cmdReady = true;
                maybeUp();
            }
        };
        QByteArray resp;
        appendCommand(resp, {}, args);
        if (!send(m_cmd, resp, pending))
            return;
    }
}

void RedisLink::onSubscription(redisAsyncContext *, void *r, void *privdata)
{
    auto *pending = static_cast<Pending *>(privdata);
    RedisLink *link = pending->link;
    const auto *reply = static_cast<const redisReply *>(r);
    if (!reply) {
        // the subscription ended (the context is being freed): the callback is not called again
        delete pending;
        return;
    }
    if (link->m_destroying || reply->type != REDIS_REPLY_ARRAY || reply->elements < 3)
        return;
    const redisReply *kind = reply->element[0];
    const QByteArrayView what(kind->str, qsizetype(kind->len));
    if (what == "subscribe") {
        link->m_subReady = true;
        link->maybeUp();
    } else if (what == "message") {
        const redisReply *payload = reply->element[2];
        if (payload->len == 0) { // this node's own echo: the subscription is alive
            link->m_pingSentAt = kNoPing;
            return;
        }
        Q_EMIT link->message(QByteArray(payload->str, qsizetype(payload->len)));
    }
}

void RedisLink::maybeUp()
{
    if (m_state != State::Connecting || !m_cmdReady || !m_subReady)
        return;
    m_state = State::Up;
    m_everUp = true;
    m_reportedDown = false;
    m_backoff = kMinBackoffMs;
    m_lastPing = m_clock.now();
    Q_EMIT up();
}

bool RedisLink::send(redisAsyncContext *ctx, QByteArrayView resp, Pending *pending)
{
    if (redisAsyncFormattedCommand(
            ctx, &RedisLink::onReply, pending, resp.data(), std::size_t(resp.size()))
        != REDIS_OK) {
        delete pending;
        fail(u"cannot send to Redis: "_s + errorOf(ctx));
        return false;
    }
    if (!pending->setup)
        m_sentAt.push_back(m_clock.now());
    return true;
}

bool RedisLink::command(std::initializer_list<QByteArrayView> args, Callback callback)
{
    if (m_state != State::Up || !m_cmd)
        return false;
    auto *pending = new Pending;
    pending->link = this;
    pending->callback = std::move(callback);
    m_resp.resize(0); // keeps its capacity
    appendCommand(m_resp, args);
    return send(m_cmd, m_resp, pending);
}

bool RedisLink::script(ClusterScript s, const std::vector<QByteArray> &args, Callback callback)
{
    if (m_state != State::Up || !m_cmd)
        return false;
    auto *pending = new Pending;
    pending->link = this;
    pending->callback = std::move(callback);
    pending->script = int(s);
    QByteArray &resp = pending->resp;
    appendCommand(resp, {"EVALSHA", clusterScriptSha(s), "0"}, args, &pending->argvAt);
    return send(m_cmd, resp, pending);
}

void RedisLink::onReply(redisAsyncContext *, void *r, void *privdata)
{
    std::unique_ptr<Pending> pending(static_cast<Pending *>(privdata));
    RedisLink *link = pending->link;
    const auto *reply = static_cast<const redisReply *>(r);
    if (link->m_destroying)
        return;
    if (reply && !pending->setup && !link->m_sentAt.empty())
        link->m_sentAt.pop_front();
    if (reply && pending->script >= 0 && reply->type == REDIS_REPLY_ERROR
        && QByteArrayView(reply->str, qsizetype(reply->len)).startsWith("NOSCRIPT")) {
        // The script cache was flushed under us: run it from its source (and so load it again).
        // EVAL SOURCE 0 ARGV... has as many arguments as EVALSHA SHA 0 ARGV...: the same
        // "*N\r\n", the source in place of the SHA, and the ARGV as sent.
        const std::initializer_list<QByteArrayView> head {
            "EVAL", clusterScriptSource(ClusterScript(pending->script)), "0"};
        const qsizetype countEnd = pending->resp.indexOf('\n') + 1;
        QByteArray eval = pending->resp.first(countEnd);
        eval.resize(countEnd + qsizetype(roomFor(head)));
        eval.resize(putArguments(eval.data() + countEnd, head) - eval.constData());
        eval.append(QByteArrayView(pending->resp).sliced(pending->argvAt));
        pending->script = -1;
        pending->resp.clear();
        if (link->m_cmd)
            link->send(link->m_cmd, eval, pending.release());
        return;
    }
    if (pending->callback)
        pending->callback(reply);
}

Millis RedisLink::nextDeadline() const
{
    if (m_stopped)
        return kNoDeadline;
    switch (m_state) {
    case State::Down:
        return m_retryAt;
    case State::Connecting:
        return m_connectStarted + m_replyTimeout;
    case State::Up: {
        Millis next = m_pingSentAt == kNoPing ? m_lastPing + m_replyTimeout / 2
                                              : m_pingSentAt + m_replyTimeout;
        if (!m_sentAt.empty())
            next = std::min(next, m_sentAt.front() + m_replyTimeout);
        return next;
    }
    }
    return kNoDeadline;
}

void RedisLink::advance(Millis now)
{
    if (m_stopped)
        return;
    switch (m_state) {
    case State::Down:
        if (now >= m_retryAt)
            connectBoth();
        return;
    case State::Connecting:
        if (now >= m_connectStarted + m_replyTimeout)
            fail(u"Redis did not answer within %1 ms"_s.arg(m_replyTimeout));
        return;
    case State::Up:
        if ((!m_sentAt.empty() && now >= m_sentAt.front() + m_replyTimeout)
            || (m_pingSentAt != kNoPing && now >= m_pingSentAt + m_replyTimeout)) {
            fail(u"Redis did not answer within %1 ms"_s.arg(m_replyTimeout));
            return;
        }
        if (m_pingSentAt == kNoPing && now >= m_lastPing + m_replyTimeout / 2) {
            // An empty message to this node's own channel: its echo shows the subscription
            // still delivers.
            m_lastPing = now;
            if (command({"PUBLISH", m_channel, QByteArray()}))
                m_pingSentAt = now;
        }
        return;
    }
}

void RedisLink::drop(redisAsyncContext *&ctx, RedisQtAdapter *&adapter)
{
    redisAsyncContext *c = ctx;
    RedisQtAdapter *a = adapter;
    ctx = nullptr;
    adapter = nullptr;
    if (c)
        redisAsyncFree(c); // pending callbacks get nullptr; the disconnect callback ignores it
    retire(a, m_destroying);
}

void RedisLink::fail(const QString &reason)
{
    if (m_state == State::Down && !m_cmd && !m_sub)
        return;
    const bool wasUp = m_state == State::Up;
    m_state = State::Down;
    m_lastError = reason;
    m_sentAt.clear();
    m_pingSentAt = kNoPing;
    drop(m_cmd, m_cmdAdapter);
    drop(m_sub, m_subAdapter);
    if (wasUp)
        m_downSince = m_clock.now();
    if (!m_stopped) {
        m_retryAt = m_clock.now() + m_backoff;
        m_backoff = std::min(m_backoff * 2, kMaxBackoffMs);
    }
    if (wasUp || !m_reportedDown) {
        m_reportedDown = true;
        Q_EMIT down(reason);
    }
}

} // namespace pairmatch
