#!/usr/bin/env bash
# Normal requests through idle connections: `serve` under a 1,024-descriptor limit, IDLE sockets
# that connect and send nothing, then ROUNDS v1 logins over fresh connections, each timed from
# connect to status line. Target: every one answers within 100 ms (the slowest counts; the
# median is printed too); exits 1 on MISS. (Before the
# connection cap, 1,100 idle sockets exhausted the descriptors and every request timed out.)
# Loopback only, bounded in time. tests/server_limits.rs checks the same in the test suite.
#
#   scripts/bench-server-idle.sh
#
# Knobs (environment): IDLE=1100 FD_LIMIT=1024 ROUNDS=20 TARGET_MS=100
set -euo pipefail

IDLE=${IDLE:-1100}
FD_LIMIT=${FD_LIMIT:-1024}
ROUNDS=${ROUNDS:-20}
TARGET_MS=${TARGET_MS:-100}

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

command -v python3 >/dev/null || die "python3 is required (it holds the idle sockets)"
build_release

python3 - "$release/itsm-conform" "$IDLE" "$FD_LIMIT" "$ROUNDS" "$TARGET_MS" <<'PY'
import resource, socket, statistics, subprocess, sys, time

exe, idle_count, fd_limit, rounds, target_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = idle_count + 200
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))
server = subprocess.Popen(
    ["sh", "-c", 'ulimit -n "$1" && exec "$0" serve --bind 127.0.0.1:0 --ready-line', exe, str(fd_limit)],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
try:
    line = server.stdout.readline().decode().strip()
    url = line.split(" ", 1)[1]
    host, port = url[len("http://"):].split("/")[0].split(":")
    port = int(port)
    idle = [socket.create_connection((host, port)) for _ in range(idle_count)]
    time.sleep(0.5)
    body = b'{"userName":"tecnico","password":"tecnico-demo"}'
    request = (b"POST /citsmart/services/login HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
    times, failures = [], 0
    for _ in range(rounds):
        started = time.monotonic()
        try:
            s = socket.create_connection((host, port), timeout=5)
            s.settimeout(5)
            s.sendall(request)
            head = s.recv(64)
            s.close()
            if not head.startswith(b"HTTP/1.1 200"):
                failures += 1
        except OSError:
            failures += 1
        times.append((time.monotonic() - started) * 1000)
    median, worst = statistics.median(times), max(times)
    ok = failures == 0 and worst <= target_ms
    print(f"idle connections           {len(idle)} (server limited to {fd_limit} descriptors)")
    print(f"normal requests            {rounds}, {failures} failed")
    print(f"time to answer             median {median:.1f} ms, max {worst:.1f} ms")
    print(f"verdict                    every one within {target_ms:.0f} ms: {'PASS' if ok else 'MISS'}")
finally:
    server.kill()
sys.exit(0 if ok else 1)
PY
