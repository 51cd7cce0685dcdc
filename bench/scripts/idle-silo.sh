#!/usr/bin/env bash
# An empty silo's idle CPU (issue 16): starts the silo at $SILO (default /tmp/silo-after/MlOps.Orleans.Silo.dll) with the
# given NAME=VALUE environment, waits until ready plus 15 s, and prints its busy cores over SECONDS from /proc/PID/stat
# (utime + stime, 100 ticks a second). A probe, not a judged run: check the machine is otherwise idle first.
#   bench/scripts/idle-silo.sh SECONDS [NAME=VALUE ...]
set -euo pipefail
seconds=$1; shift
silo=${SILO:-/tmp/silo-after/MlOps.Orleans.Silo.dll}
dir=$(mktemp -d)
env "$@" dotnet "$silo" --data-dir "$dir" --http-port 46551 --grpc-port 46552 --observability-port 46555 \
  --silo-port 46611 --gateway-port 46612 >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:46551/health/ready >/dev/null && break; sleep 0.5; done
sleep 15
t0=$(awk '{print $14 + $15}' /proc/$pid/stat); sleep "$seconds"; t1=$(awk '{print $14 + $15}' /proc/$pid/stat)
echo "silo=$silo env=[$*] cores=$(echo "scale=3; ($t1 - $t0) / 100 / $seconds" | bc)"
