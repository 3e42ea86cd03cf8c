#!/bin/bash
# Alternating rounds of cluster configurations, one run: every server-side process on CPU 0,
# loadgen on CPU 1. Per process CPU (utime/stime ticks) over the whole loadgen run is printed
# beside loadgen's RESULT.
#   bench/cluster-compare.sh OUTDIR ROUNDS "scenario..." "label:binary:config ..."
# config: alone | redis | split
set -u
[ $# -eq 4 ] || { echo "usage: $0 OUTDIR ROUNDS \"relay latency churn\" \"label:binary:alone|redis|split ...\"" >&2; exit 2; }
out=$1 rounds=$2 scenarios=$3 configs=$4
mkdir -p "$out"
LG=${BENCH:-../shared/bench}/build/loadgen/loadgen
CL=$(dirname "$0")/cluster.sh
ticks() { awk '{print $14+$15, $14, $15}' /proc/$1/stat 2>/dev/null; }
# waits up to 30 s for a command to succeed
within30() { for _ in $(seq 300); do "$@" && return 0; sleep 0.1; done; echo "not up within 30 s: $*" >&2; return 1; }
for scen in $scenarios; do
  case $scen in relay | latency | churn) ;; *) echo "unknown scenario: $scen" >&2; exit 2 ;; esac
done
for c in $configs; do
  case ${c##*:} in alone | redis | split) ;; *) echo "unknown config in $c (alone, redis or split)" >&2; exit 2 ;; esac
done
for ((r = 1; r <= rounds; r++)); do
  for scen in $scenarios; do
    for c in $configs; do
      IFS=: read -r label bin config <<<"$c"
      case $scen in
        relay) opts="--scenario relay --pairs 100 --window 4" ;;
        latency) opts="--scenario latency --pairs 100 --rate 2000" ;;
        churn) opts="--scenario churn --concurrency 50 --moves 10" ;;
      esac
      case $config in
        alone) taskset -c 0 $bin --no-gui --history off --rate-limit 0 --port 24811 >"$out/srv.log" 2>&1 &
               launcher=$!; ports=24811
               within30 bash -c "exec 3<>/dev/tcp/127.0.0.1/24811" 2>/dev/null || { kill $launcher; exit 1; } ;;
        redis) $CL $bin 24810 24811 1 0 --rate-limit 0 2>"$out/cl.log" & launcher=$!; ports=24811 ;;
        split) $CL $bin 24810 24811 2 0 --rate-limit 0 2>"$out/cl.log" & launcher=$!; ports=24811,24812 ;;
      esac
      if [ $config != alone ]; then
        within30 grep -q 'cluster up' "$out/cl.log" || { kill $launcher; exit 1; }
      fi
      pids=$(pgrep -P $launcher | tr '\n' ' ')
      [ $config = alone ] && pids=$launcher
      unset before; declare -A before=()
      for p in $pids; do before[$p]=$(ticks $p); done
      taskset -c 1 $LG $opts --ports $ports --server-pid $launcher --duration 8 --warmup 2 >"$out/lg.out" 2>&1
      per=""
      for p in $pids; do
        read -r _ u0 s0 <<<"${before[$p]}"; read -r _ u1 s1 <<<"$(ticks $p)"
        name=$(tr '\0' ' ' </proc/$p/cmdline | awk '{print $1}' | xargs basename)
        per="$per $name:u$((u1-u0)),s$((s1-s0))"
      done
      kill $launcher; wait $launcher 2>/dev/null
      sleep 0.5
      res=$(grep '^RESULT' "$out/lg.out" | sed 's/^RESULT //')
      echo "r$r $scen $label $config |$per | $res" | tee -a "$out/results.txt"
    done
  done
done
