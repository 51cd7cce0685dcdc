#!/usr/bin/env bash
# Prepares a real MLflow server and client (2.22 by default, or 3.5) on Debian's own Python, for `mlflow-compare`,
# bench/scripts/mlflow-python-client.py and bench/scripts/mlflow3-session.py (see ../shared/reference/mlflow-clients.md).
# Idempotent: installs the Debian packages MLflow imports if any is missing, writes MLflow's source tree out of the
# snapshot if it is not there yet, copies the import stubs beside it, checks that `import mlflow` works, and prints the
# PYTHONPATH to use as its last line.
#
#   bench/scripts/mlflow-reference.sh [HOME]                 2.22; HOME defaults to $MLOPS_MLFLOW_HOME or /work/mlflow-2.22
#   bench/scripts/mlflow-reference.sh --version 3.5 [HOME]   3.5; HOME defaults to /work/mlflow-3.5
#
# Layout of HOME (what MlflowReferenceSpec reads): tree/ (mlflow, pyproject.toml, requirements, and skinny for 2.22 or
# libs for 3.5), stubs/ (opentelemetry stubs; for 3.5 also compiled opentelemetry protos, an empty databricks/ and the
# mlflow dist-info 3.x looks for) and SOURCE (repository and commit).
set -euo pipefail

VERSION=2.22
if [[ "${1:-}" == "--version" ]]; then
  VERSION="${2:?--version needs 2.22 or 3.5}"
  shift 2
elif [[ "${1:-}" == --version=* ]]; then
  VERSION="${1#--version=}"
  shift
fi

PACKAGES=(python3-requests python3-yaml python3-protobuf python3-click python3-cloudpickle python3-packaging
  python3-sqlparse python3-git python3-flask python3-sqlalchemy python3-alembic python3-pandas python3-numpy
  python3-cachetools python3-pydantic python3-typing-extensions python3-importlib-metadata python3-gunicorn
  python3-markdown python3-jinja2 python3-docker python3-waitress python3-flask-cors python3-graphene python3-sklearn
  python3-scipy)
case "$VERSION" in
  2.22)
    HOME_DIR="${1:-${MLOPS_MLFLOW_HOME:-/work/mlflow-2.22}}"
    STUBS="${MLOPS_MLFLOW_STUBS:-/work/shared/tools/mlflow-client/stubs-2.22}"
    COMMIT=a68ee413624f5067ec33fa05ba1785fab613fa24
    FOLDERS=(mlflow pyproject.toml requirements skinny)
    ;;
  3.5)
    # $MLOPS_MLFLOW_HOME names the 2.22 home the bench uses, so it is not read here.
    HOME_DIR="${1:-/work/mlflow-3.5}"
    STUBS="${MLOPS_MLFLOW_STUBS:-/work/shared/tools/mlflow-client/stubs-3.5}"
    COMMIT=76916bd22ef344777a4dd34a49883171b308ea4e
    FOLDERS=(mlflow pyproject.toml requirements libs)
    PACKAGES+=(python3-dotenv protobuf-compiler)
    ;;
  *) echo "unknown MLflow version $VERSION (2.22 or 3.5)" >&2; exit 2 ;;
esac
MIRROR="${MLOPS_MLFLOW_MIRROR:-/work/.mirror/opendatahub-io+mlflow/repo}"
PYTHON=/usr/bin/python3

# 1. Debian packages: only those not installed yet (dpkg-query answers without touching the network).
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "# installing ${missing[*]}" >&2
  apt-get install -y "${missing[@]}" >&2 || { apt-get update >&2 && apt-get install -y "${missing[@]}" >&2; }
fi

# 2. MLflow's tree, written blob by blob: `git archive` stops at the first blob the snapshot lacks, and the folders
#    MLflow needs to run are complete in it.
if [[ ! -f "$HOME_DIR/SOURCE" ]]; then
  [[ -d "$MIRROR" ]] || { echo "no MLflow snapshot at $MIRROR (bring github:opendatahub-io/mlflow first)" >&2; exit 1; }
  rm -rf "$HOME_DIR/tree.partial"
  mkdir -p "$HOME_DIR/tree.partial"
  git --git-dir="$MIRROR" ls-tree -r "$COMMIT" -- "${FOLDERS[@]}" |
    "$PYTHON" -c '
import os, subprocess, sys, threading
mirror, out = sys.argv[1], sys.argv[2]
entries = []
for line in sys.stdin:
    meta, path = line.rstrip("\n").split("\t", 1)
    mode, kind, oid = meta.split()
    if kind == "blob":
        entries.append((mode, oid, path))
cat = subprocess.Popen(["git", "--git-dir", mirror, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
# Ids are fed from a thread: written all at once, they would fill cat-file'"'"'s output pipe while nobody reads it (deadlock).
def feed():
    cat.stdin.write("".join(oid + "\n" for _, oid, _ in entries).encode())
    cat.stdin.close()
threading.Thread(target=feed, daemon=True).start()
missing = 0
for mode, oid, path in entries:
    header = cat.stdout.readline().decode().split()
    if header[1] == "missing":
        missing += 1
        continue
    data = cat.stdout.read(int(header[2]))
    cat.stdout.read(1)  # the newline after each object
    target = os.path.join(out, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if mode == "120000":
        os.symlink(data.decode(), target)
    else:
        with open(target, "wb") as f:
            f.write(data)
        if mode == "100755":
            os.chmod(target, 0o755)
cat.wait()
print(f"# wrote {len(entries) - missing} files, {missing} missing from the snapshot", file=sys.stderr)
' "$MIRROR" "$HOME_DIR/tree.partial"
  rm -rf "$HOME_DIR/tree" "$HOME_DIR/stubs"
  mv "$HOME_DIR/tree.partial" "$HOME_DIR/tree"
  cp -r "$STUBS" "$HOME_DIR/stubs"
  echo "github:opendatahub-io/mlflow@$COMMIT (MLflow $VERSION; stubs from $STUBS)" > "$HOME_DIR/SOURCE"
fi

# 3. The check the bench makes before it starts a server.
PYTHONPATH="$HOME_DIR/tree:$HOME_DIR/stubs" "$PYTHON" -c 'import mlflow.server, mlflow.tracking; print("# mlflow", mlflow.__version__)' >&2
echo "PYTHONPATH=$HOME_DIR/tree:$HOME_DIR/stubs"
