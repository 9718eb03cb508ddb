#!/bin/sh
# Installs the Debian packages the test suite drives as real, unmodified clients: the aws CLI v2
# (awscli, for the control API scenario) and headless Chromium (for the dashboard test).
# Idempotent; `make test` runs it. Without root or apt it says so and exits 0: the tests that need
# these tools then skip with a reason.
set -eu
missing=""
[ -x /usr/bin/aws ] || missing="$missing awscli"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-test-deps: cannot install$missing (needs root and apt-get); the tests using them will skip" >&2
	exit 0
fi
echo "install-test-deps: installing$missing from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
