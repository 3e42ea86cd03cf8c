#!/usr/bin/env bash
# Retakes docs/dashboard.png: the real dashboard on a real server with live traffic, in a
# virtual X display (Xvfb). Usage: docs/make-screenshot.sh [SECONDS] (default 75: the chart
# fills as it runs). Needs build/ configured as in the README (the GUI and the tests are on
# by default: the tool is built with them, tests/tools/dashboardshot/) and installs xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-75}
if ! command -v xvfb-run >/dev/null; then
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq xvfb xauth >/dev/null
fi
cmake --build build --target dashboardshot
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
  build/tests/tools/dashboardshot/dashboardshot docs/dashboard.png "$seconds"
