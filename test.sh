#!/usr/bin/env bash
# The test command: installs what the tests need, starts PostgreSQL, Redis and Azurite on free loopback ports,
# builds everything with warnings as errors, runs every test and the README's Python session, then stops what it started.
# It cannot pass by accident: the .NET test count may not fall below tests/test-count-floor, the JavaScript client must
# have run tests, and under CI=true a skipped .NET test is a failure.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(pwd)"
CONFIG="${CONFIG:-Release}"

# Elapsed seconds per stage, so a slow stage shows up in every log without anyone timing it.
RUN_START=$SECONDS
STAGE_NAME=""
STAGE_START=$SECONDS
stage() {
  stage_done
  STAGE_NAME="$1"
  STAGE_START=$SECONDS
  echo "== $STAGE_NAME"
}
stage_done() {
  [ -n "$STAGE_NAME" ] && echo "== stage $STAGE_NAME done in $((SECONDS - STAGE_START)) s"
  STAGE_NAME=""
}

source scripts/services.sh
stage install
services_install
# The third-party JavaScript MLflow client the compatibility tests drive.
npm install --prefix tests/mlflow-js --no-audit --no-fund --loglevel=error </dev/null >/dev/null
stage services
services_start
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  services_stop
}
trap cleanup EXIT
trap 'exit 143' INT TERM

stage "build ($CONFIG)"
dotnet build MlOps.Orleans.sln -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly

# Two runs: everything but the slow tests (in parallel, as xunit likes), then the slow ones one at a time, so their
# big data and killed processes never compete with each other for the 2 cores. A test hung for 10 minutes fails the run
# (with a minidump in TestResults) well inside CI's limit instead of eating all of it.
export MLOPS_BUILD_OUTPUT="$ROOT/src"
run_tests() { # NAME FILTER [RunSettings arguments...]
  local name="$1" filter="$2"
  shift 2
  dotnet test tests/MlOps.Orleans.Tests -c "$CONFIG" --no-build -nologo --filter "$filter" \
    --blame-hang-timeout 10m --blame-hang-dump-type mini \
    --logger "console;verbosity=normal" ${1:+-- "$@"} 2>&1 | tee "$MLOPS_TEST_RUN_DIR/test-$name.log"
  return "${PIPESTATUS[0]}"
}
set +e
stage "tests non-slow"
run_tests non-slow "Category!=Slow"
TEST_STATUS=$?
stage "tests slow"
run_tests slow "Category=Slow" xUnit.ParallelizeTestCollections=false
SLOW_STATUS=$?
set -e
[ "$TEST_STATUS" -eq 0 ] && TEST_STATUS=$SLOW_STATUS

stage "python sessions"
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

stage "js (MLflow JavaScript client, npm mlflow, against the same platform)"
set +e
(cd tests/mlflow-js && MLFLOW_ENDPOINT="http://127.0.0.1:$HTTP_PORT" timeout 120 node --test) 2>&1 | tee "$MLOPS_TEST_RUN_DIR/js.log"
JS_STATUS=${PIPESTATUS[0]}
set -e
kill -9 "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
stage_done
[ "$SESSION_STATUS" -eq 0 ] && [ "$FEATURE_STATUS" -eq 0 ] || { echo "a Python session failed; server log:"; tail -50 "$MLOPS_TEST_RUN_DIR/embedded.log"; }

# dotnet test's summary block ("     Passed: N" / "     Failed: N" / "    Skipped: N"; a zero count is left out), summed
# over both runs (and over test assemblies, should there be more than one).
TEST_LOGS=("$MLOPS_TEST_RUN_DIR/test-non-slow.log" "$MLOPS_TEST_RUN_DIR/test-slow.log")
dotnet_sum() { # KEY LOG...
  local key="$1:"
  shift
  awk -v key="$key" '$1 == key && NF == 2 && $2 ~ /^[0-9]+$/ { s += $2 } END { print s + 0 }' "$@"
}
dotnet_total() { echo $(($(dotnet_sum Passed "$@") + $(dotnet_sum Failed "$@") + $(dotnet_sum Skipped "$@"))); }
PASSED=$(dotnet_sum Passed "${TEST_LOGS[@]}")
FAILED=$(dotnet_sum Failed "${TEST_LOGS[@]}")
SKIPPED=$(dotnet_sum Skipped "${TEST_LOGS[@]}")
DOTNET_TOTAL=$((PASSED + FAILED + SKIPPED))
echo "== .NET tests: $(dotnet_total "${TEST_LOGS[0]}") non-slow + $(dotnet_total "${TEST_LOGS[1]}") slow; $PASSED passed, $FAILED failed, $SKIPPED skipped"

# Checks on the run itself; each one that fails counts as a failure in the closing line too, so it never reads "0 failed".
HARNESS_FAILED=0
harness_fail() { echo "== harness check failed: $*"; HARNESS_FAILED=$((HARNESS_FAILED + 1)); }
for log in "${TEST_LOGS[@]}"; do
  [ "$(dotnet_total "$log")" -gt 0 ] || harness_fail "$(basename "$log" .log) ran no test"
done
# The floor: the first integer in the file that is not in a comment.
FLOOR=$(sed 's/#.*//' tests/test-count-floor | grep -oE '[0-9]+' | head -n1 || true)
if [ -z "$FLOOR" ]; then
  harness_fail "tests/test-count-floor holds no number"
elif [ "$DOTNET_TOTAL" -lt "$FLOOR" ]; then
  harness_fail "$DOTNET_TOTAL .NET tests ran, fewer than the floor of $FLOOR in tests/test-count-floor (a test went missing?)"
fi
if [ "${CI:-}" = "true" ] && [ "$SKIPPED" -gt 0 ]; then
  harness_fail "$SKIPPED .NET test(s) skipped under CI, where every service is started:"
  grep -hE '^ +Skipped ' "${TEST_LOGS[@]}" | sed 's/^ */   /' || true
fi
JS_TESTS=$(awk '/^# tests [0-9]+/ { s += $3; seen = 1 } END { print seen ? s : "" }' "$MLOPS_TEST_RUN_DIR/js.log")
JS_PASSED=$(awk '/^# pass [0-9]+/ { s += $3 } END { print s + 0 }' "$MLOPS_TEST_RUN_DIR/js.log")
JS_FAILED=$(awk '/^# fail [0-9]+/ { s += $3 } END { print s + 0 }' "$MLOPS_TEST_RUN_DIR/js.log")
{ [ -n "$JS_TESTS" ] && [ "$JS_TESTS" -gt 0 ] && [ "$JS_PASSED" -gt 0 ]; } || harness_fail "the JavaScript client ran no test (node --test: '# tests ${JS_TESTS:-none}', '# pass $JS_PASSED')"

# One closing line CI can read: totals over the .NET tests, the Python sessions, the JavaScript client tests and the checks above.
if [ "$SESSION_STATUS" -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
if [ "$FEATURE_STATUS" -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
PASSED=$((PASSED + JS_PASSED))
FAILED=$((FAILED + JS_FAILED + HARNESS_FAILED))
echo "== total $((SECONDS - RUN_START)) s"
echo "$PASSED passed, $FAILED failed"
[ "$TEST_STATUS" -eq 0 ] && [ "$SESSION_STATUS" -eq 0 ] && [ "$FEATURE_STATUS" -eq 0 ] && [ "$JS_STATUS" -eq 0 ] && [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
