#!/usr/bin/env bash
# bench/lambda/run.sh — the function benchmark: a warm Go function behind Albatross against
#   direct-http     the same handler logic as a plain Go HTTP server (bench/lambda/httpfn), called
#                   directly: the floor
#   albatross-http  that server behind Albatross as an instance target: variant (a)
#   albatross-fn    the Go function (bench/lambda/fn) behind Albatross as a lambda target, warm
#                   (provisioned_concurrency 10)
#   rie             the same function binary under the AWS Lambda Runtime Interface Emulator
#   rie-multi       the emulator's multi-worker mode (AWS_LAMBDA_MAX_CONCURRENCY=10)
#   albatross-fn-base  albatross-fn with another build of Albatross (--baseline), measured in the
#                   same rounds, for an A/B of a change on a loaded machine
# at concurrency 1 and 10 (keep-alive connections): successful requests/s, p50/p99 latency of the
# successful answers, CPU µs per successful request of the serving processes and their children
# (Albatross and its function processes; the emulator and its bootstrap). Then the cold start:
# fresh Albatross processes with provisioned_concurrency 0 (and fresh emulators), one request
# each, time from the request written to the first byte; the table shows the median.
#
# The load generator (bench/lambda/fnbench) runs on CPU 0, every server on CPU 1. Each measured
# run starts its system afresh and stops it after; round r runs the list rotated by r-1, so
# drift hits all alike. The table shows each system's median over the rounds.
#
# usage: bench/lambda/run.sh [--rounds N] [--duration S] [--warmup S] [--cold N]
#                            [--systems "direct-http albatross-http albatross-fn rie rie-multi"]
#                            [--concurrency "1 10"] [--albatross BINARY] [--baseline BINARY|REF]
#                            [--append]
#   --cold N      cold starts per system (default 7; 0 skips them)
#   --albatross   use this binary instead of building ./cmd/albatross
#   --baseline    also measure albatross-fn-base: this binary, or a build of this git ref (main,
#                 a commit); the table then gives albatross-fn ÷ albatross-fn-base
#   --append      also append the table, date and machine to bench/lambda/RESULTS.md
# Raw results stay in bench/lambda/out/run-<date>/ (runs.tsv, cold.tsv, server logs).
set -euo pipefail

ROUNDS=3 DURATION=5 WARMUP=2 COLD=7 APPEND=0
SYSTEMS="direct-http albatross-http albatross-fn rie rie-multi"
CONCURRENCY="1 10"
ALBATROSS_BIN="" BASELINE=""
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) ROUNDS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--warmup) WARMUP=$2; shift 2 ;;
	--cold) COLD=$2; shift 2 ;;
	--systems) SYSTEMS=$2; shift 2 ;;
	--concurrency) CONCURRENCY=$2; shift 2 ;;
	--albatross) ALBATROSS_BIN=$2; shift 2 ;;
	--baseline) BASELINE=$2; shift 2 ;;
	--append) APPEND=1; shift ;;
	-h | --help) sed -n '2,31p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for n in "$ROUNDS" "$DURATION" "$WARMUP" "$COLD" $CONCURRENCY; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "run.sh: numbers only, got '$n'" >&2; exit 2; }
done
((ROUNDS >= 1 && ROUNDS <= 10 && DURATION >= 1 && DURATION <= 60 && WARMUP <= 30 && COLD <= 30)) ||
	{ echo "run.sh: rounds 1-10, duration 1-60 s, warmup ≤ 30 s, cold ≤ 30" >&2; exit 2; }
if [ -n "$BASELINE" ] && [[ " $SYSTEMS " != *" albatross-fn-base "* ]]; then SYSTEMS="$SYSTEMS albatross-fn-base"; fi
for s in $SYSTEMS; do
	case "$s" in direct-http | albatross-http | albatross-fn | albatross-fn-base | rie | rie-multi) ;;
	*) echo "run.sh: unknown system $s" >&2; exit 2 ;; esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
BIN="$HERE/out"
OUT="$HERE/out/run-$STAMP"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/albatross-fnbench.XXXXXX")
DATA="$WORK/albatross-data" # shared by every Albatross start: the function is built once
mkdir -p "$OUT" "$BIN"
CLK_TCK=$(getconf CLK_TCK)

# Every process this script starts is recorded here and stopped on exit, whatever the exit.
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do stop "$pid"; done
	# The emulator's multi-worker mode mounts a tmpfs in its own mount namespace only; nothing to
	# unmount here.
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "[fnbench] error: line $LINENO: $BASH_COMMAND failed" >&2' ERR

