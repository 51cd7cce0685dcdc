#!/usr/bin/env bash
# Headline rounds (issue 15: every headline row from >= 5 rounds): each round runs every workload of a plan file once, in
# the plan's order on odd rounds and reversed on even ones, so no workload always runs first on the coolest machine.
#   bench/scripts/headline.sh ROUNDS PLAN_FILE
# PLAN_FILE: one bench command per line (blank lines and '#' lines skipped), each with its own --results. The plan and
# the round count are fixed before the start; each run gets MLOPS_BENCH_ROUND="R/N fwd|rev K" (K = its line in the plan).
# A failing run is reported and the round goes on (a void or failed figure is recorded as such, never dropped silently);
# the script's exit status says whether any run failed.
set -uo pipefail

if [[ $# -ne 2 || ! $1 =~ ^[1-9][0-9]*$ || ! -f $2 ]]; then
  echo "usage: $0 ROUNDS PLAN_FILE" >&2
  exit 2
fi
rounds=$1
mapfile -t plan < <(grep -v -e '^[[:space:]]*$' -e '^[[:space:]]*#' "$2")
echo "# headline.sh: $rounds rounds of ${#plan[@]} workloads, started $(date -u +%FT%TZ)" >&2
failed=0
for ((r = 1; r <= rounds; r++)); do
  order=($(seq 0 $((${#plan[@]} - 1))))
  direction=fwd
  if ((r % 2 == 0)); then order=($(printf '%s\n' "${order[@]}" | tac)); direction=rev; fi
  for k in "${order[@]}"; do
    label="$r/$rounds $direction $((k + 1))"
    echo "# round $label $(date -u +%TZ): ${plan[$k]}" >&2
    if ! MLOPS_BENCH_ROUND="$label" bash -c "${plan[$k]}"; then
      echo "# round $label FAILED: ${plan[$k]}" >&2
      failed=1
    fi
  done
done
echo "# headline.sh: done $(date -u +%FT%TZ), failed=$failed" >&2
exit $failed
