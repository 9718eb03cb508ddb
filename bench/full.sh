#!/usr/bin/env bash
# bench/full.sh — the whole proxy table of bench/RESULTS.md in one command, every system in the
# same run of each configuration (nginx, the tuned ReverseProxy, leanproxy, Albatross, and the
# backend alone): c = 50 keep-alive GET, POST bodies of 16 KiB and 1 MiB, and c = 1. Each
# configuration is one bench/run.sh run with its columns (requests/s, p50/p99/p99.9, CPU,
# context switches and system calls per request of the proxy). Meant for a quiet machine: about
# 4 × 3 rounds × 5 systems × 12 s ≈ 12 minutes with the defaults.
#
# usage: bench/full.sh [--append] [--rounds N] [--duration SECONDS] [run.sh options...]
#   --append  append every table to bench/RESULTS.md (run.sh --append)
# Other options go to every run.sh call unchanged (e.g. --albatross BINARY).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
SYSTEMS="direct albatross nginx tunedproxy leanproxy"
for config in "" "--request-body 16384" "--request-body 1048576" "--connections 1"; do
	echo "== bench/run.sh --systems \"$SYSTEMS\" $config $*" >&2
	# shellcheck disable=SC2086 # config is a list of words.
	"$BENCH/run.sh" --systems "$SYSTEMS" $config "$@"
done
