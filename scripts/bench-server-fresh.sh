#!/usr/bin/env bash
# getNewest with a fresh body on every request (so no answer comes from the read cache) against a
# bare axum handler returning the same bytes (examples/bare_axum.rs), side by side: the work the
# reference does per uncached request. Loopback only, bounded in time.
#
#   scripts/bench-server-fresh.sh          5 rounds x 5 s per server, alternating
#
# Both servers pinned to SERVER_CPU, wrk to CLIENT_CPU. Each request carries its own newestNumber
# (-1, -2, …: every one lists the same tasks), so every body is new. Prints each round, the median
# requests/s of each, and the ratio reference/bare with PASS/MISS against the target (>= 0.5);
# exits 1 on MISS.
#
# Knobs (environment): ROUNDS=5 DURATION=5 CONNECTIONS=32 SERVER_CPU=0 CLIENT_CPU=1
#   PORT_REF=18482 PORT_BARE=18483 TARGET=0.5
set -euo pipefail

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT_REF=${PORT_REF:-18482}
PORT_BARE=${PORT_BARE:-18483}
TARGET=${TARGET:-0.5}
PATH_NEWEST=/citsmart/mobile/v2/notification/getNewest

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

require_tools
try_install_wrk || die "wrk is required"
build_release

start_server "$PORT_REF"
session=$(session_of "$PORT_REF")
[ -n "$session" ] || die "login failed"
status=$(curl -s -o "$work/newest.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d "{\"sessionID\":\"$session\",\"notificationType\":0,\"onlyApproval\":0,\"newestNumber\":0}" \
    "http://127.0.0.1:$PORT_REF$PATH_NEWEST")
[ "$status" = 200 ] || die "getNewest answered $status"
echo "getNewest response: $(wc -c <"$work/newest.json") bytes, $(grep -o '"taskId"' "$work/newest.json" | wc -l) notifications" >&2

taskset -c "${SERVER_CPU:-0}" "$release/examples/bare_axum" "$PORT_BARE" "$work/newest.json" >"$work/bare.log" 2>&1 &
pids+=($!)
wait_port "$PORT_BARE"

cat >"$work/fresh.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"sessionID":"$session","notificationType":0,"onlyApproval":0,"newestNumber":-' .. n .. '}')
end
LUA

measure() {
    local out
    out=$(timeout $((DURATION + 15)) taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" \
        -s "$work/fresh.lua" "$1")
    if printf '%s' "$out" | grep -q 'Non-2xx'; then die "errors while measuring $1: $out"; fi
    printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}'
}

echo "wrk, $CONNECTIONS connections, ${DURATION}s per run, $ROUNDS rounds;" \
    "servers on CPU ${SERVER_CPU:-0}, client on CPU $CLIENT_CPU" >&2
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
echo "reference, fresh bodies  median $ref req/s"
echo "bare axum                median $bare req/s"
result=$(verdict "$ratio" '>=' "$TARGET")
echo "ratio                    $ratio (target >= $TARGET): $result"
held "$result"
