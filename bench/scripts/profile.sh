#!/usr/bin/env bash
# Samples the server with perf while one workload runs against it, and prints where its CPU goes.
# usage: bench/scripts/profile.sh <workload> [workload options...]   e.g. profile.sh batch-ingest --duration 20 --reps 1
# env:   BENCH (the built driver), SERVER_ARGS (e.g. "--backend postgres --postgres CS"), PERF_SECONDS (default 10),
#        PERF_DELAY (seconds after the workload starts, default 8: past warm-up and tiered JIT), OUT (default /tmp/mlops-profile)
set -euo pipefail
BENCH=${BENCH:-/tmp/build-bench/bin/MlOps.Orleans.Bench/release/MlOps.Orleans.Bench}
OUT=${OUT:-/tmp/mlops-profile}
mkdir -p "$OUT"
ready="$OUT/server.json"
rm -f "$ready"
# shellcheck disable=SC2086
"$BENCH" server start --perf-map --ready-file "$ready" --results "$OUT/results.jsonl" ${SERVER_ARGS:-} > "$OUT/server.out" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do [ -s "$ready" ] && break; sleep 0.5; done
[ -s "$ready" ] || { cat "$OUT/server.out"; exit 1; }
pid=$(sed -E 's/.*"pid":([0-9]+).*/\1/' "$ready")
grpc=$(sed -E 's/.*"grpc":"([^"]+)".*/\1/' "$ready")
"$BENCH" "$@" --target "$grpc" --server-pid "$pid" --results "$OUT/results.jsonl" > "$OUT/workload.out" 2>&1 &
workload=$!
sleep "${PERF_DELAY:-8}"
perf record -F 999 -g -p "$pid" -o "$OUT/perf.data" -- sleep "${PERF_SECONDS:-10}" 2> /dev/null
wait $workload
cat "$OUT/workload.out"
echo "== server CPU by library"
perf report -i "$OUT/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -E '^ +[0-9]' | head -12
echo "== hottest symbols (self)"
perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,symbol -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40
echo "(perf data: $OUT/perf.data; e.g. perf report -i $OUT/perf.data --children --sort symbol)"
