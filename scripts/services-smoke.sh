#!/usr/bin/env bash
# Smoke check for scripts/services.sh: install, start, talk to each service, stop, and prove
# nothing is left running. Prints the time of each phase. Usage: bash scripts/services-smoke.sh [ROUNDS]
set -euo pipefail
# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
trap services_stop EXIT
trap "exit 143" INT TERM

rounds="${1:-1}"
ms() { date +%s%3N; }
phase() { printf '%-8s %6d ms\n' "$1" "$(($(ms) - $2))"; }
fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }

for ((r = 1; r <= rounds; r++)); do
  echo "== round $r"
  t=$(ms); services_install; phase install "$t"
  t=$(ms); services_start; phase start "$t"

  t=$(ms)
  run="$MLOPS_TEST_RUN_DIR"
  pg_port="$(sed -n 's/.*;Port=\([0-9]*\);.*/\1/p' <<<"$MLOPS_TEST_PG")"
  redis_port="${MLOPS_TEST_REDIS##*:}"
  az_port="$(sed -n 's|.*BlobEndpoint=http://127.0.0.1:\([0-9]*\)/.*|\1|p' <<<"$MLOPS_TEST_AZURITE")"
  [[ -f "$run/env" ]] || fail "no env file"
  # The env file, sourced in a clean shell, must give back the same values.
  for v in MLOPS_TEST_RUN_DIR MLOPS_TEST_PG MLOPS_TEST_PG_ADMIN MLOPS_TEST_REDIS MLOPS_TEST_AZURITE; do
    # shellcheck disable=SC2016 # expanded by the inner bash on purpose
    [[ "$(env -i bash -c 'source "$1" && printf %s "${!2}"' _ "$run/env" "$v")" == "${!v}" ]] ||
      fail "env file disagrees on $v"
  done

  [[ "$(psql "host=127.0.0.1 port=$pg_port user=postgres dbname=mlops" -XAtc 'select 1')" == 1 ]] || fail psql
  psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -XAtc 'select 1' >/dev/null || fail "psql admin db"
  [[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping)" == PONG ]] || fail redis
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$az_port/devstoreaccount1?comp=list")"
  [[ "$code" =~ ^[1-5][0-9][0-9]$ ]] || fail "azurite answered '$code'"
  phase checks "$t"
  echo "         postgres :$pg_port, redis :$redis_port, azurite :$az_port (HTTP $code)"

  # PIDs to check after stop: redis rewrites its command line, so `pgrep -f RUN_DIR` misses it.
  pids="$(head -n1 "$run/pg/data/postmaster.pid") $(cat "$run/redis/redis.pid") $(cat "$run/azurite/azurite.pid")"

  t=$(ms); services_stop; phase stop "$t"
  services_stop # a second call must be harmless
  [[ ! -e "$run" ]] || fail "run folder left: $run"
  [[ -z "${MLOPS_TEST_RUN_DIR:-}" ]] || fail "env not cleared"
  if pgrep -af "$run" >&2; then fail "processes left for $run"; fi
  for p in $pids; do kill -0 "$p" 2>/dev/null && fail "pid $p still alive"; done
  for port in "$pg_port" "$redis_port" "$az_port"; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port still accepts"
  done
  echo "         nothing left running"
done
echo "smoke ok"