log() { printf '[fnbench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# descendants PID: every descendant of PID, children first.
descendants() {
	local c
	for c in $(pgrep -P "$1" || true); do echo "$c"; descendants "$c"; done
}

# stop PID: SIGTERM to PID, SIGKILL after 10 s; then any of its descendants still alive (a
# function process orphaned by a crash) get the same.
stop() {
	local pid=$1 kids p
	kill -0 "$pid" 2>/dev/null || return 0
	kids=$(descendants "$pid")
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in $kids; do kill -KILL "$p" 2>/dev/null || true; done
}

install_tools() {
	local missing=()
	command -v taskset >/dev/null && command -v unshare >/dev/null || missing+=(util-linux)
	command -v curl >/dev/null || missing+=(curl)
	command -v pgrep >/dev/null || missing+=(procps)
	[ ${#missing[@]} -eq 0 ] && return
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	log "installing ${missing[*]} (apt-get)"
	timeout 300 $sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive timeout 300 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_baseline sets BASELINE_BIN: --baseline's binary, or a build of its git ref from a clean
# export.
build_baseline() {
	[ -n "$BASELINE" ] || return 0
	if [ -f "$BASELINE" ] && [ -x "$BASELINE" ]; then
		BASELINE_BIN=$BASELINE BASELINE_FROM="given binary $BASELINE"
		return 0
	fi
	local rev src="$WORK/albatross-base"
	rev=$(cd "$ROOT" && git rev-parse --short --verify "$BASELINE^{commit}") || die "--baseline $BASELINE: neither an executable nor a git ref"
	log "building the baseline albatross from $BASELINE ($rev)"
	mkdir -p "$src"
	(cd "$ROOT" && git archive "$rev" | tar -x -C "$src") || die "git archive $rev failed"
	BASELINE_BIN="$BIN/albatross-base"
	(cd "$src" && go build -o "$BASELINE_BIN" ./cmd/albatross) || die "the baseline $rev does not build"
	BASELINE_FROM="$BASELINE ($rev)"
}

# build_albatross builds ./cmd/albatross; when the working tree does not build (others are
# mid-edit), it builds the last commit from a clean export instead.
build_albatross() {
	[ -z "$ALBATROSS_BIN" ] || return 0
	ALBATROSS_BIN="$BIN/albatross"
	log "building albatross"
	if (cd "$ROOT" && go build -o "$ALBATROSS_BIN" ./cmd/albatross) 2>"$OUT/albatross-build.log"; then
		ALBATROSS_FROM="working tree"
		return 0
	fi
	log "the working tree does not build (see $OUT/albatross-build.log); building HEAD from git archive"
	local head="$WORK/albatross-head"
	mkdir -p "$head"
	(cd "$ROOT" && git archive HEAD | tar -x -C "$head") || die "git archive failed"
	(cd "$head" && go build -o "$ALBATROSS_BIN" ./cmd/albatross) || die "albatross HEAD does not build either"
	ALBATROSS_FROM="HEAD $(cd "$ROOT" && git rev-parse --short HEAD)"
}

build() {
	log "building fnbench, httpfn, the function's bootstrap and freeport"
	(cd "$ROOT" &&
		go build -o "$BIN/fnbench" ./bench/lambda/fnbench &&
		go build -o "$BIN/httpfn" ./bench/lambda/httpfn &&
		go build -o "$BIN/freeport" ./bench/freeport &&
		mkdir -p "$BIN/task" &&
		CGO_ENABLED=0 go build -o "$BIN/task/bootstrap" ./bench/lambda/fn) || die "go build failed"
	if [[ " $SYSTEMS " == *" rie"* ]] && [ ! -x "$BIN/aws-lambda-rie" ]; then
		log "installing the AWS Lambda Runtime Interface Emulator (go install ...@latest)"
		GOBIN="$BIN" timeout 300 go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest ||
			die "the emulator does not build with $(go version)"
	fi
	if [[ " $SYSTEMS " == *" albatross"* ]] || [ "$COLD" -gt 0 ]; then build_albatross; fi
	build_baseline
}

# ports N: N distinct free ports on 127.0.0.1, space-separated.
ports() { "$BIN/freeport" -n "$1" | paste -sd' '; }

# start NAME CMD...: runs CMD on CPU 1, output appended to the run folder; sets STARTED.
start() {
	local name=$1; shift
	taskset -c 1 "$@" >>"$OUT/$name.log" 2>&1 &
	STARTED=$!
	PIDS+=("$STARTED")
}

# await_http URL: wait (at most 30 s) until URL answers 200.
await_http() {
	for _ in $(seq 300); do
		curl -fsS --max-time 1 -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	die "$1 did not answer 200 within 30 s"
}

start_httpfn() {
	local port
	port=$(ports 1)
	start httpfn "$BIN/httpfn" --addr "127.0.0.1:$port"
	PID_httpfn=$STARTED HTTPFN_PORT=$port
	await_http "http://127.0.0.1:$port/http/hello"
}

# start_albatross PROVISIONED [BINARY]: a fresh Albatross with the bench config; sets
# PID_albatross and ALB_PORT. It answers /ready once its listener serves; the function is built by
# then.
start_albatross() {
	local bin=${2:-$ALBATROSS_BIN}
	ALB_PORT=$(ports 1)
	local cfg="$WORK/albatross-p$1.yaml"
	sed -e "s|@ALB_PORT@|$ALB_PORT|g" -e "s|@HTTPFN_PORT@|$HTTPFN_PORT|g" \
		-e "s|@FN_DIR@|$HERE/fn|g" -e "s|@PROVISIONED@|$1|g" "$HERE/albatross.yaml.in" >"$cfg"
	"$bin" validate --config "$cfg" || die "albatross rejected the bench config"
	start albatross "$bin" serve --config "$cfg" --data-dir "$DATA" --log-level warn
	PID_albatross=$STARTED
}

# start_rie MODE: the emulator on fresh ports; sets PID_rie, RIE_ADDR. MODE multi runs its
# multi-worker mode, which in this version only looks for the bootstrap in /var/task,
# /var/runtime and /opt (ignoring its argument), so it runs in a private mount namespace with a
# tmpfs overlay on /var holding task/bootstrap; the host's /var is not changed.
start_rie() {
	local p
	read -r -a p <<<"$(ports 2)"
	RIE_ADDR="127.0.0.1:${p[0]}"
	local rie=("$BIN/aws-lambda-rie" --log-level error --runtime-api-address "127.0.0.1:${p[1]}"
		--runtime-interface-emulator-address "$RIE_ADDR")
	if [ "$1" = classic ]; then
		start rie "${rie[@]}" "$BIN/task/bootstrap"
	else
		local ns="$WORK/rie-ns" userns=""
		mkdir -p "$ns"
		[ "$(id -u)" -eq 0 ] || userns="-r"
		start rie-multi env AWS_LAMBDA_MAX_CONCURRENCY=10 unshare $userns -m --propagation private sh -c '
			mount -t tmpfs none "$1" && mkdir -p "$1/upper/task" "$1/work" &&
			cp "$2" "$1/upper/task/bootstrap" &&
			mount -t overlay overlay -o "lowerdir=/var,upperdir=$1/upper,workdir=$1/work" /var &&
			shift 2 && exec "$@"' sh "$ns" "$BIN/task/bootstrap" "${rie[@]}"
	fi
	PID_rie=$STARTED
}

INVOKE_PATH=/2015-03-31/functions/function/invocations

# measure SYSTEM CONC ROUND: start SYSTEM, load it, stop it; appends to runs.tsv.
measure() {
	local sys=$1 c=$2 round=$3 pids url extra=()
	case "$sys" in
	direct-http) pids=$PID_httpfn url="http://127.0.0.1:$HTTPFN_PORT/http/hello" ;;
	albatross-http | albatross-fn | albatross-fn-base)
		if [ "$sys" = albatross-fn-base ]; then start_albatross 10 "$BASELINE_BIN"; else start_albatross 10; fi
		await_http "http://127.0.0.1:$ALB_PORT/ready"
		pids=$PID_albatross url="http://127.0.0.1:$ALB_PORT/fn/hello"
		if [ "$sys" = albatross-http ]; then pids="$PID_albatross,$PID_httpfn" url="http://127.0.0.1:$ALB_PORT/http/hello"; fi ;;
	rie | rie-multi)
		if [ "$sys" = rie ]; then start_rie classic; else start_rie multi; fi
		pids=$PID_rie url="http://$RIE_ADDR$INVOKE_PATH"
		extra=(-method POST -body-file "$HERE/event.json" -expect '"statusCode":200')
		await_tcp "$RIE_ADDR" ;;
	esac
	timeout $((WARMUP + DURATION + 60)) taskset -c 0 "$BIN/fnbench" load -system "$sys" -round "$round" \
		-c "$c" -d "${DURATION}s" -warmup "${WARMUP}s" -pids "$pids" -clk-tck "$CLK_TCK" \
		-url "$url" -expect albatross-fnbench-ok "${extra[@]}" >>"$OUT/runs.tsv" 2>>"$OUT/fnbench.log" ||
		die "fnbench failed against $sys (see $OUT/fnbench.log)"
	tail -n 2 "$OUT/fnbench.log" | grep "$sys c=$c" >&2 || true
	case "$sys" in albatross-*) stop "$PID_albatross" ;; rie*) stop "$PID_rie" ;; esac
}

