#!/usr/bin/env bash
# Time to a verdict against a remote-like target: `serve --fault slow:50ms` (every answer 50 ms late)
# on loopback, certified with `run --target` at --jobs 1, 2, 8, the default and 32, rounds
# interleaved so drift on a shared machine hits every setting alike. Prints the median per setting,
# its speed-up over --jobs 1, and whether the requirement verdicts were the same at every setting.
# Exits 1 when they differ or when the default is not at least 4x faster than --jobs 1.
# Loopback only; each run is bounded by its own timeouts.
#   scripts/bench-remote.sh [ROUNDS]      default 3 rounds
# Knobs (environment): PORT=18490 SERVER_CPU=0
set -euo pipefail
rounds="${1:-3}"
PORT=${PORT:-18490}

# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

require_tools python3
build_release
bin=$release/itsm-conform

# The built-in data set's demo accounts, two per role where it has two (the multi-user rules).
cat >"$work/creds.yaml" <<'YAML'
technician: [{user: tecnico, password: tecnico-demo}, {user: tecnico2, password: tecnico2-demo}]
approver: [{user: aprovador, password: aprovador-demo}, {user: aprovador2, password: aprovador2-demo}]
requester: {user: solicitante, password: solicitante-demo}
coordinator: {user: coordenador, password: coordenador-demo}
YAML

ms() { echo $(($(date +%s%N) / 1000000)); }
# The requirement verdicts of a JSON report, one `id coverage` per line.
verdicts() { python3 -c 'import json,sys; [print(r["id"], r["coverage"]) for r in json.load(open(sys.argv[1]))["requirements"]]' "$1"; }

settings=(1 2 8 default 32)
declare -A times
for round in $(seq "$rounds"); do
    for jobs in "${settings[@]}"; do
        # A fresh server for every run: a run decides approvals and closes tasks, so a target used
        # by several runs runs out of the data a later run needs (and that run is rightly INCOMPLETE).
        start_server "$PORT" --fault slow:50ms
        out="$work/$jobs-$round"
        flag=()
        [ "$jobs" = default ] || flag=(--jobs "$jobs")
        t0=$(ms)
        code=0
        "$bin" run --target "http://127.0.0.1:$PORT/citsmart" --credentials "$work/creds.yaml" \
            --out "$out" --no-color "${flag[@]}" >"$out.log" 2>&1 || code=$?
        t1=$(ms)
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
        [ "$code" -eq 0 ] || { tail -20 "$out.log" >&2; die "--jobs $jobs round $round exited $code"; }
        times[$jobs]="${times[$jobs]:-} $((t1 - t0))"
        verdicts "$out/itsm-conform.json" >"$out.verdicts"
    done
done

same=yes
for f in "$work"/*.verdicts; do cmp -s "$f" "$work/1-1.verdicts" || same=no; done
base=$(printf '%s\n' ${times[1]} | median)
printf '%-9s %-28s %9s %8s\n' "--jobs" "runs (ms)" "median" "speed-up"
for jobs in "${settings[@]}"; do
    m=$(printf '%s\n' ${times[$jobs]} | median)
    printf '%-9s %-28s %7s ms %7sx\n' "$jobs" "${times[$jobs]# }" "$m" "$(awk -v a="$base" -v b="$m" 'BEGIN {printf "%.1f", a / b}')"
done
echo "requirement verdicts identical at every --jobs: $same"
[ "$same" = yes ] || die "verdicts differ between --jobs settings"
speedup=$(awk -v a="$base" -v b="$(printf '%s\n' ${times[default]} | median)" 'BEGIN {printf "%.2f", a / b}')
result=$(verdict "$speedup" ">=" 4)
echo "default against --jobs 1: ${speedup}x (target >= 4x) $result"
held "$result"
