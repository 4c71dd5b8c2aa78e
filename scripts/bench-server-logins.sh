#!/usr/bin/env bash
# Memory under a flood of logins with short sessions: LOGINS v1 logins against
# `serve --session-ttl 1s` keep the server's RSS within +20 MB (expired sessions are swept, not
# kept). Loopback only, bounded in time (wrk in batches until the count is reached, at most
# MAX_SECONDS).
#
#   scripts/bench-server-logins.sh          1,000,000 logins
#   LOGINS=200000 scripts/bench-server-logins.sh
#
# Prints the RSS before (after start-up) and after, the logins done and their rate, and PASS/MISS
# against the target (growth <= 20 MB).
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
echo "building (release)…" >&2
cargo build --release --quiet --bin itsm-conform

start_server "$PORT" --session-ttl 1s
[ -n "$(session_of "$PORT")" ] || die "login failed"
before=$(rss_kb "$SERVER_PID")

cat >"$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"userName":"tecnico","password":"tecnico-demo"}'
LUA

done_logins=0
started=$(date +%s)
while [ "$done_logins" -lt "$LOGINS" ]; do
    [ $(($(date +%s) - started)) -lt "$MAX_SECONDS" ] || die "only $done_logins logins within $MAX_SECONDS s"
    out=$(timeout $((BATCH + 15)) taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${BATCH}s" \
        -s "$work/login.lua" "http://127.0.0.1:$PORT/citsmart/services/login")
    if printf '%s' "$out" | grep -q 'Non-2xx'; then die "failed logins: $out"; fi
    n=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
    done_logins=$((done_logins + n))
    echo "  $done_logins logins, RSS $(rss_kb "$SERVER_PID") KiB" >&2
done
elapsed=$(($(date +%s) - started))
# Past the last sessions' lifetime, what the sweeps leave.
sleep 2
after=$(rss_kb "$SERVER_PID")
growth=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.1f", (a - b) / 1024}')
echo "logins            $done_logins in ${elapsed}s ($((done_logins / (elapsed > 0 ? elapsed : 1)))/s), session TTL 1 s"
echo "RSS before        $((before / 1024)) MB ($before KiB)"
echo "RSS after         $((after / 1024)) MB ($after KiB)"
echo "growth            $growth MB (target <= $TARGET_MB MB): $(verdict "$growth" '<=' "$TARGET_MB")"
