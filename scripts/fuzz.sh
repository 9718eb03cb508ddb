#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each (default 1m): `make fuzz`,
# `FUZZTIME=10m make fuzz`, or `scripts/fuzz.sh ./internal/controlapi/...` for some packages.
# Targets are found with `go test -list '^Fuzz'` in the packages whose tests declare one. A crash
# stops the run; Go writes the failing input under the package's testdata/fuzz/<target>/, which is
# then committed as a regression seed (docs/security.md, "Fuzzing"). FUZZ_DRY_RUN=1 lists the
# targets that would run, without fuzzing; a package whose tests do not build stops the run, so
# that no target is skipped in silence.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-1m}
# Go shrinks every new interesting input for up to 60 s by default, trying nothing new meanwhile:
# for a target whose input takes milliseconds (the Terraform loader) that ate most of a 10-minute
# run. A crasher is written whether or not its shrinking finished.
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-10s}
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=(./...)

# Packages whose test files declare a Fuzz function; -list then names the targets exactly.
mapfile -t pkgs < <($GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' "${patterns[@]}" |
	while read -r pkg dir; do
		if grep -qs '^func Fuzz' "$dir"/*_test.go; then echo "$pkg"; fi
	done)

ran=0
for pkg in "${pkgs[@]}"; do
	listed=$($GO test -list '^Fuzz' "$pkg")
	for target in $(grep '^Fuzz' <<<"$listed" || true); do
		if [ -n "${FUZZ_DRY_RUN:-}" ]; then
			echo "$pkg $target"
		else
			echo "== $pkg $target ($FUZZTIME)"
			$GO test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "$pkg"
		fi
		ran=$((ran + 1))
	done
done
if [ -n "${FUZZ_DRY_RUN:-}" ]; then
	echo "fuzz: $ran targets would run for $FUZZTIME each"
else
	echo "fuzz: $ran targets ran for $FUZZTIME each, none crashed"
fi