# await_tcp HOST:PORT: wait (at most 10 s) until it accepts connections.
await_tcp() {
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null && return 0
		sleep 0.1
	done
	die "$1 did not accept connections within 10 s"
}

rounds() {
	local list=() s c n r i
	for s in $SYSTEMS; do for c in $CONCURRENCY; do list+=("$s:$c"); done; done
	n=${#list[@]}
	printf '# system\tconc\tround\tok\terrors\tseconds\tok_per_s\tp50_us\tp99_us\tcpu_us_per_ok\tserver_cpu_us_per_ok\n' >"$OUT/runs.tsv"
	for ((r = 1; r <= ROUNDS; r++)); do
		for ((i = 0; i < n; i++)); do
			local item=${list[$(((i + r - 1) % n))]}
			measure "${item%:*}" "${item#*:}" "$r"
		done
	done
}

# cold SYSTEM ROUND: one fresh server, one request; round 0 is a discarded priming run (it fills
# the build and page caches, for both systems alike).
cold() {
	local sys=$1 round=$2 line
	if [ "$sys" = albatross-fn ]; then
		start_albatross 0
		line=$(timeout 60 taskset -c 0 "$BIN/fnbench" cold -system "$sys" -round "$round" \
			-ready "http://127.0.0.1:$ALB_PORT/ready" -url "http://127.0.0.1:$ALB_PORT/fn/hello" \
			-expect albatross-fnbench-ok 2>>"$OUT/fnbench.log") || die "fnbench cold failed (see $OUT/fnbench.log)"
		stop "$PID_albatross"
	else
		start_rie classic
		line=$(timeout 60 taskset -c 0 "$BIN/fnbench" cold -system "$sys" -round "$round" \
			-ready-tcp "$RIE_ADDR" -url "http://$RIE_ADDR$INVOKE_PATH" -method POST -body-file "$HERE/event.json" \
			-expect albatross-fnbench-ok -expect '"statusCode":200' 2>>"$OUT/fnbench.log") || die "fnbench cold failed (see $OUT/fnbench.log)"
		stop "$PID_rie"
	fi
	[ "$round" -eq 0 ] || printf '%s\n' "$line" >>"$OUT/cold.tsv"
}

colds() {
	printf '# system\tround\tfirst_byte_us\ttotal_us\tok\n' >"$OUT/cold.tsv"
	[ "$COLD" -gt 0 ] || return 0
	local r sys
	for ((r = 0; r <= COLD; r++)); do
		for sys in albatross-fn rie; do
			[[ $sys == albatross-fn || " $SYSTEMS " == *" rie"* ]] || continue
			cold "$sys" "$r"
		done
	done
	log "cold starts: $(grep -vc '^#' "$OUT/cold.tsv") measured"
}

machine() {
	echo "- date: $STARTED_AT"
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), nproc $(nproc)"
	echo "- kernel: $(uname -r); $(go version | cut -d' ' -f3-4)"
	echo "- albatross: ${ALBATROSS_FROM:-given binary}${BASELINE_FROM:+; albatross-fn-base: $BASELINE_FROM}; emulator: $(go version -m "$BIN/aws-lambda-rie" 2>/dev/null | awk '$1 == "mod" {print $2, $3}')"
	echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
	echo "- $ROUNDS rounds × $(wc -w <<<"$SYSTEMS") systems × concurrency {$CONCURRENCY} × ${DURATION} s (after ${WARMUP} s warm-up); $COLD cold starts per system; load generator (bench/lambda/fnbench) on CPU 0, servers and functions on CPU 1"
}

