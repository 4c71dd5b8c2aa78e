#!/usr/bin/env bash
# Create throughput as requests accumulate: `/services/request/create` rate around 100,000
# requests against the rate around 1,000, in the same run (creation and numberOrigin lookup are
# O(log n); they used to scan every request under the lock: 5,900/s fell to 200/s after 92k).
# Loopback only, bounded in time (each round at most 900 s; about 30 s here).
#
#   scripts/bench-server-create.sh          3 rounds of 102,000 creates, 8 connections
#
# Each round starts a fresh server with --max-requests above TOTAL (it keeps every request
# created), pinned to SERVER_CPU, and runs examples/create_load.rs on CLIENT_CPU. Prints each
# round's rates (creates 0–2,000 and 99,000–101,000) and ratio, then the medians and the median
# ratio with PASS/MISS against the target (>= 0.8); exits 1 on MISS.
#
# Knobs (environment): ROUNDS=3 TOTAL=102000 CONNECTIONS=8 SERVER_CPU=0 CLIENT_CPU=1 PORT=18485
#   TARGET=0.8
set -euo pipefail

ROUNDS=${ROUNDS:-3}
TOTAL=${TOTAL:-102000}
CONNECTIONS=${CONNECTIONS:-8}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18485}
TARGET=${TARGET:-0.8}

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

require_tools
[ "$TOTAL" -ge 101000 ] || die "TOTAL must reach past 101,000 creates"
build_release

: >"$work/1k"
: >"$work/100k"
: >"$work/ratio"
for round in $(seq "$ROUNDS"); do
    start_server "$PORT" --max-requests $((TOTAL + 1000))
    out=$(timeout 900 taskset -c "$CLIENT_CPU" "$release/examples/create_load" "http://127.0.0.1:$PORT/citsmart" \
        "$TOTAL" "$CONNECTIONS") || die "create_load failed: $out"
    printf '%s\n' "$out" | sed "s/^/  round $round: /" >&2
    at_1k=$(printf '%s\n' "$out" | awk '/^rate at 1000:/ {sub("/s", "", $4); print $4}')
    at_100k=$(printf '%s\n' "$out" | awk '/^rate at 100000:/ {sub("/s", "", $4); print $4}')
    [ -n "$at_1k" ] && [ -n "$at_100k" ] || die "no rates in: $out"
    ratio=$(awk -v a="$at_100k" -v b="$at_1k" 'BEGIN {printf "%.2f", a / b}')
    echo "round $round: $at_1k/s at 1k, $at_100k/s at 100k, ratio $ratio," \
        "server RSS $(($(rss_kb "$SERVER_PID") / 1024)) MB" >&2
    echo "$at_1k" >>"$work/1k"
    echo "$at_100k" >>"$work/100k"
    echo "$ratio" >>"$work/ratio"
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
done
ratio=$(median <"$work/ratio")
result=$(verdict "$ratio" '>=' "$TARGET")
echo "create rate at 1k requests     median $(median <"$work/1k")/s"
echo "create rate at 100k requests   median $(median <"$work/100k")/s"
echo "ratio 100k/1k                  median of $ROUNDS rounds $ratio (target >= $TARGET): $result"
held "$result"
