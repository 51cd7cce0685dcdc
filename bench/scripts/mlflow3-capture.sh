#!/usr/bin/env bash
# Records a real MLflow 3.5 client session against a real MLflow 3.5 server: starts `mlflow server` (SQLite backend,
# proxied artifacts, gunicorn with 2 workers) on a free loopback port with a fresh data folder, puts the recording
# proxy (bench/scripts/mlflow-capture.py) in front of it, runs bench/scripts/mlflow3-session.py through the proxy with
# step marks, then stops the proxy and the server (gunicorn's master first). One NAME.jsonl per session step lands in
# OUT (its old *.jsonl are removed first); the session's PASS/FAIL lines are printed and its exit code returned.
#
#   bench/scripts/mlflow3-capture.sh [--home /work/mlflow-3.5] [--out tests/MlOps.Orleans.Tests/Mlflow/Fixtures/mlflow-3.5]
#       [--keep DIR] [-- session args...]
#
# Prepare the home first with `bench/scripts/mlflow-reference.sh --version 3.5`. --keep DIR keeps the server's data
# folder, logs and the session's stderr there instead of a temporary folder.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
HOME_DIR=/work/mlflow-3.5
OUT="$repo/tests/MlOps.Orleans.Tests/Mlflow/Fixtures/mlflow-3.5"
KEEP=""
SESSION_ARGS=()
while (($#)); do
  case "$1" in
    --home) HOME_DIR="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --keep) KEEP="$2"; shift 2 ;;
    --) shift; SESSION_ARGS=("$@"); break ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
PYTHON=/usr/bin/python3
export PYTHONPATH="$HOME_DIR/tree:$HOME_DIR/stubs"
WORK="${KEEP:-$(mktemp -d /tmp/mlflow3-capture.XXXXXX)}"
mkdir -p "$WORK" "$OUT"
rm -rf "$WORK/data" "$WORK/capture"
read -r SERVER_PORT PROXY_PORT < <("$PYTHON" -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')

server_pid="" proxy_pid=""
stop() {
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null || true
  if [[ -n "$server_pid" ]]; then
    # gunicorn's master is the server's child: stopped first it takes its workers along; then the server itself.
    for child in $(pgrep -P "$server_pid" || true); do kill "$child" 2>/dev/null || true; done
    for _ in $(seq 20); do pgrep -P "$server_pid" >/dev/null || break; sleep 0.5; done
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [[ -z "$KEEP" ]] && rm -rf "$WORK"
  return 0
}
trap stop EXIT

mkdir -p "$WORK/data"
"$PYTHON" -m mlflow server --backend-store-uri "sqlite:///$WORK/data/mlflow.db" \
  --artifacts-destination "$WORK/data/artifacts" --host 127.0.0.1 --port "$SERVER_PORT" \
  --workers 2 --gunicorn-opts "--timeout 120" >"$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$SERVER_PORT/health" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "mlflow server exited; see $WORK/server.log" >&2; cat "$WORK/server.log" >&2; exit 1; }
  sleep 1
done
"$PYTHON" "$here/mlflow-capture.py" --listen "127.0.0.1:$PROXY_PORT" --target "http://127.0.0.1:$SERVER_PORT" \
  --out "$WORK/capture" 2>"$WORK/proxy.log" &
proxy_pid=$!
# Ready when it accepts a connection (a request would be recorded).
for _ in $(seq 40); do (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && break; sleep 0.25; done

rc=0
"$PYTHON" "$here/mlflow3-session.py" --tracking-uri "http://127.0.0.1:$PROXY_PORT" --mark --tag capture \
  "${SESSION_ARGS[@]}" >"$WORK/session.out" 2>"$WORK/session.err" || rc=$?
grep -E '^(PASS|FAIL) ' "$WORK/session.out" || true
kill "$proxy_pid" 2>/dev/null || true
wait "$proxy_pid" 2>/dev/null || true
proxy_pid=""
rm -f "$OUT"/*.jsonl
cp "$WORK"/capture/*.jsonl "$OUT"/
echo "# captured $(cat "$OUT"/*.jsonl | wc -l) exchanges into $OUT ($(du -sh "$OUT" | cut -f1)); session exit $rc" >&2
exit "$rc"
