#!/usr/bin/env bash
# Time to a verdict against a remote-like target: `serve --fault slow:50ms` (every answer 50 ms late)
# on loopback, certified with `run --target` at --jobs 1, 2, 8, the default and 32, rounds
# interleaved so drift on a shared machine hits every setting alike. Prints the median per setting,
# its ratio to --jobs 1, and whether the requirement verdicts were the same at every setting (they
# must be: the script fails otherwise, and when the default is not at least 4x faster than --jobs 1).
# Loopback only; each run is bounded by its own timeouts.
#   scripts/bench-remote.sh [ROUNDS]      default 3 rounds
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
cargo build --release --quiet
bin=target/release/itsm-conform
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
"$bin" serve --bind "127.0.0.1:$port" --fault slow:50ms >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
# The built-in data set's demo accounts, two per role where it has two (the multi-user rules).
cat >"$work/creds.yaml" <<'YAML'
technician: [{user: tecnico, password: tecnico-demo}, {user: tecnico2, password: tecnico2-demo}]
approver: [{user: aprovador, password: aprovador-demo}, {user: aprovador2, password: aprovador2-demo}]
requester: {user: solicitante, password: solicitante-demo}
coordinator: {user: coordenador, password: coordenador-demo}
YAML

ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
# The requirement verdicts of a JSON report, one `id coverage` per line.
verdicts() { python3 -c 'import json,sys; [print(r["id"], r["coverage"]) for r in json.load(open(sys.argv[1]))["requirements"]]' "$1"; }

settings=(1 2 8 default 32)
declare -A times
for round in $(seq "$rounds"); do
  for jobs in "${settings[@]}"; do
    out="$work/$jobs-$round"
    flag=(); [ "$jobs" = default ] || flag=(--jobs "$jobs")
    t0=$(ms); code=0
    "$bin" run --target "http://127.0.0.1:$port/citsmart" --credentials "$work/creds.yaml" \
      --out "$out" --no-color "${flag[@]}" >"$out.log" 2>&1 || code=$?
    t1=$(ms)
    [ "$code" -eq 0 ] || { echo "bench-remote: --jobs $jobs round $round exited $code" >&2; tail -20 "$out.log" >&2; exit 1; }
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
[ "$same" = yes ] || { echo "bench-remote: verdicts differ between --jobs settings" >&2; exit 1; }
default=$(printf '%s\n' ${times[default]} | median)
awk -v a="$base" -v b="$default" 'BEGIN {exit !(a >= 4 * b)}' || { echo "bench-remote: the default is not 4x faster than --jobs 1" >&2; exit 1; }
