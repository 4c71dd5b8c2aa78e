# Shared by the benchmarks (bench-server*.sh, bench-load.sh); sourced, not run.
# Sets BENCH (the caller's name, for messages), `work` (a temporary directory removed on exit),
# `pids` (processes killed on exit) and `release` (where cargo puts release builds), and defines
# die, build_release, require_tools, try_install_wrk, wait_port, median, rss_kb, verdict,
# start_server and session_of.

BENCH=$(basename "$0" .sh)
cd "$(dirname "$0")/.."
work=$(mktemp -d)
release=${CARGO_TARGET_DIR:-target}/release
pids=()
bench_cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap bench_cleanup EXIT

die() { echo "$BENCH: $*" >&2; exit 1; }

# The release binary and every example, the same set in every script: building fewer targets
# would unify dependency features differently and rebuild the binary each time.
build_release() {
    echo "building (release)…" >&2
    cargo build --release --quiet --bin itsm-conform --examples
}

# Two cores (server and client pinned apart), taskset and curl, plus any tools named.
require_tools() {
    if [ "$(nproc)" -lt 2 ]; then die "needs two cores (server and client on different ones)"; fi
    local tool
    for tool in taskset curl "$@"; do
        command -v "$tool" >/dev/null || die "$tool is required"
    done
}

# wrk from Debian's packages when it is missing and this runs as root; returns whether wrk is there.
try_install_wrk() {
    if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing wrk (apt-get)…" >&2
        timeout 300 apt-get install -y -q wrk >/dev/null 2>&1 || echo "apt-get install wrk failed" >&2
    fi
    command -v wrk >/dev/null
}

# Waits until something answers HTTP on the loopback port (at most 15 s).
wait_port() {
    for _ in $(seq 150); do
        if curl -s -o /dev/null -X POST "http://127.0.0.1:$1/" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    die "nothing listens on port $1"
}

# The median of the numbers on standard input, one per line.
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# The resident set size of a process, in KiB (empty once it has exited).
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# PASS when `value op target` holds (op: >= <= > <), else MISS. Scripts end with `held`.
verdict() {
    awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
        ok = (op == ">=") ? (v >= t) : (op == "<=") ? (v <= t) : (op == ">") ? (v > t) : (v < t)
        print ok ? "PASS" : "MISS"
    }'
}

# The script's exit status from a verdict: 0 on PASS, 1 on MISS.
held() { [ "$1" = PASS ] || { echo "$BENCH: target missed" >&2; exit 1; }; }

# Starts the release reference server on 127.0.0.1:PORT pinned to SERVER_CPU with extra flags;
# sets SERVER_PID and waits until it answers.
start_server() {
    local port=$1
    shift
    taskset -c "${SERVER_CPU:-0}" "$release/itsm-conform" serve --bind "127.0.0.1:$port" "$@" \
        >"$work/server-$port.log" 2>&1 &
    SERVER_PID=$!
    pids+=("$SERVER_PID")
    wait_port "$port"
}

# A v1 session id of the demo technician on the server at PORT.
session_of() {
    local login
    login=$(curl -s -X POST -H 'Content-Type: application/json' \
        -d '{"userName":"tecnico","password":"tecnico-demo"}' "http://127.0.0.1:$1/citsmart/services/login")
    printf '%s' "$login" | sed -n 's/.*"sessionID":"\([^"]*\)".*/\1/p'
}
