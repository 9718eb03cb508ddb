#!/usr/bin/env bash
# The Albatross seed demo in one command (`make demo`): builds what it needs, starts an S3 server
# (versitygw) seeded with the site's assets, three instances of the ticket-site monolith, and
# Albatross in front of them with three Lambda functions, on 127.0.0.1:${PORT:-8080}, with its
# control API (ELBv2 and Lambda APIs, dashboard, explain) on 127.0.0.1:${API_PORT}. Ctrl-C (or
# SIGTERM) stops everything it started.
#
# Usage: run.sh [PATH_TO_ALBATROSS]   (without it, albatross is built from this checkout)
# Environment: PORT (default 8080); API_PORT (default: the first free port above PORT after the
# internal ones); ALBATROSS_DEMO_DATA_DIR (default ~/.cache/albatross-demo). The internal ports
# are the first free ones above PORT.
set -euo pipefail

seed_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$seed_dir/../.." && pwd)
PORT=${PORT:-8080}
S3_BUCKET=albatross-demo-assets
S3_ACCESS_KEY_ID=demo
S3_SECRET_ACCESS_KEY=demo-secret-key
work=$(mktemp -d "${TMPDIR:-/tmp}/albatross-demo.XXXXXX")
pids=()
names=()

say() { printf '== %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# stop sends SIGTERM to every process group started here, newest first, waits up to 10 s, then
# SIGKILLs what is left, and removes the work folder.
stop() {
	local status=$?
	trap - EXIT INT TERM
	if ((${#pids[@]})); then
		say "stopping ${names[*]}"
		for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM -- "-${pids[i]}" 2>/dev/null || true; done
		for _ in $(seq 100); do
			[[ -n $(jobs -rp) ]] || break
			sleep 0.1
		done
		for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
		for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	fi
	rm -rf "$work"
	say "stopped"
	exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v go >/dev/null || die "the Go toolchain (go) must be on PATH"
command -v curl >/dev/null || die "curl must be on PATH"

# listening reports whether something accepts connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_ports prints $1 ports above PORT that nothing listens on, never the API_PORT asked for
# (PORT=9000 API_PORT=9001 would otherwise give 9001 to the first site too).
free_ports() {
	local want=$1 p=$((PORT + 1)) found=()
	while ((${#found[@]} < want)); do
		((p < 65536)) || die "no free ports above $PORT"
		[[ $p == "${API_PORT:-}" ]] || listening "$p" || found+=("$p")
		p=$((p + 1))
	done
	echo "${found[@]}"
}

listening "$PORT" && die "port $PORT is in use; choose another with PORT=9000 make demo"
read -r SITE1_PORT SITE2_PORT CHECKOUT_PORT S3_PORT FREE_API_PORT <<<"$(free_ports 5)"
if [[ -n ${API_PORT:-} ]]; then
	listening "$API_PORT" && die "API_PORT $API_PORT is in use; choose another with API_PORT=9100 make demo"
else
	API_PORT=$FREE_API_PORT
fi
# The demo's API listens on loopback only, where Albatross needs no signature check; the AWS CLI
# still signs every request, so it gets these dummy credentials.
DEMO_AWS_ENV="AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_DEFAULT_REGION=us-east-1"

# build runs `go build -v` for a label, showing how many packages compiled: the first build of
# versitygw and the AWS SDK takes minutes on a small machine, later ones come from the cache.
build() {
	local label=$1 dir=$2
	shift 2
	local start=$SECONDS n=0 line last=
	printf '   %-28s' "$label"
	while IFS= read -r line; do
		n=$((n + 1))
		last=$line
		if [[ -t 1 ]]; then printf '\r   %-28s %4d packages compiled  %s\033[K' "$label" "$n" "${line:0:40}"; fi
		if [[ $line != exit=* && $line == *' '* ]]; then printf '\n   %s' "$line"; fi # compiler messages
	done < <(cd "$dir" && go build -v "$@" 2>&1; echo "exit=$?")
	[[ $last == "exit=0" ]] || { printf '\n'; die "building $label failed (see above): $last"; }
	n=$((n - 1))
	if [[ -t 1 ]]; then printf '\r   %-28s' "$label"; fi
	printf ' done in %ds (packages compiled: %d)' $((SECONDS - start)) "$n"
	if [[ -t 1 ]]; then printf '\033[K'; fi
	printf '\n'
}

mkdir -p "$work/bin" "$work/logs" "$work/s3/data" "$work/s3/meta"
say "building (the first run compiles versitygw and the AWS SDK: a few minutes; later runs take seconds)"
albatross=${1:-}
if [[ -z $albatross ]]; then
	build albatross "$repo" -buildvcs=auto -o "$work/bin/albatross" ./cmd/albatross
	albatross=$work/bin/albatross
fi
build "monolith + seeder" "$seed_dir" -o "$work/bin/" ./cmd/monolith ./cmd/seed
# The flags and CGO_ENABLED=0 Albatross builds functions with (internal/function/build), so its
# builds hit this cache (with cgo on, every package above net would compile again).
CGO_ENABLED=0 build "functions (warm the cache)" "$seed_dir" -trimpath -tags=lambda.norpc -buildvcs=false ./functions/...
build "versitygw (S3 server)" "$seed_dir" -o "$work/bin/versitygw" github.com/versity/versitygw/cmd/versitygw

# start NAME CMD...: runs CMD in the background in a process group of its own, its output in
# logs/NAME.log. Job control is on only while forking: the child then leads its own group (stop
# reaches everything it spawned) and does not receive the terminal's Ctrl-C, which this script
# handles by stopping everything in order. Foreground commands stay in the script's group.
start() {
	local name=$1
	shift
	set -m
	if [[ $name == log ]]; then "$@" & else "$@" >"$work/logs/$name.log" 2>&1 & fi
	pids+=($!)
	set +m
	names+=("$name")
}

# wait_http NAME URL [SECONDS]: waits until URL answers 2xx, failing early if NAME's process exited.
wait_http() {
	local name=$1 url=$2 limit=${3:-30} pid=${pids[-1]} deadline=$((SECONDS + ${3:-30}))
	until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || { tail -n 20 "$work/logs/$name.log" >&2; die "$name exited (log above)"; }
		((SECONDS < deadline)) || { tail -n 20 "$work/logs/$name.log" >&2; die "$name did not answer $url within ${limit}s"; }
		sleep 0.2
	done
}
say "starting the S3 server (versitygw, posix backend) on 127.0.0.1:$S3_PORT"
start s3 "$work/bin/versitygw" --access "$S3_ACCESS_KEY_ID" --secret "$S3_SECRET_ACCESS_KEY" \
	--port "127.0.0.1:$S3_PORT" --health /health --quiet posix --sidecar "$work/s3/meta" "$work/s3/data"
wait_http s3 "http://127.0.0.1:$S3_PORT/health"
S3_ENDPOINT=http://127.0.0.1:$S3_PORT S3_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY \
	"$work/bin/seed" -bucket "$S3_BUCKET" -dir "$seed_dir/bucket" | sed 's/^/   /'

say "starting the monolith: site-1 :$SITE1_PORT, site-2 :$SITE2_PORT, checkout-1 :$CHECKOUT_PORT"
for instance in "site-1 $SITE1_PORT" "site-2 $SITE2_PORT" "checkout-1 $CHECKOUT_PORT"; do
	read -r name port <<<"$instance"
	start "$name" "$work/bin/monolith" -addr "127.0.0.1:$port" -name "$name"
	wait_http "$name" "http://127.0.0.1:$port/health"
done

config=$work/albatross.yaml
sed -e "s|\${PORT}|$PORT|g" -e "s|\${SITE1_PORT}|$SITE1_PORT|g" -e "s|\${SITE2_PORT}|$SITE2_PORT|g" \
	-e "s|\${CHECKOUT_PORT}|$CHECKOUT_PORT|g" -e "s|\${S3_PORT}|$S3_PORT|g" -e "s|\${SEED_DIR}|$seed_dir|g" \
	-e "s|\${S3_BUCKET}|$S3_BUCKET|g" -e "s|\${S3_ACCESS_KEY_ID}|$S3_ACCESS_KEY_ID|g" \
	-e "s|\${S3_SECRET_ACCESS_KEY}|$S3_SECRET_ACCESS_KEY|g" "$seed_dir/albatross.yaml.tmpl" >"$config"
"$albatross" validate --config "$config" || die "the generated config is invalid: $config"

say "starting Albatross on 127.0.0.1:$PORT, its API on 127.0.0.1:$API_PORT (it links the three Go functions on first start)"
# The demo has a data dir of its own, so that the resources of an albatross the user runs with the
# default one never show up here. Its function builds are kept (later runs start in seconds), its
# API state is not: a resource made through the API in an earlier run would come back with stale
# ports. Gated shifts (the README's walk-through) start afresh too.
data_dir=${ALBATROSS_DEMO_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/albatross-demo}
rm -rf "$data_dir/state" "$data_dir/shift"
start albatross "$albatross" serve --config "$config" --api-addr "127.0.0.1:$API_PORT" --data-dir "$data_dir"
wait_http albatross "http://127.0.0.1:$PORT/api/events" 300
wait_http albatross "http://127.0.0.1:$API_PORT/healthz"

base=http://127.0.0.1:$PORT
api=http://127.0.0.1:$API_PORT
# The site group's ARN, asked of the API itself (ELBv2 Query API), for a ready-to-paste CLI line.
# Every API request carries a SigV4 signature (docs/security.md); with no --api-credentials any
# well-formed one is accepted, so curl signs with dummy credentials.
site_arn=$(curl -fsS --max-time 5 --aws-sigv4 aws:amz:us-east-1:elasticloadbalancing --user demo:demo \
	"$api/" -d 'Action=DescribeTargetGroups&Version=2015-12-01&Names.member.1=site' |
	sed -n 's:.*<TargetGroupArn>\([^<]*\)</TargetGroupArn>.*:\1:p' | head -n 1)
[[ -n $site_arn ]] || die "the control API on $api did not describe the target group site"
cat <<MSG

== Albatross Tickets on $base — open it in a browser, or try:
   curl -i $base/                                   # home page: the Lambda function "home" (HTML)
   curl -s $base/api/events                         # API function: JSON driven by method, path, query
   curl -s '$base/api/events?city=Lisbon&city=Porto&limit=3'   # repeated keys: multi-value headers on
   curl -s $base/api/events/albatross-live/seats?available=true
   curl -si -X POST $base/api/reservations -H 'Content-Type: application/json' \\
        -d '{"event_id":"albatross-live","seats":["Z9"],"email":"nope"}'   # 400 with a JSON error per field
   curl -s $base/api/echo?q=a%20b                   # the ALB event as the function received it
   curl -sI $base/assets/200.jpg                    # assets function streaming from S3: type, ETag, cache
   curl -sI $base/assets/200.jpg -H 'If-None-Match: <the ETag above>'   # 304 Not Modified
   curl -sI $base/assets/large.jpg                  # over the 1 MB Lambda limit: 307 to a presigned S3 URL
   curl -sI $base/events                            # monolith, round robin: X-Instance site-1 / site-2
   curl -sI $base/checkout                          # checkout group: always X-Instance checkout-1
   The config is $config: edit a rule and save, Albatross reloads it (see the README).

== The control API on $api (loopback only; every request is signed, and any signature is accepted):
   Dashboard:  $api/dashboard/
   Explain:    $albatross explain --config $config GET $base/api/events
               curl -s --aws-sigv4 aws:amz:us-east-1:albatross --user demo:demo '$api/explain?method=GET&url=http%3A%2F%2F127.0.0.1%3A$PORT%2Fapi%2Fevents'
   Strangler:  $albatross diff --api-addr 127.0.0.1:$API_PORT    (shadowed rules; see the README's walk-through)
               $albatross shift --api-addr 127.0.0.1:$API_PORT   (gated shifts)
   AWS CLI (dummy credentials: the CLI signs, the loopback API accepts any signature):
   $DEMO_AWS_ENV aws --endpoint-url $api elbv2 describe-target-health --target-group-arn $site_arn
   $DEMO_AWS_ENV aws --endpoint-url $api lambda list-functions --query 'Functions[].FunctionName'
   Logs: $work/logs. Press Ctrl-C to stop everything.
== Demo ready on $base
MSG

# Mirror Albatross's log and stay until a signal, or until a process dies.
start log tail -n +1 -f "$work/logs/albatross.log"
while true; do
	for i in "${!pids[@]}"; do
		if ! kill -0 "${pids[i]}" 2>/dev/null; then
			tail -n 20 "$work/logs/${names[i]}.log" >&2 2>/dev/null || true
			die "${names[i]} exited unexpectedly"
		fi
	done
	sleep 0.5 &
	wait $! || true
done
