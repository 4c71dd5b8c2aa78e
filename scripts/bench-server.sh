#!/usr/bin/env bash
# Throughput of the reference server on getNewest against a bare axum handler that returns the same
# bytes (issue "Reference implementation", point 8). Loopback only, bounded in time.
#
#   scripts/bench-server.sh            5 rounds x 5 s per server, alternating
#
# Both servers run pinned to one core (SERVER_CPU), the client to another (CLIENT_CPU). The client
# is wrk with a Lua script for the POST body (installed with apt-get when run as root and missing),
# or else examples/post_load.rs. Prints each run, the median requests/s of each server and the
# ratio reference/bare with PASS/MISS against the target (>= 0.8); exits 1 on MISS.
#
# Knobs (environment): ROUNDS=5 DURATION=5 CONNECTIONS=32 SERVER_CPU=0 CLIENT_CPU=1
#   NEWEST_NUMBER=0 (the getNewest filter: 0 lists every task of the user)
#   PORT_REF=18480 PORT_BARE=18481 CLIENT=wrk|post_load (default: wrk when available) TARGET=0.8
set -euo pipefail

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
NEWEST_NUMBER=${NEWEST_NUMBER:-0}
PORT_REF=${PORT_REF:-18480}
PORT_BARE=${PORT_BARE:-18481}
TARGET=${TARGET:-0.8}
PATH_NEWEST=/citsmart/mobile/v2/notification/getNewest

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

require_tools

client=${CLIENT:-}
if [ -z "$client" ]; then
    if try_install_wrk; then client=wrk; else client=post_load; fi
fi

build_release
bin=$release


# 1. The reference server, pinned.
taskset -c "$SERVER_CPU" "$bin/itsm-conform" serve --bind "127.0.0.1:$PORT_REF" >"$work/ref.log" 2>&1 &
pids+=($!)
wait_port "$PORT_REF"

# 2. A session and a real getNewest response.
login=$(curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"userName":"tecnico","password":"tecnico-demo"}' "http://127.0.0.1:$PORT_REF/citsmart/services/login")
session=$(printf '%s' "$login" | sed -n 's/.*"sessionID":"\([^"]*\)".*/\1/p')
[ -n "$session" ] || die "login failed: $login"
body="{\"sessionID\":\"$session\",\"notificationType\":0,\"onlyApproval\":0,\"newestNumber\":$NEWEST_NUMBER}"
printf '%s' "$body" >"$work/request.json"
status=$(curl -s -o "$work/newest.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary @"$work/request.json" "http://127.0.0.1:$PORT_REF$PATH_NEWEST")
[ "$status" = 200 ] || die "getNewest answered $status: $(head -c 300 "$work/newest.json")"
items=$(grep -o '"taskId"' "$work/newest.json" | wc -l)
echo "getNewest response: $(wc -c <"$work/newest.json") bytes, $items notifications" >&2

# 3. The bare handler with those bytes, pinned to the same core.
taskset -c "$SERVER_CPU" "$bin/examples/bare_axum" "$PORT_BARE" "$work/newest.json" >"$work/bare.log" 2>&1 &
pids+=($!)
wait_port "$PORT_BARE"

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
LUA

# One measurement; prints requests/s.
measure() {
    local url=$1 out
    if [ "$client" = wrk ]; then
        out=$(timeout $((DURATION + 15)) taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" \
            -s "$work/post.lua" "$url")
    else
        out=$(timeout $((DURATION + 15)) taskset -c "$CLIENT_CPU" "$bin/examples/post_load" "$url" \
            "$work/request.json" "$CONNECTIONS" "$DURATION")
    fi
    if printf '%s' "$out" | grep -q 'Non-2xx'; then die "errors while measuring $url: $out"; fi
    printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}'
}


echo "client: $client, $CONNECTIONS connections, ${DURATION}s per run, $ROUNDS rounds;" \
    "servers on CPU $SERVER_CPU, client on CPU $CLIENT_CPU" >&2
: >"$work/ref.rps"
: >"$work/bare.rps"
for round in $(seq "$ROUNDS"); do
    r=$(measure "http://127.0.0.1:$PORT_REF$PATH_NEWEST")
    b=$(measure "http://127.0.0.1:$PORT_BARE$PATH_NEWEST")
    echo "round $round: reference $r req/s, bare axum $b req/s" >&2
    echo "$r" >>"$work/ref.rps"
    echo "$b" >>"$work/bare.rps"
done

ref=$(median <"$work/ref.rps")
bare=$(median <"$work/bare.rps")
ratio=$(awk -v r="$ref" -v b="$bare" 'BEGIN {printf "%.2f", r / b}')
result=$(verdict "$ratio" '>=' "$TARGET")
echo "reference server  median $ref req/s"
echo "bare axum         median $bare req/s"
echo "ratio             $ratio (target >= $TARGET): $result"
held "$result"
