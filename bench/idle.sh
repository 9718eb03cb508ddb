#!/usr/bin/env bash
# bench/idle.sh — what an idle keep-alive client connection costs: Albatross and nginx (configured
# as in bench/run.sh, nginx allowed enough connections) each get N connections (default 10000)
# that send one request, read the answer and stay open; bench/idleconns reads the proxy's resident
# memory (nginx: master and worker) before and after and prints the difference per connection.
#
# usage: bench/idle.sh [-n CONNECTIONS] [--systems "albatross nginx"]
# Needs nginx (bench/run.sh installs it) and a file-descriptor limit above N + 1000 per process.
set -euo pipefail

N=10000 SYSTEMS="albatross nginx"
while [ $# -gt 0 ]; do
	case "$1" in
	-n) N=$2; shift 2 ;;
	--systems) SYSTEMS=$2; shift 2 ;;
	-h | --help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "idle.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ $N =~ ^[0-9]+$ ]] && ((N >= 1 && N <= 30000)) || { echo "idle.sh: -n 1-30000" >&2; exit 2; }
ulimit -n $((N + 1000)) 2>/dev/null || { echo "idle.sh: cannot raise the descriptor limit to $((N + 1000))" >&2; exit 1; }

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
BIN="$BENCH/out/bin"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/albatross-idle.XXXXXX")
mkdir -p "$BIN" "$WORK/nginx-tmp"
PIDS=()
cleanup() {
	local pid
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
log() { printf '[idle] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

(cd "$ROOT" && for p in backend freeport idleconns; do go build -o "$BIN/$p" "./bench/$p" || exit 1; done &&
	go build -o "$BIN/albatross" ./cmd/albatross) || die "go build failed"

await() {
	for _ in $(seq 100); do
		if curl -fsS --max-time 1 "$1" 2>/dev/null | grep -q 'albatross benchmark backend'; then return 0; fi
		sleep 0.1
	done
	die "$1 did not answer within 10 s"
}
read -r -d '' BACKEND_PORT ALB_PORT NGINX_PORT <<<"$("$BIN/freeport" -n 3)" || true
fill() {
	sed -e "s|@WORK@|$WORK|g" -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" \
		-e "s|@ALB_PORT@|$ALB_PORT|g" -e "s|@NGINX_PORT@|$NGINX_PORT|g" "$1" >"$2"
}
"$BIN/backend" --addr "127.0.0.1:$BACKEND_PORT" >"$WORK/backend.log" 2>&1 &
PIDS+=($!)
await "http://127.0.0.1:$BACKEND_PORT/bench/hello"

for sys in $SYSTEMS; do
	case "$sys" in
	albatross)
		fill "$BENCH/albatross.yaml.in" "$WORK/albatross.yaml"
		# Albatross's own caps (1,000 connections per source IP, 10,000 per listener) would
		# refuse the test's connections, which all come from 127.0.0.1.
		sed -i "s|^  - name: bench$|  - name: bench\n    attributes:\n      albatross.connections.max: \"$((N + 100))\"\n      albatross.connections.max_per_source_ip: \"$((N + 100))\"|" "$WORK/albatross.yaml"
		"$BIN/albatross" serve --config "$WORK/albatross.yaml" --data-dir "$WORK/albatross-data" --log-level warn >"$WORK/albatross.log" 2>&1 &
		pid=$! port=$ALB_PORT ;;
	nginx)
		fill "$BENCH/nginx.conf.in" "$WORK/nginx.conf"
		sed -i -e "s|worker_connections 1024;|worker_connections $((N + 1000));|" \
			-e "s|^worker_processes 1;|worker_processes 1;\nworker_rlimit_nofile $((N + 1000));|" "$WORK/nginx.conf"
		"$(command -v nginx || echo /usr/sbin/nginx)" -p "$WORK" -c "$WORK/nginx.conf" >"$WORK/nginx.log" 2>&1 &
		pid=$! port=$NGINX_PORT ;;
	*) die "unknown system $sys" ;;
	esac
	PIDS+=("$pid")
	await "http://127.0.0.1:$port/bench/hello"
	log "$sys: $N idle connections"
	echo "system $sys"
	"$BIN/idleconns" --addr "127.0.0.1:$port" --pid "$pid" -n "$N"
	kill -TERM "$pid" 2>/dev/null || true
done
