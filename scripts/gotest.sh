#!/usr/bin/env bash
# go test with its arguments; when it fails, a summary of what failed is printed last. CI keeps
# only the tail of a long run's output, and a failing test's message sits minutes of output above
# it, behind the logs that other tests print.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"${GO:-go}" test "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	echo "=== what failed (scripts/gotest.sh: go test $*)"
	# Each failure line, each test's message with the first lines of its continuation, data race
	# headers and panics; a message's continuation is cut so that long logs cannot crowd out the rest.
	awk '
		/^[[:space:]]*--- FAIL|^panic:|^FAIL[[:space:]]|WARNING: DATA RACE/ { print; more = 0; next }
		/_test\.go:[0-9]+: / { print; more = 8; indent = match($0, /[^[:space:]]/); next }
		more > 0 && match($0, /[^[:space:]]/) > indent { print; more--; next }
		{ more = 0 }
	' "$log" | cut -c1-300 | tail -n 100
fi
exit "$rc"
