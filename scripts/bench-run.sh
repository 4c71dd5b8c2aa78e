#!/usr/bin/env bash
# Times a full conformance run against the embedded reference server, start to reports
# (target: median <= 2 s on a 2-core machine), alternating with `spec check` as the fixed start-up
# baseline measured in the same session. Loopback only; each run is bounded by its own timeouts.
#   scripts/bench-run.sh [ROUNDS]      default 7 rounds
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-7}"
cargo build --release --quiet
bin=target/release/itsm-conform
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

runs=(); checks=()
for i in $(seq "$rounds"); do
  t0=$(ms); "$bin" spec check >/dev/null; t1=$(ms); checks+=($((t1 - t0)))
  t0=$(ms)
  code=0; "$bin" run --out "$out" --no-color >/dev/null 2>&1 || code=$?
  t1=$(ms); runs+=($((t1 - t0)))
  [ "$code" -eq 0 ] || { echo "bench-run: run $i exited $code" >&2; exit 1; }
done
run_median=$(printf '%s\n' "${runs[@]}" | median)
check_median=$(printf '%s\n' "${checks[@]}" | median)
echo "full run (start to reports): ${runs[*]} ms -> median ${run_median} ms (target <= 2000 ms)"
echo "spec check (start-up baseline): ${checks[*]} ms -> median ${check_median} ms"
echo "run / baseline ratio: $(awk -v a="$run_median" -v b="$check_median" 'BEGIN {printf "%.1f", a / (b > 0 ? b : 1)}')"
[ "$run_median" -le 2000 ] || { echo "bench-run: median above 2000 ms" >&2; exit 1; }
