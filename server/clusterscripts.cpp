#include "clusterscripts.h"

#include <QCryptographicHash>

namespace pairmatch {

namespace {

// Helpers every script may use.
constexpr const char *kHelpers = R"lua(
local function qlen_add(t, d)
  local n = redis.call('HINCRBY', 'pairmatch:qlen', t, d)
  if n <= 0 then redis.call('HDEL', 'pairmatch:qlen', t) end
end
local function release(node, member)
  local held = 'pairmatch:held:' .. node
  redis.call('SREM', held, member)
  if redis.call('SCARD', held) == 0 then redis.call('SREM', 'pairmatch:holders', node) end
end
local function hold(node, member)
  redis.call('SADD', 'pairmatch:held:' .. node, member)
  redis.call('SADD', 'pairmatch:holders', node)
end
local function drop_waiting(node, conn, uid)
  local w = redis.call('HGET', 'pairmatch:waiting', uid)
  local prefix = node .. '|' .. conn .. '|'
  if w and string.sub(w, 1, #prefix) == prefix then redis.call('HDEL', 'pairmatch:waiting', uid) end
  return w
end
local function purge(node)
  local held = 'pairmatch:held:' .. node
  for _, m in ipairs(redis.call('SMEMBERS', held)) do
    if string.sub(m, 1, 2) == 'p|' then
      redis.call('DEL', 'pairmatch:pair:' .. string.sub(m, 3))
    else
      local t, conn, uid = string.match(m, '^w|([^|]*)|([^|]*)|(.*)$')
      if t then
        local removed = redis.call('LREM', 'pairmatch:queue:' .. t, 1, node .. '|' .. conn .. '|' .. uid)
        if removed > 0 then qlen_add(t, -1) end
        drop_waiting(node, conn, uid)
      end
    end
  end
  redis.call('DEL', held)
  redis.call('SREM', 'pairmatch:holders', node)
end
)lua";

constexpr std::array<const char *, kClusterScriptCount> kBodies {
    // Register
    R"lua(
local k = 'pairmatch:node:' .. ARGV[1]
local v = redis.call('GET', k)
if v and v ~= ARGV[2] then return 0 end
redis.call('SET', k, ARGV[2], 'PX', ARGV[3])
purge(ARGV[1])
return 1
)lua",
    // Heartbeat
    R"lua(
local k = 'pairmatch:node:' .. ARGV[1]
local v = redis.call('GET', k)
local out = {'ok'}
if not v then
  out[1] = 'lost'
elseif v ~= ARGV[2] then
  return {'conflict'}
else
  redis.call('PEXPIRE', k, ARGV[3])
end
for i = 4, #ARGV do
  if redis.call('EXISTS', 'pairmatch:node:' .. ARGV[i]) == 0 then table.insert(out, ARGV[i]) end
end
for _, n in ipairs(redis.call('SMEMBERS', 'pairmatch:holders')) do
  if n ~= ARGV[1] and redis.call('EXISTS', 'pairmatch:node:' .. n) == 0 then purge(n) end
end
return out
)lua",
    // Entry
    R"lua(
local me, t, conn, uid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HEXISTS', 'pairmatch:waiting', uid) == 1 then return {'dup'} end
local q = 'pairmatch:queue:' .. t
while true do
  local e = redis.call('LPOP', q)
  if not e then break end
  qlen_add(t, -1)
  local node, wconn, wuid = string.match(e, '^([^|]*)|([^|]*)|(.*)$')
  local w = drop_waiting(node, wconn, wuid)
  release(node, 'w|' .. t .. '|' .. wconn .. '|' .. wuid)
  if node == me or redis.call('EXISTS', 'pairmatch:node:' .. node) == 1 then
    local wuser = ''
    if w then wuser = string.match(w, '^[^|]*|[^|]*|[^|]*|(.*)$') or '' end
    local pk = 'pairmatch:pair:' .. ARGV[6]
    redis.call('HSET', pk, 'home', me, 'type', t, 'seed', ARGV[7], 'user0', uid,
      'user1', wuid, 'token0', ARGV[10], 'token1', ARGV[11], 'state', 'issued',
      'issued', ARGV[8], 'deadline', ARGV[9], 'seat0', '', 'seat1', '')
    hold(me, 'p|' .. ARGV[6])
    return {'matched', node, wconn, wuid, wuser}
  end
end
redis.call('RPUSH', q, me .. '|' .. conn .. '|' .. uid)
redis.call('HSET', 'pairmatch:waiting', uid, me .. '|' .. conn .. '|' .. t .. '|' .. ARGV[5])
hold(me, 'w|' .. t .. '|' .. conn .. '|' .. uid)
qlen_add(t, 1)
return {'queued'}
)lua",
    // Leave
    R"lua(
