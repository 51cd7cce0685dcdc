#!/usr/bin/env bash
# Run MLflow 2.22's own REST end-to-end tests against a real MLflow 2.22 server or against MlOps.Orleans.
#   bench/scripts/mlflow-rest-tests.sh [mlflow|ours] [--silo DIR] [--list FILE] [-k EXPR] [-- extra pytest args]
# Writes bench/results/2026-12-04-h18-rest-tests-<target>.{xml,txt} (junit XML + plain summary) and
# pytest's full output to ...-<target>.log. See bench/scripts/mlflow-rest-tests/README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
h="$here/mlflow-rest-tests"
results="$(cd "$here/../results" && pwd)"
target="${1:-mlflow}"; shift || true
silo=/tmp/silo-h18; kexpr=""; list="$h/testlist.txt"; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --silo) silo="$2"; shift 2;;
    --list) list="$2"; shift 2;;
    -k) kexpr="$2"; shift 2;;
    --) shift; extra+=("$@"); break;;
    *) extra+=("$1"); shift;;
  esac
done
case "$target" in mlflow|ours) ;; *) echo "target must be mlflow or ours" >&2; exit 2;; esac

MLFLOW_TREE="${MLFLOW_TREE:-/work/mlflow-2.22/tree}"
MLFLOW_STUBS="${MLFLOW_STUBS:-/work/mlflow-2.22/stubs}"
MLFLOW_REPO="${MLFLOW_REPO:-/work/.mirror/opendatahub-io+mlflow/repo}"
MLFLOW_COMMIT=a68ee413624f5067ec33fa05ba1785fab613fa24   # MLflow 2.22
PY=/usr/bin/python3

# 1. tests/ of MLflow 2.22, written out from git if missing
if [ ! -f "$MLFLOW_TREE/tests/tracking/test_rest_tracking.py" ] || [ ! -f "$MLFLOW_TREE/tests/conftest.py" ]; then
  echo "writing out tests/ of $MLFLOW_COMMIT into $MLFLOW_TREE" >&2
  "$PY" "$h/extract_tests.py" "$MLFLOW_COMMIT" "$MLFLOW_TREE" "$MLFLOW_REPO"
fi

tag="2026-12-04-h18-rest-tests-$target"
xml="$results/$tag.xml"; txt="$results/$tag.txt"; log="$results/$tag.log"
work="/tmp/mlflow-rest-tests/$target"
rm -rf "$work"; mkdir -p "$work"

export PYTHONPATH="$h:$MLFLOW_TREE:$MLFLOW_STUBS"
export PATH="$h/bin:$PATH"                     # `mlflow` CLI (test_mlflow_artifacts.py Popens it)
export MLFLOW_REST_TARGET="$target" MLFLOW_REST_SILO_DIR="$silo" MLFLOW_REST_WORK_DIR="$work"
export MLFLOW_REST_TESTLIST="$list"
export MLFLOW_HTTP_REQUEST_MAX_RETRIES=1 MLFLOW_HTTP_REQUEST_TIMEOUT=30
export MLFLOW_REST_TEST_TIMEOUT="${MLFLOW_REST_TEST_TIMEOUT:-240}"
unset MLFLOW_TRACKING_URI MLFLOW_REGISTRY_URI || true

args=(-p rest_target_plugin -p no:cacheprovider -p no:randomly -p no:xdist -p no:cov
      --rootdir "$MLFLOW_TREE" -o junit_family=xunit1 --junitxml "$xml" -rfEs --tb=short -q
      tests/tracking/test_rest_tracking.py tests/tracking/test_model_registry.py tests/tracking/test_mlflow_artifacts.py)
[ -n "$kexpr" ] && args+=(-k "$kexpr")
cd "$MLFLOW_TREE"
set +e
timeout --signal=INT --kill-after=60 "${MLFLOW_REST_SESSION_TIMEOUT:-5400}" "$PY" -m pytest "${args[@]}" "${extra[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
"$PY" "$h/summarize.py" "$xml" "$txt" "$target"
echo "results: $xml $txt $log (pytest rc=$rc)"
exit $rc
