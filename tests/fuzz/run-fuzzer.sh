#!/bin/sh
# Builds the libFuzzer targets with clang (in build-fuzz/ at the top of the tree, or
# $PAIRMATCH_FUZZ_BUILD_DIR) and runs each for a while over a copy of its seed corpus:
#   fuzz_messagecodec   the message codec      corpus/
#   fuzz_wsframeparser  the WebSocket frames   corpus-wsframeparser/
#
#   tests/fuzz/run-fuzzer.sh [seconds per target (60)] [more libFuzzer flags...]
#
# Exits non-zero when a fuzzer finds a crash, a sanitizer report or a broken invariant;
# the input that did it is left in the build dir's fuzz-artifacts/ (the committed corpora
# are never written to).
set -eu

seconds=${1:-60}
[ $# -gt 0 ] && shift

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${PAIRMATCH_FUZZ_BUILD_DIR:-$root/build-fuzz}

cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPAIRMATCH_FUZZ=ON -DPAIRMATCH_GUI=OFF -DPAIRMATCH_WERROR=ON -DBUILD_TESTING=ON >/dev/null
ninja -C "$build" fuzz_messagecodec fuzz_wsframeparser

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

# fuzz TARGET SEED_DIR MAX_LEN [flags...]
fuzz() {
    target=$1
    seeds=$2
    max_len=$3
    shift 3
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/pairmatch-$target.XXXXXX")
    cp "$seeds"/* "$corpus"/
    echo "$target: fuzzing for ${seconds}s; crashes go to $artifacts/"
    status=0
    "$build/tests/fuzz/$target" \
        -max_total_time="$seconds" \
        -max_len="$max_len" \
        -timeout=10 \
        -rss_limit_mb=4096 \
        -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target-" \
        "$@" "$corpus" || status=$?
    rm -rf "$corpus"
    if [ "$status" -ne 0 ]; then
        echo "$target FAILED (exit $status); see $artifacts/" >&2
        exit "$status"
    fi
    echo "$target: no failure in ${seconds}s"
}

fuzz fuzz_messagecodec "$here/corpus" 20000 "$@"
fuzz fuzz_wsframeparser "$here/corpus-wsframeparser" 140000 "$@"
