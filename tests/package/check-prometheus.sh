#!/usr/bin/env bash
# The Prometheus examples (CTest: prometheus_examples): the scrape config and its rule file
# pass `promtool check config`, the three alert rules pass their own unit tests
# (`promtool test rules`: each fires on the series it should, with its labels and
# annotations, and not on the others), and docs/operations.md shows the rules as they are.
# usage: check-prometheus.sh PROMTOOL SOURCE_DIR
set -euo pipefail
promtool=$1
source=$2
cd "$source/resources/prometheus"
"$promtool" check config prometheus.yml
"$promtool" check rules pairmatch.rules.yml
"$promtool" test rules pairmatch.rules.test.yml
rules=$(cat pairmatch.rules.yml)
doc=$(cat "$source/docs/operations.md")
[[ "$doc" == *"$rules"* ]] || { echo "FAIL: docs/operations.md does not show pairmatch.rules.yml as it is" >&2; exit 1; }
echo PASS
