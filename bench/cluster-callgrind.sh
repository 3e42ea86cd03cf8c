#!/usr/bin/env bash
# Instructions (callgrind Ir) the whole server side spends on a fixed load, the one figure a
# busy VM does not disturb (docs/performance.md, "Cluster"): one node alone, one node with
# Redis underneath, or two nodes with every pair split across them (redis-server counted
# too). Run it for two counts and divide the difference by the difference in moves/matches:
# set-up, start and exit cancel out.
#
#   bench/cluster-callgrind.sh BINARY LOADGEN alone|redis|split relay|churn COUNT
#
# relay: 20 pairs, 4 moves in flight per player, COUNT moves in all; churn: 10 lifecycles at
# once (4 connections, 10 moves per player each), COUNT matches started (and finished). Prints
# "Ir <total> COUNT".
set -euo pipefail
binary=$1 loadgen=$2 config=$3 scenario=$4 count=$5
dir=$(mktemp -d)
pids=()
vg() { exec valgrind --tool=callgrind --callgrind-out-file="$dir/cg.%p" "$@"; }
waitport() { until bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; do sleep 0.2; done; }
case $config in
alone)
  vg "$binary" --no-gui --history off --port 24701 --rate-limit 0 >"$dir/n0.log" 2>&1 &
  pids+=($!)
  waitport 24701
  ports=24701
  ;;
redis | split)
  vg redis-server --port 24700 --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  until redis-cli -p 24700 ping >/dev/null 2>&1; do sleep 0.2; done
  n=1
  [ "$config" = split ] && n=2
  for ((i = 0; i < n; i++)); do
    vg "$binary" --no-gui --history off --port $((24701 + i)) --rate-limit 0 \
      --redis redis://127.0.0.1:24700 --node-id "cg$i" >"$dir/n$i.log" 2>&1 &
    pids+=($!)
  done
  for ((i = 0; i < n; i++)); do
    until grep -q joined "$dir/n$i.log"; do sleep 0.2; done
  done
  ports=24701
  [ "$config" = split ] && ports=24701,24702
  ;;
esac
common=(--ports "$ports" --warmup 0 --duration 900 --max-moves "$count" --player-timeout 120
  --setup-timeout 600 --src-addrs 0)
if [ "$scenario" = relay ]; then
  "$loadgen" --scenario relay --pairs 20 --window 4 "${common[@]}" >"$dir/loadgen.out" 2>&1
else
  # churn does not stop at --max-moves (it only starts no more matches): a window long
  # enough for COUNT matches under valgrind, idle afterwards (what idling costs is nothing
  # beside a match)
  "$loadgen" --scenario churn --concurrency 10 "${common[@]}" \
    --duration $((count / 4 > 20 ? count / 4 : 20)) >"$dir/loadgen.out" 2>&1
fi
for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do wait "$p" || true; done
if [ -n "${redis_pid:-}" ]; then
  kill -TERM "$redis_pid"
  wait "$redis_pid" || true
fi
grep -q '"ok":true' "$dir/loadgen.out" || { cat "$dir/loadgen.out" >&2; exit 1; }
total=$(grep -h '^summary:' "$dir"/cg.* | awk '{s += $2} END {print s}')
echo "Ir $total $count"
[ -n "${KEEP:-}" ] && echo "kept $dir" >&2 || rm -rf "$dir"
