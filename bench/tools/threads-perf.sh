#!/usr/bin/env bash
# Where each thread of pairmatch spends the pinned core under load, at native speed: the
# server pinned to CPU 0 and loadgen to CPU 1 as run-compare does, `perf record` attached to
# the server for the whole load, then each thread's share of the samples and its CPU per match
# (churn) or per move (relay). perf samples the whole run, warm-up and set-up included,
# so the per-match and per-move figures come out above run-compare's: compare threads and
# runs of this script with each other, not with run-compare. Needs perf (linux-perf) and permission to use it.
#
#   bench/tools/threads-perf.sh BUILD_DIR LOADGEN [relay|churn] [headless|dashboard] [OUT_DIR]
#
# BUILD_DIR: a build with the dashboard (build-ci); LOADGEN: the shared bench's loadgen.
# The dashboard case needs a display: DISPLAY=:N of a running Xvfb. OUT_DIR keeps perf.data
# for `perf report -i OUT_DIR/perf.data --comm pairmatch-serve --sort sym` and the like.
set -euo pipefail
build=$1 loadgen=$2 scenario=${3:-churn} mode=${4:-headless}
out=${5:-$(mktemp -d /tmp/threads-perf.XXXXXX)}
seconds=${SECONDS_OF_LOAD:-10}
mkdir -p "$out"
port=$((20000 + RANDOM % 20000))
args=(--rate-limit 0 --history off --port "$port")
[ "$mode" = headless ] && args=(--no-gui "${args[@]}")
taskset -c 0 "$build/server/pairmatch" "${args[@]}" >"$out/server.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q 'listening on' "$out/server.log" && break; sleep 0.1; done
grep -q 'listening on' "$out/server.log" || { echo "the server did not start" >&2; exit 1; }
perf record -g -F 2000 -p "$pid" -o "$out/perf.data" -- sleep $((seconds + 2)) >/dev/null 2>&1 &
perfpid=$!
load=(--pairs 100 --window 4)
[ "$scenario" = churn ] && load=(--concurrency 50)
taskset -c 1 "$loadgen" --scenario "$scenario" --port "$port" --duration "$seconds" \
    --server-pid "$pid" "${load[@]}" >"$out/loadgen.log" 2>&1
wait "$perfpid"
key=moves unit=move
[ "$scenario" = churn ] && key=matches unit=match
count=$(python3 -c 'import json,sys; r=[json.loads(l[7:]) for l in open(sys.argv[1]) if l.startswith("RESULT")][-1]; assert r["ok"], r; print(r[sys.argv[2]])' "$out/loadgen.log" "$key")
echo "$mode $scenario: $count $key in ${seconds} s (a sample is 500 µs of CPU)"
perf report -i "$out/perf.data" --no-children -g none --sort comm -n 2>/dev/null \
    | awk -v n="$count" -v unit="$unit" '/^ +[0-9.]+%/ {
        name = $3; for (i = 4; i <= NF; ++i) name = name " " $i
        printf "  %-16s %7s of the samples, %.2f µs per %s\n", name, $1, $2 * 500 / n, unit }'
echo "perf data: $out/perf.data"
