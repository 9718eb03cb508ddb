#!/usr/bin/env bash
# Starts the demo: two backend instances and Albatross in front of them with one function.
# Usage: run.sh PATH_TO_ALBATROSS   (make demo passes it; PORT defaults to 8080)
set -euo pipefail
albatross=${1:?usage: run.sh PATH_TO_ALBATROSS}
demo_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$demo_dir/../.." && pwd)
PORT=${PORT:-8080}
SITE1_PORT=${SITE1_PORT:-$((PORT + 1))}
SITE2_PORT=${SITE2_PORT:-$((PORT + 2))}
work=$(mktemp -d)
pids=()

cleanup() {
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== building the demo backend"
(cd "$repo" && go build -o "$work/backend" ./examples/demo/backend)
"$work/backend" -addr "127.0.0.1:$SITE1_PORT" -name site-1 & pids+=($!)
"$work/backend" -addr "127.0.0.1:$SITE2_PORT" -name site-2 & pids+=($!)

export PORT SITE1_PORT SITE2_PORT DEMO_DIR="$demo_dir"
config="$work/albatross.yaml"
sed -e "s|\${PORT}|$PORT|g" -e "s|\${SITE1_PORT}|$SITE1_PORT|g" -e "s|\${SITE2_PORT}|$SITE2_PORT|g" \
	-e "s|\${DEMO_DIR}|$demo_dir|g" "$demo_dir/albatross.yaml.tmpl" > "$config"

cat <<MSG
== Albatross demo on http://127.0.0.1:$PORT (config: $config)
   curl -i http://127.0.0.1:$PORT/                 # forwarded round robin to the two backend instances
   curl -i http://127.0.0.1:$PORT/hello?name=you   # served by the Go Lambda function "hello"
   curl -i http://127.0.0.1:$PORT/old/page         # redirect rule (301, ALB Location format)
   curl -i http://127.0.0.1:$PORT/teapot           # fixed-response rule
   Edit $config while it runs: Albatross reloads it. Ctrl-C stops everything.
MSG
"$albatross" serve --config "$config" & pids+=($!)
wait "${pids[-1]}"
