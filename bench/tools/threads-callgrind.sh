#!/usr/bin/env bash
# Instructions per move (relay) or per match (churn) on each thread of pairmatch, headless or
# with its dashboard open, counted by callgrind: repeatable whatever else the machine does.
# Two runs per case, D1 and D2 seconds of load; the difference divided by the difference in
# moves (or matches) leaves start-up and set-up out.
#
#   bench/tools/threads-callgrind.sh BUILD_DIR LOADGEN [relay|churn] [headless|dashboard]
#
# BUILD_DIR: a build with the dashboard (build-ci); LOADGEN: the shared bench's loadgen.
# The dashboard case needs a display: DISPLAY=:N of a running Xvfb.
set -euo pipefail
build=$1 loadgen=$2 scenario=${3:-churn} mode=${4:-headless}
d1=${D1:-3} d2=${D2:-12}
work=$(mktemp -d /tmp/threads-callgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT

run() { # seconds -> "count thread:Ir ..." (threads by callgrind's numbering)
    local seconds=$1 dir=$work/$1 port=$((20000 + RANDOM % 20000))
    mkdir -p "$dir"
    local args=(--rate-limit 0 --history off --port "$port")
    [ "$mode" = headless ] && args=(--no-gui "${args[@]}")
    valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$dir/cg.%p" \
        "$build/server/pairmatch" "${args[@]}" >"$dir/server.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 300); do grep -q 'listening on' "$dir/server.log" && break; sleep 0.2; done
    local load=(--pairs 100 --window 4)
    [ "$scenario" = churn ] && load=(--concurrency 50)
    "$loadgen" --scenario "$scenario" --port "$port" --warmup 0 --duration "$seconds" \
        "${load[@]}" --setup-timeout 300 --player-timeout 120 >"$dir/loadgen.log" 2>&1
    kill -TERM "$pid"
    wait "$pid" || true
    local key=moves
    [ "$scenario" = churn ] && key=matches
    python3 - "$dir" "$pid" "$key" <<'PY'
import glob, json, re, sys
d, pid, key = sys.argv[1:]
result = [json.loads(l[7:]) for l in open(d + "/loadgen.log") if l.startswith("RESULT")][-1]
assert result["ok"], result
out = [str(result[key])]
for f in sorted(glob.glob(f"{d}/cg.{pid}-*")):
    total = next(int(l.split()[1]) for l in open(f) if l.startswith(("summary:", "totals:")))
    out.append(f"{f.rsplit('-', 1)[1]}:{total}")
print(" ".join(out))
PY
}

a=$(run "$d1")
b=$(run "$d2")
python3 - "$scenario" "$mode" "$a" "$b" <<'PY'
import sys
scenario, mode, a, b = sys.argv[1:]
def parse(s):
    n, *threads = s.split()
    return int(n), {t.split(":")[0]: int(t.split(":")[1]) for t in threads}
(n1, t1), (n2, t2) = parse(a), parse(b)
unit = "move" if scenario == "relay" else "match"
print(f"{mode} {scenario}: {n2 - n1} {unit}{'es' if unit == 'match' else 's'} more in the longer run")
for t in sorted(t2):
    per = (t2[t] - t1.get(t, 0)) / (n2 - n1)
    if per >= 1:
        print(f"  thread {t}: {per:,.0f} Ir per {unit}")
PY
