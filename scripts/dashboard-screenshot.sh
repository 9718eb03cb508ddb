#!/bin/sh
# Renders docs/dashboard.png, the dashboard screenshot in the README, with the very setup of the
# browser test (TestDashboardLiveInChromium): a listener with a Lambda target group, an HTTP
# target, a fixed response and a 404 under scripted load, a function's invalid response forced
# to a 502, and the page opened on that request's detail view. Needs chromium and python3
# (scripts/install-test-deps.sh installs chromium); the test fails if the page is wrong, and
# then no screenshot is kept.
set -eu
cd "$(dirname "$0")/.."
out="${1:-docs/dashboard.png}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
ALBATROSS_DASHBOARD_SCREENSHOT="$out" go test -count=1 -run '^TestDashboardLiveInChromium$' ./internal/reconcile/ >/dev/null
[ -s "$out" ] || { echo "dashboard-screenshot: no screenshot (chromium or python3 missing?)" >&2; exit 1; }
echo "dashboard-screenshot: wrote $out ($(wc -c <"$out") bytes)"
