#!/bin/sh
# Renders docs/dashboard.png, the dashboard screenshot in the README, with the very run of the
# browser test (e2e TestDashboardLiveInChromium): the real binary with --api-credentials, signed
# in through the login form; a listener with a Lambda target group, an HTTP target group with a
# live and a dead target, a fixed response and a 404 under scripted load; a function's invalid
# response forced to a 502, filtered to 5XX and clicked open. The load then runs
# ALBATROSS_DASHBOARD_SCREENSHOT_LOAD longer (default 150s) so the charts have a shape. Needs
# chromium and python3 (scripts/install-test-deps.sh installs chromium); the test fails if the
# page is wrong, and then no screenshot is kept.
set -eu
cd "$(dirname "$0")/.."
out="${1:-docs/dashboard.png}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
rm -f "$out.new"
ALBATROSS_DASHBOARD_SCREENSHOT="$out.new" ALBATROSS_DASHBOARD_SCREENSHOT_LOAD="${ALBATROSS_DASHBOARD_SCREENSHOT_LOAD:-150s}" \
	go test -count=1 -timeout 15m -run '^TestDashboardLiveInChromium$' ./e2e/ >/dev/null
[ -s "$out.new" ] || { echo "dashboard-screenshot: no screenshot (chromium or python3 missing?)" >&2; exit 1; }
mv "$out.new" "$out"
echo "dashboard-screenshot: wrote $out ($(wc -c <"$out") bytes)"
