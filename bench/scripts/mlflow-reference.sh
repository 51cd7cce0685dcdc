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
# libs for 3.5), stubs/ (opentelemetry stubs; for 3.5 also compiled opentelemetry protos, an empty databricks/, the
# mlflow dist-info 3.x looks for, and the newer packages below) and SOURCE (repository and commit).
#
# Newer pure-Python packages for 3.5, written into stubs/ (which comes before Debian's packages on the path) from
# snapshots brought with the search tool's `fetch` (github:andialbrecht/sqlparse, github:sqlalchemy/sqlalchemy,
# github:python/typing_extensions), the releases current when 3.5 came out, as a pip install of 3.5 would have had:
# - sqlparse 0.5.3: Debian 12's 0.4.2 (< 0.4.4) leaves the whitespace tokens around AND in 3.5's logged-model filter
#   parser, which then rejects every filter with an AND in it ("Expected a list of comparisons separated by 'AND'").
# - SQLAlchemy 2.0.44: with Debian 12's 1.4.46, a logged-model search ordered by a metric fails with BAD_REQUEST
#   "Column expression or FROM clause expected" (3.5 builds that query the 2.0 way). Its C extensions are not built;
#   SQLAlchemy runs without them. Debian's alembic 1.8.1 migrates with it.
# - typing_extensions 4.15.0: SQLAlchemy 2.0.44 needs >= 4.6 (Debian 12 has 4.4).
set -euo pipefail

VERSION=2.22
EXTRAS=()
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
    # name in stubs/ | snapshot (owner+name) | commit | path in that tree | what it is
    EXTRAS=("sqlparse|andialbrecht+sqlparse|ec0af5bf6345750d84274bc5c857d4a75b88619b|sqlparse|sqlparse 0.5.3"
      "sqlalchemy|sqlalchemy+sqlalchemy|29e4255f413b9791e117b40ab12c76c9df6313d8|lib/sqlalchemy|SQLAlchemy 2.0.44"
      "typing_extensions.py|python+typing_extensions|9d1637e264b5c1a6b7acee3e907015f89b20c2c9|src/typing_extensions.py|typing_extensions 4.15.0")
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

# 2. Trees written blob by blob out of a snapshot: `git archive` stops at the first blob the snapshot lacks, and the
#    folders needed to run are complete in it. write_tree MIRROR COMMIT OUT PATH...
write_tree() {
  local mirror="$1" commit="$2" out="$3"
  shift 3
  git --git-dir="$mirror" ls-tree -r "$commit" -- "$@" |
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
' "$mirror" "$out"
}

if [[ ! -f "$HOME_DIR/SOURCE" ]]; then
  [[ -d "$MIRROR" ]] || { echo "no MLflow snapshot at $MIRROR (bring github:opendatahub-io/mlflow first)" >&2; exit 1; }
  rm -rf "$HOME_DIR/tree.partial"
  mkdir -p "$HOME_DIR/tree.partial"
  write_tree "$MIRROR" "$COMMIT" "$HOME_DIR/tree.partial" "${FOLDERS[@]}"
  rm -rf "$HOME_DIR/tree" "$HOME_DIR/stubs"
  mv "$HOME_DIR/tree.partial" "$HOME_DIR/tree"
  cp -r "$STUBS" "$HOME_DIR/stubs"
  echo "github:opendatahub-io/mlflow@$COMMIT (MLflow $VERSION; stubs from $STUBS)" > "$HOME_DIR/SOURCE"
fi

# 2b. 3.5 only: the newer pure-Python packages (see the top), also added to a HOME prepared before they were.
for extra in "${EXTRAS[@]}"; do
  IFS='|' read -r name snapshot commit path label <<<"$extra"
  [[ -e "$HOME_DIR/stubs/$name" ]] && continue
  mirror="${MLOPS_MIRRORS:-/work/.mirror}/$snapshot/repo"
  [[ -d "$mirror" ]] || { echo "no snapshot at $mirror (bring github:${snapshot/+//} first)" >&2; exit 1; }
  rm -rf "$HOME_DIR/extra.partial"
  mkdir -p "$HOME_DIR/extra.partial"
  write_tree "$mirror" "$commit" "$HOME_DIR/extra.partial" "$path"
  mv "$HOME_DIR/extra.partial/$path" "$HOME_DIR/stubs/$name"
  rm -rf "$HOME_DIR/extra.partial"
  echo "github:${snapshot/+//}@$commit ($label, in stubs/$name)" >> "$HOME_DIR/SOURCE"
done

# 3. The check the bench makes before it starts a server.
PYTHONPATH="$HOME_DIR/tree:$HOME_DIR/stubs" "$PYTHON" -c 'import mlflow.server, mlflow.tracking, sqlparse, sqlalchemy; print("# mlflow", mlflow.__version__, "sqlparse", sqlparse.__version__, "sqlalchemy", sqlalchemy.__version__)' >&2
echo "PYTHONPATH=$HOME_DIR/tree:$HOME_DIR/stubs"
