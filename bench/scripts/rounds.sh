#!/usr/bin/env bash
# Alternated A/B rounds (issue 15: headline rows take >= 5 rounds, an idea under investigation two):
#   bench/scripts/rounds.sh N 'COMMAND A' 'COMMAND B'
# runs A B, B A, A B, ... for N rounds fixed here, before the first run, so that neither side always runs first (warmer
# disk cache, less load) and no round can be added or dropped after seeing its figures. Each run gets
# MLOPS_BENCH_ROUND="R/N ORDER SLOT" (e.g. "2/5 BA A": round 2 of 5, B ran first, this run is A), which every bench
# command copies into its results-file records ("round") and its result lines ("round=..."); an explicit --round wins.
# Stops at the first failing run: a plan with a missing round is not the plan that was fixed.
set -euo pipefail

if [[ $# -ne 3 || ! $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 ROUNDS 'COMMAND A' 'COMMAND B'   (ROUNDS >= 1, fixed before the start)" >&2
  exit 2
fi
rounds=$1
declare -A command=([A]=$2 [B]=$3)

echo "# rounds.sh: $rounds rounds, started $(date -u +%FT%TZ)" >&2
echo "#   A: ${command[A]}" >&2
echo "#   B: ${command[B]}" >&2
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then order=(A B); else order=(B A); fi
  for slot in "${order[@]}"; do
    label="$r/$rounds ${order[0]}${order[1]} $slot"
    echo "# round $label: ${command[$slot]}" >&2
    MLOPS_BENCH_ROUND="$label" bash -c "${command[$slot]}"
  done
done
echo "# rounds.sh: done $(date -u +%FT%TZ)" >&2
