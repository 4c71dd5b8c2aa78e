#!/usr/bin/env bash
# Memory of the reference server under a long load: `itsm-conform load --users 50` (default
# mix, embedded server as a child process) for DURATION, sampling the child's RSS. Target: after
# the first minute it stays within +10% of its value at one minute (every store the load writes
# is bounded: requests kept, occurrences, positions, submissions, sessions, the read cache).
# Loopback only, bounded in time.
#
#   scripts/bench-server-memory.sh                 10 minutes
#   DURATION=120 scripts/bench-server-memory.sh    2 minutes
#
# Prints the RSS at 1 minute, at 2 minutes (growth since 1 minute), at the end, the highest
# after 1 minute and PASS/MISS for the whole run (MISS too when the load itself failed); exits 1
# on MISS.
#
# Knobs (environment): DURATION=600 (seconds, >= 70) USERS=50 SAMPLE=5 (seconds) TARGET_PCT=10
set -euo pipefail

DURATION=${DURATION:-600}
USERS=${USERS:-50}
SAMPLE=${SAMPLE:-5}
TARGET_PCT=${TARGET_PCT:-10}
BASELINE_AT=60

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

[ "$DURATION" -ge 70 ] || die "DURATION must exceed the one-minute baseline"
command -v curl >/dev/null || die "curl is required"
build_release

"$release/itsm-conform" load --users "$USERS" --run-time "${DURATION}s" --out "$work/out" \
    >"$work/load.out" 2>"$work/load.err" &
load_pid=$!
pids+=("$load_pid")
child=""
for _ in $(seq 300); do
    child=$(sed -n 's/.*(child process \([0-9]*\),.*/\1/p' "$work/load.err" | head -1)
    [ -n "$child" ] && break
    kill -0 "$load_pid" 2>/dev/null || die "load ended early: $(cat "$work/load.err")"
    sleep 0.1
done
[ -n "$child" ] || die "no child server in: $(cat "$work/load.err")"
echo "load: $USERS users for ${DURATION}s; reference server pid $child; RSS every ${SAMPLE}s" >&2

started=$(date +%s)
: >"$work/rss"
while kill -0 "$load_pid" 2>/dev/null; do
    rss=$(rss_kb "$child")
    [ -n "$rss" ] && echo "$(($(date +%s) - started)) $rss" >>"$work/rss"
    sleep "$SAMPLE"
done
load_status=0
wait "$load_pid" || load_status=$?

# The first sample at or after a time.
at() { awk -v t="$1" '$1 >= t {print $2; exit}' "$work/rss"; }
base=$(at "$BASELINE_AT")
at2=$(at 120)
last=$(tail -1 "$work/rss" | awk '{print $2}')
peak=$(awk -v t="$BASELINE_AT" '$1 >= t && $2 > m {m = $2} END {print m + 0}' "$work/rss")
[ -n "$base" ] || die "the load ended before the one-minute baseline"
pct() { awk -v a="$1" -v b="$base" 'BEGIN {printf "%+.1f", (a - b) * 100 / b}'; }
echo "requests                   $(awk '/^  all / {print $2}' "$work/load.out") (load exit $load_status)"
echo "RSS at 1 min               $((base / 1024)) MB"
if [ -n "$at2" ]; then echo "RSS at 2 min               $((at2 / 1024)) MB ($(pct "$at2")% since 1 min)"; fi
echo "RSS at the end (${DURATION}s)    $((last / 1024)) MB ($(pct "$last")%)"
growth=$(pct "$peak")
result=$(verdict "$growth" '<=' "$TARGET_PCT")
[ "$load_status" = 0 ] || result=MISS
echo "highest after 1 min        $((peak / 1024)) MB (${growth}%; target <= +${TARGET_PCT}%): $result"
held "$result"
