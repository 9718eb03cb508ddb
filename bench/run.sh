#!/usr/bin/env bash
# bench/run.sh — the proxy benchmark: requests/s, p50/p99/p99.9 latency, and CPU µs, context
# switches and system calls per request of the proxy process, at 50 keep-alive connections on
# loopback, for
#   direct      the Go backend (bench/backend) with nothing in front
#   albatross   Albatross with ten path-pattern rules, the last one matching
#   nginx       nginx with one worker, configured equivalently (bench/nginx.conf.in)
#   plainproxy  httputil.ReverseProxy with default settings (bench/plainproxy)
#   tunedproxy  the same with a keep-alive pool and pooled buffers (plainproxy --tuned): the
#               floor for a proxy built on httputil.ReverseProxy
#   leanproxy   (only when named in --systems) an experiment: net/http server plus a minimal
#               forwarder without http.Transport (bench/leanproxy)
#   leanrp      (only when named) the same forwarder as the Transport of httputil.ReverseProxy
#   candidate   (only with --candidate BINARY) a second Albatross, built from another tree, with
#               the same configuration: an A/B of a change in the same rounds as the rest
# wrk runs on CPU 0; every proxy and the backend on CPU 1. Systems run in rounds, rotating the
# order each round so that drift hits all alike; the table shows each system's median.
#
# usage: bench/run.sh [--rounds N] [--duration SECONDS] [--warmup SECONDS] [--connections N]
#                     [--systems "direct albatross nginx plainproxy tunedproxy"] [--albatross BINARY]
#                     [--albatross-env "GOGC=400 ..."] [--perf SECONDS] [--append]
#                     [--new-connections] [--size BYTES] [--request-body BYTES] [--https]
#                     [--candidate BINARY]
#   --new-connections  every request on a new connection (wrk sends Connection: close)
#   --request-body BYTES  every request is a POST with a BYTES-byte body (bench/wrk.lua), which
#                 the backend reads to its end behind every system
#   --https       Albatross and nginx listen with TLS (a self-signed P-256 certificate made by
#                 openssl); the other systems stay plain HTTP
#   --size BYTES  the backend answers BYTES-byte bodies (?size=BYTES) instead of 43 bytes
#   --append      also append the table, date and machine to bench/RESULTS.md
#   --albatross-env  environment for the albatross process and the candidate (e.g. GC settings
#                 to try)
#   --candidate BINARY  measure BINARY too, as the system "candidate", to compare a change with
#                 the tree's own build in the same rounds
#   --perf S      after the rounds, record S seconds of `perf` call graphs of Albatross under
#                 load into the run folder (perf.data, perf-report.txt)
# System calls per request come from `perf stat -e raw_syscalls:sys_enter` on the proxy's
# processes during the measured run ("—" when perf cannot count them here); p99.9 from
# bench/wrk.lua. bench/full.sh runs every configuration of the table in one go.
# Raw wrk reports and the run list stay in bench/out/run-<date>/.
set -euo pipefail

ROUNDS=3 DURATION=10 WARMUP=2 CONNECTIONS=50 APPEND=0 PERF=0
SYSTEMS="direct albatross nginx plainproxy tunedproxy"
ALBATROSS_BIN="" ALBATROSS_ENV="" CANDIDATE_BIN=""
NEW_CONNECTIONS=0 SIZE="" REQUEST_BODY=0 HTTPS=0
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) ROUNDS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--warmup) WARMUP=$2; shift 2 ;;
	--connections) CONNECTIONS=$2; shift 2 ;;
	--systems) SYSTEMS=$2; shift 2 ;;
	--albatross) ALBATROSS_BIN=$2; shift 2 ;;
	--albatross-env) ALBATROSS_ENV=$2; shift 2 ;;
	--candidate) CANDIDATE_BIN=$2; shift 2 ;;
	--perf) PERF=$2; shift 2 ;;
	--append) APPEND=1; shift ;;
	--new-connections) NEW_CONNECTIONS=1; shift ;;
	--size) SIZE=$2; shift 2 ;;
	--request-body) REQUEST_BODY=$2; shift 2 ;;
	--https) HTTPS=1; shift ;;
	-h | --help) sed -n '2,40p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for n in "$ROUNDS" "$DURATION" "$WARMUP" "$CONNECTIONS" "$PERF" "$REQUEST_BODY" ${SIZE:+"$SIZE"}; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "run.sh: numbers only, got '$n'" >&2; exit 2; }
