// The Lua scripts that keep the cluster's shared state in Redis consistent (docs/scaling.md
// lists the keys): each runs atomically in Redis, loaded once per connection (SCRIPT LOAD)
// and called with EVALSHA. Every key they touch starts with `pairmatch:`.
#pragma once

#include <QByteArray>

#include <array>

namespace pairmatch {

enum class ClusterScript : quint8 {
    // ARGV me, instance, ttl -> 1, or 0 when a live node holds this id. Sets the heartbeat
    // key and forgets whatever an earlier life of this id left (the node puts back what it
    // holds now).
    Register,
    // ARGV me, instance, ttl, peer... -> {"ok"|"lost"|"conflict", dead peer...}. Refreshes
    // the heartbeat key, names the peers whose key expired, and removes the waiters and pairs
    // of every dead node.
    Heartbeat,
    // ARGV me, type, conn, userId, user, pairId, seed, issuedMs, deadlineMs, tokenHash0,
    // tokenHash1 -> {"dup"} | {"queued"} | {"matched", node, conn, userId, user}. The
    // atomic pop-or-push of the type's FIFO; a waiter of a dead node is skipped and dropped;
    // a match writes the pair record (pairId, seed and token hashes drawn by the caller).
    Entry,
    // ARGV me, type, conn, userId -> 1 if the waiter was still queued (and now is not), else 0.
    Leave,
    // ARGV me, pairId, field, value, ... -> the pair record written anew (after a reconnect).
    PairPut,
    // ARGV pairId, field, value, ... -> fields updated if the record still exists.
    PairSet,
    // ARGV me, pairId -> the record gone.
    PairDelete,
    // ARGV me, instance -> everything of this node gone, the heartbeat key too.
    Unregister,
    // ARGV maxPairs -> {{type, length, ...}, {pairId, home, type, state, user0, user1, seat0,
    // seat1, ...}}: the cluster's queues and pairs, for operators.
    View,
};
inline constexpr int kClusterScriptCount = int(ClusterScript::View) + 1;

// The script's source (with the helpers it uses) and its SHA-1, as EVALSHA names it.
const QByteArray &clusterScriptSource(ClusterScript script);
const QByteArray &clusterScriptSha(ClusterScript script);

} // namespace pairmatch
