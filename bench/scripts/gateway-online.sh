#!/usr/bin/env bash
# Online reads through a standalone gateway (issue 16 item 4): starts a cluster silo and a standalone gateway from BUILD
# (a folder holding Silo/release and Gateway/release, as `dotnet build --artifacts-path BUILD` leaves them) on a fresh
# database of the PostgreSQL at $PG_ADMIN and a private Redis, runs `online-get` against the gateway's gRPC port with
# both processes charged as the server, then stops everything it started.
#   PG_ADMIN="Host=127.0.0.1;Port=25432;Username=postgres;Database=postgres" B=bench-binary \
#   bench/scripts/gateway-online.sh BUILD RESULTS [online-get options...]
set -euo pipefail
build=$1 results=$2; shift 2
db="mlops_gw_$(date +%s%N | tail -c 9)"
work=$(mktemp -d)
redis_port=$((26000 + RANDOM % 1000))
psql "$(echo "$PG_ADMIN" | sed 's/Host=/host=/;s/;Port=/ port=/;s/;Username=/ user=/;s/;Database=/ dbname=/')" -qc "CREATE DATABASE $db" >/dev/null
pg="${PG_ADMIN%Database=*}Database=$db"
redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --pidfile "$work/redis.pid" --dir "$work"
cleanup() {
  kill ${GATEWAY:-} ${SILO:-} 2>/dev/null || true
  wait ${GATEWAY:-} ${SILO:-} 2>/dev/null || true
  kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  psql "$(echo "$PG_ADMIN" | sed 's/Host=/host=/;s/;Port=/ port=/;s/;Username=/ user=/;s/;Database=/ dbname=/')" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
dotnet "$build/bin/Silo/release/MlOps.Orleans.Silo.dll" --mode Cluster --postgres "$pg" --redis 127.0.0.1:$redis_port \
  --data-dir "$work/silo" --http-port 18080 --grpc-port 18081 --silo-port 11111 --gateway-port 30000 --observability-port 19464 \
  >"$work/silo.log" 2>&1 & SILO=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18080/health/ready >/dev/null && break; sleep 0.5; done
dotnet "$build/bin/Gateway/release/MlOps.Orleans.Gateway.dll" --mode Cluster --postgres "$pg" \
  --http-port 18090 --grpc-port 18091 --observability-port 19465 >"$work/gateway.log" 2>&1 & GATEWAY=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18090/health/ready >/dev/null && break; sleep 0.5; done
"$B" online-get --target http://127.0.0.1:18091 --server-pid $GATEWAY,$SILO --redis 127.0.0.1:$redis_port --no-raw --results "$results" "$@"
