#!/usr/bin/env bash
# A local cluster for measurements (docs/performance.md, "Cluster"): one redis-server and N
# pairmatch nodes on consecutive ports, all pinned to one CPU, in the foreground until killed.
# Give loadgen this script's PID (--server-pid): the CPU of its descendants, the nodes and
# redis-server, is the cluster's.
#
#   bench/cluster.sh BINARY REDIS_PORT FIRST_PORT N [CPU [extra pairmatch flags...]]
#   bench/cluster.sh build/server/pairmatch 24600 24601 2 0 --rate-limit 0 & CLUSTER=$!
#   taskset -c 1 $BENCH/build/loadgen/loadgen --scenario relay --ports 24601,24602 --server-pid $CLUSTER
#   kill $CLUSTER
#
# N = 0 runs redis-server alone; with N >= 1 the nodes use it (--redis).
set -euo pipefail
binary=$1 redis_port=$2 first_port=$3 nodes=$4 cpu=${5:-0}
shift $(( $# >= 5 ? 5 : $# ))
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
taskset -c "$cpu" redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$dir" --daemonize no --loglevel warning >"$dir/redis.log" 2>&1 &
pids+=($!)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
for ((i = 0; i < nodes; i++)); do
  taskset -c "$cpu" "$binary" --no-gui --history off --port $((first_port + i)) \
    --redis "redis://127.0.0.1:$redis_port" --node-id "bench$i" "$@" >"$dir/node$i.log" 2>&1 &
  pids+=($!)
done
for ((i = 0; i < nodes; i++)); do
  until grep -q "joined" "$dir/node$i.log" 2>/dev/null; do sleep 0.1; done
done
echo "cluster up: redis $redis_port, nodes $first_port..$((first_port + nodes - 1))" >&2
wait