local me, t, conn, uid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local removed = redis.call('LREM', 'pairmatch:queue:' .. t, 1, me .. '|' .. conn .. '|' .. uid)
if removed > 0 then qlen_add(t, -1) end
drop_waiting(me, conn, uid)
release(me, 'w|' .. t .. '|' .. conn .. '|' .. uid)
return removed
)lua",
    // PairPut
    R"lua(
local pk = 'pairmatch:pair:' .. ARGV[2]
redis.call('DEL', pk)
redis.call('HSET', pk, unpack(ARGV, 3))
hold(ARGV[1], 'p|' .. ARGV[2])
return 1
)lua",
    // PairSet
    R"lua(
local pk = 'pairmatch:pair:' .. ARGV[1]
if redis.call('EXISTS', pk) == 0 then return 0 end
redis.call('HSET', pk, unpack(ARGV, 2))
return 1
)lua",
    // PairDelete
    R"lua(
redis.call('DEL', 'pairmatch:pair:' .. ARGV[2])
release(ARGV[1], 'p|' .. ARGV[2])
return 1
)lua",
    // Unregister
    R"lua(
purge(ARGV[1])
local k = 'pairmatch:node:' .. ARGV[1]
if redis.call('GET', k) == ARGV[2] then redis.call('DEL', k) end
return 1
)lua",
    // View
    R"lua(
local limit = tonumber(ARGV[1])
local q = redis.call('HGETALL', 'pairmatch:qlen')
local ps = {}
local n = 0
for _, node in ipairs(redis.call('SMEMBERS', 'pairmatch:holders')) do
  for _, m in ipairs(redis.call('SMEMBERS', 'pairmatch:held:' .. node)) do
    if string.sub(m, 1, 2) == 'p|' and n < limit then
      local id = string.sub(m, 3)
      local h = redis.call('HMGET', 'pairmatch:pair:' .. id, 'home', 'type', 'state', 'user0',
        'user1', 'seat0', 'seat1')
      table.insert(ps, id)
      for i = 1, 7 do table.insert(ps, h[i] or '') end
      n = n + 1
    end
  end
end
return {q, ps}
)lua",
};

struct Compiled {
    std::array<QByteArray, kClusterScriptCount> source;
    std::array<QByteArray, kClusterScriptCount> sha;
};

const Compiled &compiled()
{
    static const Compiled compiledScripts = [] {
        Compiled c;
        for (int i = 0; i < kClusterScriptCount; ++i) {
            c.source[std::size_t(i)] = QByteArray(kHelpers) + kBodies[std::size_t(i)];
            c.sha[std::size_t(i)]
                = QCryptographicHash::hash(c.source[std::size_t(i)], QCryptographicHash::Sha1)
                      .toHex();
        }
        return c;
    }();
    return compiledScripts;
}

} // namespace

const QByteArray &clusterScriptSource(ClusterScript script)
{
    return compiled().source[std::size_t(script)];
}

const QByteArray &clusterScriptSha(ClusterScript script)
{
    return compiled().sha[std::size_t(script)];
}

} // namespace pairmatch