# wait_quiet waits (at most 10 minutes) while the proxy benchmark (bench/run.sh, wrk) runs: it
# pins the same two CPUs, and two benchmarks at once would spoil both.
wait_quiet() {
	local i
	for ((i = 0; i < 600; i++)); do
		pgrep -x wrk >/dev/null || pgrep -f 'bench/run\.sh' >/dev/null || return 0
		((i % 60 == 0)) && log "waiting for the proxy benchmark (bench/run.sh) to finish"
		sleep 1
	done
	die "the proxy benchmark is still running after 10 minutes"
}

main() {
	[ "$(nproc)" -ge 2 ] || die "needs two CPUs (load generator on 0, servers on 1)"
	install_tools
	build
	wait_quiet
	local about table
	about=$(machine)
	start_httpfn
	rounds
	colds
	table=$("$BIN/fnbench" table -runs "$OUT/runs.tsv" -cold "$OUT/cold.tsv")
	printf '%s\n' "$about" >"$OUT/machine.md"
	printf '%s\n' "$table" >"$OUT/table.md"
	printf '\n%s\n\n%s\n' "$about" "$table"
	if [ "$APPEND" -eq 1 ]; then
		printf '\n### Run of %s\n\n%s\n\n%s\n' "$STARTED_AT" "$about" "$table" >>"$HERE/RESULTS.md"
		log "appended to bench/lambda/RESULTS.md"
	fi
	log "raw results in $OUT"
}

main
