#!/usr/bin/env bash
# Memory under a flood of logins with short sessions: LOGINS v1 logins against
# `serve --session-ttl 1s` keep the server's RSS within +20 MB (expired sessions are swept, not
# kept). Loopback only, bounded in time (wrk in batches until the count is reached, at most
# MAX_SECONDS).
#
#   scripts/bench-server-logins.sh          1,000,000 logins
#   LOGINS=200000 scripts/bench-server-logins.sh
#
# Prints the RSS before (after start-up), after, and the highest sampled (after each batch and at
# the end), the logins done and their rate, and PASS/MISS against the target (highest - before
# <= 20 MB); exits 1 on MISS.
#
# Knobs (environment): LOGINS=1000000 CONNECTIONS=32 BATCH=10 MAX_SECONDS=600 SERVER_CPU=0
#   CLIENT_CPU=1 PORT=18484 TARGET_MB=20
set -euo pipefail

LOGINS=${LOGINS:-1000000}
CONNECTIONS=${CONNECTIONS:-32}
BATCH=${BATCH:-10}
MAX_SECONDS=${MAX_SECONDS:-600}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18484}
TARGET_MB=${TARGET_MB:-20}

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

require_tools
try_install_wrk || die "wrk is required"
build_release

start_server "$PORT" --session-ttl 1s
[ -n "$(session_of "$PORT")" ] || die "login failed"
before=$(rss_kb "$SERVER_PID")

cat >"$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"userName":"tecnico","password":"tecnico-demo"}'
LUA

done_logins=0
peak=$before
started=$(date +%s)
while [ "$done_logins" -lt "$LOGINS" ]; do
    [ $(($(date +%s) - started)) -lt "$MAX_SECONDS" ] || die "only $done_logins logins within $MAX_SECONDS s"
    out=$(timeout $((BATCH + 15)) taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${BATCH}s" \
        -s "$work/login.lua" "http://127.0.0.1:$PORT/citsmart/services/login")
    if printf '%s' "$out" | grep -q 'Non-2xx'; then die "failed logins: $out"; fi
    n=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
    done_logins=$((done_logins + n))
    rss=$(rss_kb "$SERVER_PID")
    [ -n "$rss" ] || die "the server has exited"
    [ "$rss" -gt "$peak" ] && peak=$rss
    echo "  $done_logins logins, RSS $rss KiB" >&2
done
elapsed=$(($(date +%s) - started))
# Past the last sessions' lifetime, what the sweeps leave.
sleep 2
after=$(rss_kb "$SERVER_PID")
[ "$after" -gt "$peak" ] && peak=$after
growth=$(awk -v a="$peak" -v b="$before" 'BEGIN {printf "%.1f", (a - b) / 1024}')
echo "logins            $done_logins in ${elapsed}s ($((done_logins / (elapsed > 0 ? elapsed : 1)))/s), session TTL 1 s"
echo "RSS before        $((before / 1024)) MB ($before KiB)"
echo "RSS after         $((after / 1024)) MB ($after KiB)"
echo "RSS highest       $((peak / 1024)) MB ($peak KiB, sampled after each batch and at the end)"
result=$(verdict "$growth" '<=' "$TARGET_MB")
echo "growth            $growth MB, highest - before (target <= $TARGET_MB MB): $result"
held "$result"
