#!/usr/bin/env bash
# Every figure of docs/benchmarks.md for one backend, each workload on a server of its own.
# usage: bench/scripts/run-all.sh sqlite|postgres [RESULTS_FILE]     (postgres: set MLOPS_BENCH_POSTGRES to an admin connection string)
# env:   BENCH (the built driver), WAIT_QUIET (seconds to wait for an idle machine before each measured window, default 300)
set -euo pipefail
backend=${1:?sqlite or postgres}
results=${2:-bench/results/$(date -u +%Y-%m-%d)-$backend.jsonl}
BENCH=${BENCH:-/tmp/build-bench/bin/MlOps.Orleans.Bench/release/MlOps.Orleans.Bench}
common=(--backend "$backend" --results "$results" --wait-quiet "${WAIT_QUIET:-300}")
"$BENCH" batch-ingest "${common[@]}" --reps 5
"$BENCH" stream-ingest "${common[@]}" --reps 5
"$BENCH" log-metric "${common[@]}" --rates 500,1000,2000
"$BENCH" history "${common[@]}"
"$BENCH" search "${common[@]}"
