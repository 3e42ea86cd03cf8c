#!/usr/bin/env bash
# What the kernel does per match under churn, per process: one node alone, one node on Redis,
# or two nodes with every pair split across them (docs/performance.md, "Cluster",
# 2026-12-06). The server side is pinned to CPU 0 and loadgen to CPU 1 as in
# bench/cluster-compare.sh; `perf stat` counts each process's syscalls by kind and its context
# switches over 5 s in the middle of a 10 s churn run, and the counts are divided by the
# matches loadgen completed in those 5 s (its rate times 5). Needs perf (linux-perf) and
# permission to use it.
#
#   bench/tools/cluster-syscalls.sh BINARY LOADGEN alone|redis|split
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BINARY LOADGEN alone|redis|split" >&2; exit 2; }
binary=$1 loadgen=$2 config=$3
dir=$(mktemp -d /tmp/cluster-syscalls.XXXXXX)
launcher=
trap '[ -z "$launcher" ] || kill -TERM "$launcher" 2>/dev/null || true; rm -rf "$dir"' EXIT
cluster=$(dirname "$0")/../cluster.sh
case $config in
alone)
  taskset -c 0 "$binary" --no-gui --history off --rate-limit 0 --port 24821 >"$dir/node.log" 2>&1 &
  launcher=$!
  ports=24821
  for _ in $(seq 1 100); do grep -q 'listening on' "$dir/node.log" && break; sleep 0.1; done
  grep -q 'listening on' "$dir/node.log" || { cat "$dir/node.log" >&2; exit 1; }
  pids=$launcher
  ;;
redis | split)
  n=1 ports=24821
  [ "$config" = split ] && n=2 ports=24821,24822
  "$cluster" "$binary" 24820 24821 "$n" 0 --rate-limit 0 2>"$dir/cluster.log" &
  launcher=$!
  for _ in $(seq 1 300); do grep -q 'cluster up' "$dir/cluster.log" && break; sleep 0.1; done
  grep -q 'cluster up' "$dir/cluster.log" || { echo "the cluster did not start" >&2; exit 1; }
  pids=$(pgrep -P "$launcher" | paste -sd,)
  ;;
*)
  echo "unknown configuration: $config (alone, redis or split)" >&2
  exit 2
  ;;
esac
taskset -c 1 "$loadgen" --scenario churn --concurrency 50 --moves 10 --ports "$ports" \
  --server-pid "$launcher" --duration 8 --warmup 2 >"$dir/loadgen.out" 2>&1 &
load=$!
sleep 3
events=context-switches
for s in epoll_wait epoll_ctl read write recvfrom sendmsg accept4 close; do
  events="$events,syscalls:sys_enter_$s"
done
perf stat -x, -e "$events" --per-thread -p "$pids" -- sleep 5 2>"$dir/stat.csv" >/dev/null
wait "$load"
rate=$(grep -o '"matches_per_s":[0-9.]*' "$dir/loadgen.out" | cut -d: -f2)
[ -n "$rate" ] || { cat "$dir/loadgen.out" >&2; exit 1; }
echo "$config: $rate matches/s; per match, over 5 s:"
# perf -x, --per-thread: thread-tid,count,unit,event,...
awk -F, -v matches="$(awk -v r="$rate" 'BEGIN { print r * 5 }')" '
  $2 ~ /^[0-9]+$/ {
    name = $1; sub(/-[0-9]+$/, "", name); ev = $4; sub("syscalls:sys_enter_", "", ev)
    count[name, ev] += $2; names[name] = 1
  }
  END {
    n_ev = split("recvfrom sendmsg read write epoll_wait epoll_ctl accept4 close context-switches", evs, " ")
    for (n in names) {
      line = sprintf("  %-14s", n)
      for (i = 1; i <= n_ev; i++)
        if (count[n, evs[i]] > 0) line = line sprintf(" %s %.2f", evs[i], count[n, evs[i]] / matches)
      print line
    }
  }' "$dir/stat.csv"
