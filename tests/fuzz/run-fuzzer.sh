#!/bin/sh
# Builds the libFuzzer target with clang (in build-fuzz/ at the top of the tree, or
# $PAIRMATCH_FUZZ_BUILD_DIR) and runs it for a while over a copy of the seed corpus.
#
#   tests/fuzz/run-fuzzer.sh [seconds (60)] [more libFuzzer flags...]
#
# Exits non-zero when the fuzzer finds a crash, a sanitizer report or a broken invariant;
# the input that did it is left in the build dir's fuzz-artifacts/ (the committed corpus is
# never written to).
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
ninja -C "$build" fuzz_messagecodec

corpus=$(mktemp -d "${TMPDIR:-/tmp}/pairmatch-fuzz-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT INT TERM
cp "$here"/corpus/* "$corpus"/
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

echo "fuzzing for ${seconds}s; crashes go to $artifacts/"
status=0
"$build/tests/fuzz/fuzz_messagecodec" \
    -max_total_time="$seconds" \
    -max_len=20000 \
    -timeout=10 \
    -rss_limit_mb=4096 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts/" \
    "$@" "$corpus" || status=$?

if [ "$status" -ne 0 ]; then
    echo "fuzz_messagecodec FAILED (exit $status); see $artifacts/" >&2
    exit "$status"
fi
echo "fuzz_messagecodec: no failure in ${seconds}s"