done
((ROUNDS >= 1 && ROUNDS <= 10 && DURATION >= 1 && DURATION <= 60 && WARMUP <= 30 && PERF <= 60)) ||
	{ echo "run.sh: rounds 1-10, duration 1-60 s, warmup ≤ 30 s, perf ≤ 60 s" >&2; exit 2; }
if [ -n "$CANDIDATE_BIN" ] && [[ " $SYSTEMS " != *" candidate "* ]]; then SYSTEMS="$SYSTEMS candidate"; fi
[ -z "$CANDIDATE_BIN" ] || [ -x "$CANDIDATE_BIN" ] || { echo "run.sh: --candidate $CANDIDATE_BIN is not an executable" >&2; exit 2; }
((REQUEST_BODY <= 16777216)) || { echo "run.sh: --request-body at most 16 MiB" >&2; exit 2; }

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$BENCH/out/run-$STAMP"
BIN="$BENCH/out/bin"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/albatross-bench.XXXXXX")
mkdir -p "$OUT" "$BIN" "$WORK/nginx-tmp"
# nginx's worker runs as another user when started by root, and spools request bodies over 16 K
# to its temporary folder: it must be able to reach and write it.
chmod 0711 "$WORK" && chmod 0777 "$WORK/nginx-tmp"

# Every process this script starts is recorded here and stopped on exit, whatever the exit.
PIDS=()
cleanup() {
	local pid
	if [ -n "${WRK_PID:-}" ]; then kill -TERM "$WRK_PID" 2>/dev/null || true; fi
	if [ -n "${PERF_PID:-}" ]; then kill -TERM "$PERF_PID" 2>/dev/null || true; fi
	if [ -n "${COUNT_PID:-}" ]; then kill -TERM "$COUNT_PID" 2>/dev/null || true; fi
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "[bench] error: line $LINENO: $BASH_COMMAND failed" >&2' ERR

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# install_tools installs wrk and nginx from Debian's packages when they are missing.
install_tools() {
	local missing=()
	command -v wrk >/dev/null || missing+=(wrk)
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
	command -v taskset >/dev/null || missing+=(util-linux)
	command -v curl >/dev/null || missing+=(curl)
	[ ${#missing[@]} -eq 0 ] && return
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	log "installing ${missing[*]} (apt-get)"
	timeout 300 $sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive timeout 300 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
	log "building the backend, the plain proxy and the helpers"
	(cd "$ROOT" && for p in backend plainproxy leanproxy freeport summarize; do
		go build -o "$BIN/$p" "./bench/$p" || exit 1
	done) || die "go build failed"
	if [[ " $SYSTEMS " == *" albatross "* && -z "$ALBATROSS_BIN" ]]; then
		log "building albatross"
		ALBATROSS_BIN="$BIN/albatross"
		(cd "$ROOT" && go build -o "$ALBATROSS_BIN" ./cmd/albatross) ||
			die "albatross does not build; run with --systems \"direct nginx plainproxy tunedproxy\" meanwhile"
	fi
}

# ticks PID...: utime+stime, in clock ticks, of the processes and of their children (nginx's
# workers); the counts of a process include all its threads.
ticks() {
	local total=0 pid p stat f
	for pid in "$@"; do
		for p in "$pid" $(pgrep -P "$pid" || true); do
			stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
			# After "(comm) ": state is field 0, utime field 11, stime field 12 (proc(5)).
			read -r -a f <<<"${stat##*) }"
			total=$((total + f[11] + f[12]))
		done
	done
	echo "$total"
}

# switches PID...: context switches (voluntary and not) of every thread of the processes and of
# their children, from /proc/PID/task/*/status.
switches() {
	local total=0 pid p f n
	for pid in "$@"; do
		for p in "$pid" $(pgrep -P "$pid" || true); do
			for f in /proc/"$p"/task/*/status; do
				n=$(awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ {s += $2} END {print s + 0}' "$f" 2>/dev/null) || continue
				total=$((total + n))
			done
		done
	done
	echo "$total"
}

# await URL: wait (at most 10 s) until URL answers 200 with the backend's body; with
# --request-body, also to a POST of that body (a proxy refusing it would measure errors).
await() {
	for _ in $(seq 100); do
		if curl -fsSk --max-time 1 "$1" 2>/dev/null | grep -q 'albatross benchmark backend'; then
			[ "$REQUEST_BODY" -gt 0 ] || return 0
			curl -fsSk --max-time 10 -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/body" "$1" 2>/dev/null |
				grep -q 'albatross benchmark backend' || die "$1 did not take a POST of $REQUEST_BODY bytes"
			return 0
		fi
		sleep 0.1
	done
	die "$1 did not answer 200 with the backend's body within 10 s"
}

# syscall_counting: whether perf can count the proxy's system calls here.
SYSCALLS=0
syscall_counting() {
	command -v perf >/dev/null && perf stat -x, -e raw_syscalls:sys_enter -- true >/dev/null 2>&1 && SYSCALLS=1
	[ "$SYSCALLS" -eq 1 ] || log "perf cannot count system calls here (raw_syscalls:sys_enter); that column stays empty"
}

# pids_of PID...: the processes and their children (nginx's worker), comma-separated for perf.
pids_of() {
	local pid out=""
	for pid in "$@"; do
		for p in "$pid" $(pgrep -P "$pid" || true); do out="$out${out:+,}$p"; done
	done
	echo "$out"
}

# start NAME CMD...: runs CMD on CPU 1 with its output in the run folder; sets STARTED.
start() {
	local name=$1; shift
	taskset -c 1 "$@" >"$OUT/$name.log" 2>&1 &
	STARTED=$!
	PIDS+=("$STARTED")
}

fill() { # fill TEMPLATE OUTPUT [ALBATROSS_PORT]: replaces the @...@ placeholders.
	sed -e "s|@WORK@|$WORK|g" -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" \
		-e "s|@ALB_PORT@|${3:-$ALB_PORT}|g" -e "s|@NGINX_PORT@|$NGINX_PORT|g" "$1" >"$2"
}

start_systems() {
	local ports
	ports=$("$BIN/freeport" -n 8) || die "no free ports"
	read -r -d '' BACKEND_PORT ALB_PORT NGINX_PORT PLAIN_PORT TUNED_PORT LEAN_PORT LEANRP_PORT CANDIDATE_PORT <<<"$ports" || true
	SCHEME=http
	if [ "$HTTPS" -eq 1 ]; then
		SCHEME=https
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench \
			-keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null || die "openssl could not make a certificate"
	fi
	start backend "$BIN/backend" --addr "127.0.0.1:$BACKEND_PORT"
	PID_direct=$STARTED PID_backend=$STARTED
	URL_direct="http://127.0.0.1:$BACKEND_PORT/bench/hello"
	await "$URL_direct"
	if [[ " $SYSTEMS " == *" albatross "* ]]; then
		fill "$BENCH/albatross.yaml.in" "$WORK/albatross.yaml"
		if [ "$HTTPS" -eq 1 ]; then
			sed -i "s|^        protocol: HTTP$|        protocol: HTTPS\n        certificates:\n          - {certificate_file: $WORK/cert.pem, private_key_file: $WORK/key.pem}|" "$WORK/albatross.yaml"
		fi
		"$ALBATROSS_BIN" validate --config "$WORK/albatross.yaml" || die "albatross rejected the bench config"
		# shellcheck disable=SC2086 # ALBATROSS_ENV is a list of NAME=VALUE words.
		start albatross env $ALBATROSS_ENV "$ALBATROSS_BIN" serve --config "$WORK/albatross.yaml" --data-dir "$WORK/albatross-data" --log-level warn
		PID_albatross=$STARTED URL_albatross="$SCHEME://127.0.0.1:$ALB_PORT/bench/hello"
		await "$URL_albatross"
	fi
	if [ -n "$CANDIDATE_BIN" ]; then
		fill "$BENCH/albatross.yaml.in" "$WORK/candidate.yaml" "$CANDIDATE_PORT"
		if [ "$HTTPS" -eq 1 ]; then
			sed -i "s|^        protocol: HTTP$|        protocol: HTTPS\n        certificates:\n          - {certificate_file: $WORK/cert.pem, private_key_file: $WORK/key.pem}|" "$WORK/candidate.yaml"
		fi
		# shellcheck disable=SC2086 # ALBATROSS_ENV is a list of NAME=VALUE words.
		start candidate env $ALBATROSS_ENV "$CANDIDATE_BIN" serve --config "$WORK/candidate.yaml" --data-dir "$WORK/candidate-data" --log-level warn
		PID_candidate=$STARTED URL_candidate="$SCHEME://127.0.0.1:$CANDIDATE_PORT/bench/hello"
		await "$URL_candidate"
	fi
	if [[ " $SYSTEMS " == *" nginx "* ]]; then
		fill "$BENCH/nginx.conf.in" "$WORK/nginx.conf"
		if [ "$HTTPS" -eq 1 ]; then
			sed -i "s|^        listen 127.0.0.1:$NGINX_PORT;|        listen 127.0.0.1:$NGINX_PORT ssl;\n        ssl_certificate $WORK/cert.pem;\n        ssl_certificate_key $WORK/key.pem;|" "$WORK/nginx.conf"
		fi
		start nginx "$(command -v nginx || echo /usr/sbin/nginx)" -p "$WORK" -c "$WORK/nginx.conf"
		PID_nginx=$STARTED URL_nginx="$SCHEME://127.0.0.1:$NGINX_PORT/bench/hello"
		await "$URL_nginx"
	fi
	if [[ " $SYSTEMS " == *" plainproxy "* ]]; then
		start plainproxy "$BIN/plainproxy" --addr "127.0.0.1:$PLAIN_PORT" --target "http://127.0.0.1:$BACKEND_PORT"
		PID_plainproxy=$STARTED URL_plainproxy="http://127.0.0.1:$PLAIN_PORT/bench/hello"
		await "$URL_plainproxy"
	fi
	if [[ " $SYSTEMS " == *" tunedproxy "* ]]; then
		start tunedproxy "$BIN/plainproxy" --tuned --addr "127.0.0.1:$TUNED_PORT" --target "http://127.0.0.1:$BACKEND_PORT"
		PID_tunedproxy=$STARTED URL_tunedproxy="http://127.0.0.1:$TUNED_PORT/bench/hello"
		await "$URL_tunedproxy"
	fi
	if [[ " $SYSTEMS " == *" leanproxy "* ]]; then
		start leanproxy "$BIN/leanproxy" --addr "127.0.0.1:$LEAN_PORT" --target "127.0.0.1:$BACKEND_PORT"
		PID_leanproxy=$STARTED URL_leanproxy="http://127.0.0.1:$LEAN_PORT/bench/hello"
		await "$URL_leanproxy"
	fi
	if [[ " $SYSTEMS " == *" leanrp "* ]]; then
		start leanrp "$BIN/leanproxy" --reverseproxy --addr "127.0.0.1:$LEANRP_PORT" --target "127.0.0.1:$BACKEND_PORT"
		PID_leanrp=$STARTED URL_leanrp="http://127.0.0.1:$LEANRP_PORT/bench/hello"
		await "$URL_leanrp"
	fi
}

# wrk_run SECONDS URL [WRK-FLAGS...]: one wrk run on CPU 0, bounded in time. It runs in the
# background and is waited for, so that an interrupt stops it at once (cleanup kills WRK_PID).
WRK_PID="" PERF_PID=""
wrk_run() {
	local seconds=$1 url=$2 rc=0
	shift 2
	local extra=()
	if [ "$NEW_CONNECTIONS" -eq 1 ]; then extra+=(-H "Connection: close"); fi
	if [ -n "$SIZE" ]; then url="$url?size=$SIZE"; fi
	BENCH_REQUEST_BODY=$REQUEST_BODY timeout $((seconds + 30)) taskset -c 0 \
		wrk -t1 -c"$CONNECTIONS" -d"$seconds"s -s "$BENCH/wrk.lua" "${extra[@]}" "$@" "$url" &
	WRK_PID=$!
	wait "$WRK_PID" || rc=$?
	WRK_PID=""
	return "$rc"
}

# count_syscalls PIDS SECONDS FILE: perf's count of the processes' system calls over SECONDS,
# in the background (sets COUNT_PID); FILE gets perf's CSV.
COUNT_PID=""
count_syscalls() {
	(sleep 0.5 && exec timeout $(($2 + 10)) perf stat -x, -e raw_syscalls:sys_enter -p "$1" -o "$3" -- sleep "$2" >/dev/null 2>&1) &
	COUNT_PID=$!
}

# syscall_rate FILE SECONDS: system calls per second from count_syscalls' FILE, or -.
syscall_rate() {
	local n
	n=$(awk -F, '$3 == "raw_syscalls:sys_enter" && $1 ~ /^[0-9]+$/ {print $1}' "$1" 2>/dev/null)
	if [ -n "$n" ]; then echo $((n / $2)); else echo -; fi
}

# measure SYSTEM ROUND: a warm-up, then one measured wrk run; appends a line to runs.tsv.
measure() {
	local sys=$1 round=$2 url_var="URL_$1" pid_var="PID_$1" p0 b0 p1 b1 s0 s1 proxy sw report="r$2-$1.wrk"
	local url=${!url_var} pid=${!pid_var} window=$((DURATION > 2 ? DURATION - 1 : 1)) rate=-
	if [ "$WARMUP" -gt 0 ]; then wrk_run "$WARMUP" "$url" >/dev/null; fi
	p0=$(ticks "$pid") b0=$(ticks "$PID_backend") s0=$(switches "$pid")
	# The count runs inside the measured run, half a second in, over its DURATION-1 seconds.
	if [ "$SYSCALLS" -eq 1 ] && [ "$sys" != direct ]; then count_syscalls "$(pids_of "$pid")" "$window" "$OUT/$report.syscalls"; fi
	wrk_run "$DURATION" "$url" --latency >"$OUT/$report" || die "wrk failed against $sys (see $OUT/$report)"
	p1=$(ticks "$pid") b1=$(ticks "$PID_backend") s1=$(switches "$pid")
	if [ -n "$COUNT_PID" ]; then
		wait "$COUNT_PID" || true
		COUNT_PID=""
		rate=$(syscall_rate "$OUT/$report.syscalls" "$window")
	fi
	proxy=$((p1 - p0)) sw=$((s1 - s0))
	[ "$sys" != direct ] || { proxy=-; sw=-; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sys" "$round" "$report" "$proxy" $((b1 - b0)) "$sw" "$rate" >>"$OUT/runs.tsv"
	log "round $round $sys: $(grep 'Requests/sec' "$OUT/$report" | tr -s ' ')"
}

# rounds: round r runs the systems rotated by r-1, so each system takes each place in turn.
rounds() {
	local list=($SYSTEMS) n r i
	n=${#list[@]}
	printf '# system\tround\twrk report\tproxy ticks\tbackend ticks\tproxy context switches\tproxy syscalls/s\n' >"$OUT/runs.tsv"
	for ((r = 1; r <= ROUNDS; r++)); do
		for ((i = 0; i < n; i++)); do measure "${list[$(((i + r - 1) % n))]}" "$r"; done
	done
}

# profile: perf call graphs of Albatross under the same load, for RESULTS.md's analysis.
profile() {
	[ "$PERF" -gt 0 ] && [ -n "${PID_albatross:-}" ] || return 0
	command -v perf >/dev/null || { log "perf not installed; skipping the profile"; return 0; }
	log "profiling albatross for $PERF s"
	(sleep 1 && exec timeout $((PERF + 30)) perf record -F 999 -g -p "$PID_albatross" -o "$OUT/perf.data" -- sleep "$PERF" 2>/dev/null) &
	PERF_PID=$!
	wrk_run "$((PERF + 2))" "$URL_albatross" >/dev/null || true
	wait "$PERF_PID" || log "perf record failed; no profile"
	PERF_PID=""
	perf report -i "$OUT/perf.data" --stdio --no-children --percent-limit 0.5 >"$OUT/perf-report.txt" 2>/dev/null || true
	perf report -i "$OUT/perf.data" --stdio --children --no-call-graph --percent-limit 1 >"$OUT/perf-children.txt" 2>/dev/null || true
	log "profile in $OUT/perf-report.txt and perf-children.txt"
}

machine() {
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), nproc $(nproc)"
	echo "- kernel: $(uname -r); $(go version | cut -d' ' -f3-4)"
	echo "- $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1 | sed 's/^nginx version: //')"
	echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
	if [ -n "$ALBATROSS_ENV" ]; then echo "- albatross environment: $ALBATROSS_ENV"; fi
	if [ -n "$CANDIDATE_BIN" ]; then echo "- candidate: $CANDIDATE_BIN ($(stat -c %y "$CANDIDATE_BIN" | cut -d. -f1))"; fi
	echo "- $ROUNDS rounds × $(wc -w <<<"$SYSTEMS") systems × ${DURATION} s (after ${WARMUP} s warm-up), wrk -t1 -c$CONNECTIONS on CPU 0, proxy + backend on CPU 1"
	if [ "$NEW_CONNECTIONS" -eq 1 ]; then echo "- a new connection per request (Connection: close)"; fi
	if [ -n "$SIZE" ]; then echo "- response bodies of $SIZE bytes"; fi
	if [ "$REQUEST_BODY" -gt 0 ]; then echo "- POST requests with $REQUEST_BODY-byte bodies (the backend reads each to its end)"; fi
	if [ "$HTTPS" -eq 1 ]; then echo "- HTTPS to albatross and nginx (self-signed P-256 certificate, each its default TLS policy); the others plain"; fi
}

main() {
	[ "$(nproc)" -ge 2 ] || die "needs two CPUs (wrk on 0, proxy and backend on 1)"
	install_tools
	syscall_counting
	build
	if [ "$REQUEST_BODY" -gt 0 ]; then head -c "$REQUEST_BODY" /dev/zero | tr '\0' a >"$WORK/body"; fi
	local about
	STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
	about=$(machine)
	start_systems
	rounds
	local table
	table=$("$BIN/summarize" --runs "$OUT/runs.tsv" --clk-tck "$(getconf CLK_TCK)")
	printf '%s\n' "$about" >"$OUT/machine.md"
	printf '%s\n' "$table" >"$OUT/table.md"
	printf '\nRun of %s\n%s\n\n%s\n' "$STARTED_AT" "$about" "$table"
	if [ "$APPEND" -eq 1 ]; then
		printf '\n### Run of %s\n\n%s\n\n%s\n' "$STARTED_AT" "$about" "$table" >>"$BENCH/RESULTS.md"
		log "appended to bench/RESULTS.md"
	fi
	profile
	log "raw reports in $OUT"
}

main
