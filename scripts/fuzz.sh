#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each (default 1m): `make fuzz`,
# `FUZZTIME=10m make fuzz`, or `scripts/fuzz.sh ./internal/controlapi/...` for some packages.
# Targets are found with `go test -list '^Fuzz'` in the packages whose tests declare one. A crash
# stops the run; Go writes the failing input under the package's testdata/fuzz/<target>/, which is
# then committed as a regression seed (docs/security.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-1m}
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=(./...)

# Packages whose test files declare a Fuzz function; -list then names the targets exactly.
mapfile -t pkgs < <($GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' "${patterns[@]}" |
	while read -r pkg dir; do
		if grep -qs '^func Fuzz' "$dir"/*_test.go; then echo "$pkg"; fi
	done)

ran=0
for pkg in "${pkgs[@]}"; do
	for target in $($GO test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($FUZZTIME)"
		$GO test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"
		ran=$((ran + 1))
	done
done
echo "fuzz: $ran targets ran for $FUZZTIME each, none crashed"
