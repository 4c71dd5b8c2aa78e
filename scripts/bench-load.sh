#!/usr/bin/env bash
# Speed of `itsm-conform load` (issue "Load", point 6), loopback only, bounded in time:
#   1. our technician scenario with envelope checks only (--validate-sample 0) against wrk hitting
#      getNewest of the same server: ratio ours/wrk (target >= 0.55); bare Goose (examples/
#      bare_goose.rs: the same POST, no checks, one shared client) is measured beside them, as the
#      floor any Goose-driven generator starts from;
#   2. full JSON Schema validation of every response (--validate-sample 1.0) against envelope only:
#      ratio full/envelope (target >= 0.90, i.e. validation costs <= 10% throughput).
#
#   scripts/bench-load.sh              3 rounds x 10 s of each measurement, interleaved
#
# The reference server runs in its own process pinned to SERVER_CPU, every generator (wrk and
# ours) to CLIENT_CPU. Prints each run, the medians and both ratios.
#
# Knobs (environment): ROUNDS=3 DURATION=10 USERS=32 SERVER_CPU=0 CLIENT_CPU=1 PORT=18490
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
USERS=${USERS:-32}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18490}
BASE=http://127.0.0.1:$PORT/citsmart
PATH_NEWEST=/mobile/v2/notification/getNewest

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

require_tools python3 # python3 reads load-summary.json
try_install_wrk || die "wrk is required"

build_release
bin=$release/itsm-conform
bare=$release/examples/bare_goose

taskset -c "$SERVER_CPU" "$bin" serve --bind "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
pids+=($!)
wait_port "$PORT"

login=$(curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"userName":"tecnico","password":"tecnico-demo"}' "$BASE/services/login")
session=$(printf '%s' "$login" | sed -n 's/.*"sessionID":"\([^"]*\)".*/\1/p')
[ -n "$session" ] || die "login failed: $login"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = '{"sessionID":"$session","notificationType":0,"onlyApproval":0,"newestNumber":0}'
LUA
printf '{"sessionID":"%s","notificationType":0,"onlyApproval":0,"newestNumber":0}' "$session" >"$work/body.json"

wrk_rps() {
    local out
    out=$(timeout $((DURATION + 15)) taskset -c "$CLIENT_CPU" wrk -t1 -c"$USERS" -d"${DURATION}s" \
        -s "$work/post.lua" "$BASE$PATH_NEWEST")
    if printf '%s' "$out" | grep -q 'Non-2xx'; then die "wrk saw errors: $out"; fi
    printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}'
}

bare_rps() {
    timeout $((DURATION + 30)) taskset -c "$CLIENT_CPU" "$bare" "$BASE$PATH_NEWEST" "$work/body.json" "$USERS" \
        "$DURATION" shared 2>/dev/null | awk '/^Requests\/sec:/ {print $2}'
}

# Our generator: the technician scenario (all users at once), requests/s over the whole run.
ours_rps() {
    local sample=$1 out=$work/ours-$1
    timeout $((DURATION + 60)) taskset -c "$CLIENT_CPU" "$bin" load --target "$BASE" \
        --user tecnico --password tecnico-demo --scenario technician --users "$USERS" \
        --increase-rate 10000 --run-time "${DURATION}s" --validate-sample "$sample" \
        --threshold 'error-rate<1%' --out "$out" >"$work/ours.log" 2>&1 || {
        cat "$work/ours.log" >&2
        die "load run failed"
    }
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(round(s["total"]["rps"], 1))' \
        "$out/load-summary.json"
}


echo "$USERS users/connections, ${DURATION}s per run, $ROUNDS rounds; server on CPU $SERVER_CPU," \
    "generators on CPU $CLIENT_CPU" >&2
: >"$work/wrk"; : >"$work/bare"; : >"$work/env"; : >"$work/full"
for round in $(seq "$ROUNDS"); do
    w=$(wrk_rps)
    g=$(bare_rps)
    e=$(ours_rps 0)
    f=$(ours_rps 1.0)
    echo "round $round: wrk getNewest $w req/s, bare Goose getNewest $g req/s, ours envelope-only $e req/s," \
        "ours full validation $f req/s" >&2
    echo "$w" >>"$work/wrk"; echo "$g" >>"$work/bare"; echo "$e" >>"$work/env"; echo "$f" >>"$work/full"
done

w=$(median <"$work/wrk"); g=$(median <"$work/bare"); e=$(median <"$work/env"); f=$(median <"$work/full")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
r1=$(ratio "$e" "$w"); r2=$(ratio "$f" "$e")
echo "wrk (getNewest)              median $w req/s"
echo "bare Goose (getNewest)       median $g req/s  ($(ratio "$g" "$w") x wrk)"
echo "ours, envelope checks        median $e req/s  ($(ratio "$e" "$g") x bare Goose)"
echo "ours, full schema validation median $f req/s"
echo "ratio ours/wrk               $r1 (target >= 0.55: $(awk -v x="$r1" 'BEGIN {print (x >= 0.55) ? "met" : "MISSED"}'))"
echo "ratio full/envelope          $r2 (target >= 0.90: $(awk -v x="$r2" 'BEGIN {print (x >= 0.90) ? "met" : "MISSED"}'))"
