#!/usr/bin/env bash
# The test command: installs what the tests need, starts PostgreSQL, Redis and Azurite on free loopback ports,
# builds everything with warnings as errors, runs every test and the README's Python session, then stops what it started.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(pwd)"
CONFIG="${CONFIG:-Release}"

source scripts/services.sh
services_install
# The third-party JavaScript MLflow client the compatibility tests drive.
npm install --prefix tests/mlflow-js --no-audit --no-fund --loglevel=error </dev/null >/dev/null
services_start
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  services_stop
}
trap cleanup EXIT
trap 'exit 143' INT TERM

echo "== build ($CONFIG)"
dotnet build MlOps.Orleans.sln -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly

echo "== tests"
export MLOPS_BUILD_OUTPUT="$ROOT/src"
set +e
dotnet test tests/MlOps.Orleans.Tests -c "$CONFIG" --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$MLOPS_TEST_RUN_DIR/test.log"
TEST_STATUS=${PIPESTATUS[0]}
set -e

echo "== README first session (Python grpcio against the embedded platform)"
GEN="$MLOPS_TEST_RUN_DIR/pygen"
mkdir -p "$GEN"
# Debian's protoc and gRPC plugin: the same stubs `python -m grpc_tools.protoc` makes with a current grpcio-tools.
protoc -I proto --python_out="$GEN" --grpc_out="$GEN" --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin proto/mlops/tracking/v1/tracking.proto proto/mlops/features/v1/features.proto
HTTP_PORT=$(_svc_free_port); GRPC_PORT=$(_svc_free_port); SILO_PORT=$(_svc_free_port); GW_PORT=$(_svc_free_port)
dotnet "src/Silo/bin/$CONFIG/net10.0/MlOps.Orleans.Silo.dll" --data-dir "$MLOPS_TEST_RUN_DIR/embedded" \
  --http-port "$HTTP_PORT" --grpc-port "$GRPC_PORT" --silo-port "$SILO_PORT" --gateway-port "$GW_PORT" \
  >"$MLOPS_TEST_RUN_DIR/embedded.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
SESSION_STATUS=0
PYTHONPATH="$GEN" timeout 60 /usr/bin/python3 docs/examples/first_session.py "127.0.0.1:$GRPC_PORT" || SESSION_STATUS=$?
echo "== Feature session (Python grpcio + Feast-shaped HTTP against the same platform)"
FEATURE_STATUS=0
PYTHONPATH="$GEN" timeout 120 /usr/bin/python3 docs/examples/feature_session.py "127.0.0.1:$GRPC_PORT" "http://127.0.0.1:$HTTP_PORT" || FEATURE_STATUS=$?

echo "== MLflow JavaScript client (npm mlflow) against the same platform"
set +e
(cd tests/mlflow-js && MLFLOW_ENDPOINT="http://127.0.0.1:$HTTP_PORT" timeout 120 node --test) 2>&1 | tee "$MLOPS_TEST_RUN_DIR/js.log"
JS_STATUS=${PIPESTATUS[0]}
set -e
kill -9 "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
[ "$SESSION_STATUS" -eq 0 ] && [ "$FEATURE_STATUS" -eq 0 ] || { echo "a Python session failed; server log:"; tail -50 "$MLOPS_TEST_RUN_DIR/embedded.log"; }

# One closing line CI can read: totals over the .NET tests, the Python session and the JavaScript client tests.
# dotnet test's summary block ("     Passed: N" / "     Failed: N"), summed over test assemblies.
PASSED=$(awk '/^ +Passed: +[0-9]+ *$/ { s += $2 } END { print s + 0 }' "$MLOPS_TEST_RUN_DIR/test.log")
FAILED=$(awk '/^ +Failed: +[0-9]+ *$/ { s += $2 } END { print s + 0 }' "$MLOPS_TEST_RUN_DIR/test.log")
if [ "$SESSION_STATUS" -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
if [ "$FEATURE_STATUS" -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
PASSED=$((PASSED + $(awk '/^# pass [0-9]+/ { s += $3 } END { print s + 0 }' "$MLOPS_TEST_RUN_DIR/js.log")))
FAILED=$((FAILED + $(awk '/^# fail [0-9]+/ { s += $3 } END { print s + 0 }' "$MLOPS_TEST_RUN_DIR/js.log")))
echo "$PASSED passed, $FAILED failed"
[ "$TEST_STATUS" -eq 0 ] && [ "$SESSION_STATUS" -eq 0 ] && [ "$FEATURE_STATUS" -eq 0 ] && [ "$JS_STATUS" -eq 0 ] && [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
