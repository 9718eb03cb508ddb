#!/bin/sh
# Installs the Debian packages the test suite drives as real, unmodified clients: the aws CLI v2
# (awscli, for the control API scenario), headless Chromium (for the dashboard test) and etcd (for
# the cluster test); and the
# Serverless Framework v3 from npm (into the user's cache, kept between runs and clones) for the
# importer's differential test, which needs Node.js and npm (installed from Debian when absent).
# Idempotent; `make test` runs it. Without root or apt it says so and exits 0: the tests that need
# the Debian tools then skip with a reason.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
missing=""
[ -x /usr/bin/aws ] || missing="$missing awscli"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
# etcd for the cluster test (e2e/cluster_test.go), which starts /usr/bin/etcd itself on ports
# of its own (the package's service, where systemd starts it, is not used).
[ -x /usr/bin/etcd ] || missing="$missing etcd-server"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "install-test-deps: cannot install$missing (needs root and apt-get); the tests using them will skip" >&2
	else
		echo "install-test-deps: installing$missing from Debian's packages"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
fi

# Serverless Framework v3, pinned: internal/importer/serverless compiles alb events as this
# version does, and its test compares the result with what `sls package` writes.
# It lives outside the clone, in ${ALBATROSS_TEST_CACHE:-${XDG_CACHE_HOME:-~/.cache}/albatross-test}
# (the test looks there too): CI runs on a clean clone, where bin/ would take an npm install of
# about two minutes on every run.
sls_version=3.40.0
sls_dir="${ALBATROSS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/albatross-test}/serverless-v3"
if [ "$(cat "$sls_dir/.version" 2>/dev/null)" != "$sls_version" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "install-test-deps: npm is missing: cannot install the Serverless Framework for the importer test" >&2
		exit 1
	fi
	echo "install-test-deps: installing serverless@$sls_version into $sls_dir"
	mkdir -p "$sls_dir"
	npm install --prefix "$sls_dir" --no-audit --no-fund --loglevel=error "serverless@$sls_version" >/dev/null
	echo "$sls_version" >"$sls_dir/.version"
fi
