#!/usr/bin/env bash
# Real services on loopback for the test suite: PostgreSQL, Redis and Azurite (blob).
#
# Main API (source it; safe under `set -euo pipefail`):
#   source scripts/services.sh
#   services_install                 # apt/npm installs, only what is missing
#   services_start                   # per-run folder, free ports, exports MLOPS_TEST_*
#   trap services_stop EXIT          # stop by PID, remove the run folder
#   trap 'exit 143' INT TERM         # bash skips the EXIT trap when a signal kills it; this routes
#                                    # INT/TERM through exit so the services still get stopped
#
# Command form (for callers that cannot source):
#   bash scripts/services.sh install
#   bash scripts/services.sh start         # prints the path of the env file; `source` it
#   bash scripts/services.sh stop [RUN_DIR] # RUN_DIR defaults to $MLOPS_TEST_RUN_DIR
#
# Exported by services_start (also written as `export` lines to $MLOPS_TEST_RUN_DIR/env):
#   MLOPS_TEST_PG, MLOPS_TEST_PG_ADMIN, MLOPS_TEST_REDIS, MLOPS_TEST_AZURITE, MLOPS_TEST_RUN_DIR
#
# This file never changes the caller's shell options; the functions check every step
# themselves, because `set -e` is switched off inside a function called from `if`/`||`.

_SVC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_SVC_TOOLS="${MLOPS_TOOLS_DIR:-$_SVC_ROOT/.tools}"
_SVC_AZURITE_VERSION="3.37.0"
# Azurite's (and Azure's) published, well-known development account key: not a secret.
_SVC_AZ_ACCOUNT="devstoreaccount1"
_SVC_AZ_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

_svc_log() { printf '[services] %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------

# Highest installed PostgreSQL server version's bin folder, or nothing.
_svc_pg_bin() {
  local f
  # sort -V: version 10 sorts above 9 (a plain glob would not).
  f="$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | while read -r f; do
    [[ -x "$f" && -x "${f%/initdb}/pg_ctl" ]] && echo "${f%/initdb}"; done | tail -n1)"
  printf '%s' "$f"
}

_svc_have_deb() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

_svc_azurite_bin() { printf '%s' "$_SVC_TOOLS/node_modules/.bin/azurite-blob"; }

_svc_azurite_ok() {
  local pj="$_SVC_TOOLS/node_modules/azurite/package.json"
  [[ -x "$(_svc_azurite_bin)" && -f "$pj" ]] &&
    grep -q "\"version\": *\"$_SVC_AZURITE_VERSION\"" "$pj"
}

services_install() {
  local missing=() p
  [[ -n "$(_svc_pg_bin)" ]] || missing+=(postgresql)
  # protoc 3.21 + grpc_python_plugin: python3-grpc-tools bundles protoc 3.5, too old for proto3 `optional`.
  for p in redis-server redis-tools python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc; do
    _svc_have_deb "$p" || missing+=("$p")
  done
  # Node 20 ships on this machine kind; fall back to Debian's Node only if npm is absent.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

  if ((${#missing[@]})); then
    _svc_log "apt-get install: ${missing[*]}"
    # One update only, and only when something is missing (the lists may be empty on a fresh box).
    if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null; then
      _svc_log "apt-get update failed"; return 1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" </dev/null >/dev/null; then
      _svc_log "apt-get install failed"; return 1
    fi
    [[ -n "$(_svc_pg_bin)" ]] || { _svc_log "no initdb under /usr/lib/postgresql/*/bin"; return 1; }
  fi

  if ! _svc_azurite_ok; then
    _svc_log "npm install azurite@$_SVC_AZURITE_VERSION into $_SVC_TOOLS"
    mkdir -p "$_SVC_TOOLS" || return 1
    if ! npm install --prefix "$_SVC_TOOLS" "azurite@$_SVC_AZURITE_VERSION" \
      --no-audit --no-fund --no-update-notifier --loglevel=error </dev/null >&2; then
      _svc_log "npm install azurite failed"; return 1
    fi
    _svc_azurite_ok || { _svc_log "azurite-blob missing after npm install"; return 1; }
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# ports and waiting
# ---------------------------------------------------------------------------------------------

_svc_now() { date +%s; }

# 0 if nothing can bind/has bound 127.0.0.1:PORT. Prefers a real bind (also catches sockets
# that are bound but not listening, and 0.0.0.0 listeners); falls back to a connect probe.
_svc_port_free() {
  local port="$1" py=""
  if [[ -x /usr/bin/python3 ]]; then py=/usr/bin/python3; elif command -v python3 >/dev/null 2>&1; then py=python3; fi
  if [[ -n "$py" ]]; then
    "$py" - "$port" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
    return
  fi
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

_svc_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ports handed out during this start, so two services never get the same one.
_SVC_CLAIMED=" "

# A free port below the kernel's ephemeral range, so outgoing connections (which take
# ephemeral ports) cannot grab it between our check and the server's bind.
_svc_free_port() {
  local lo=20000 hi=32000 eph_lo i port
  eph_lo="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  if [[ "$eph_lo" =~ ^[0-9]+$ ]] && ((eph_lo > lo + 1000 && eph_lo <= hi)); then hi=$((eph_lo - 1)); fi
  for ((i = 0; i < 200; i++)); do
    port=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo)))
    [[ "$_SVC_CLAIMED" == *" $port "* ]] && continue
    if _svc_port_free "$port"; then
      _SVC_CLAIMED+="$port "
      printf '%s' "$port"
      return 0
    fi
  done
  _svc_log "no free port found"
  return 1
}

_svc_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# start, one service at a time; each retries with a new port if another process won the race
# ---------------------------------------------------------------------------------------------

_svc_start_pg() {
  local run="$1" bin port attempt deadline
  bin="$(_svc_pg_bin)"
  [[ -n "$bin" ]] || { _svc_log "PostgreSQL not installed (run services_install)"; return 1; }
  mkdir -p "$run/pg" && chown postgres:postgres "$run/pg" || return 1

  # initdb refuses to run as root. cd into the run folder so postgres can read its cwd.
  # --no-sync: the cluster is thrown away; the server itself still runs with fsync=on.
  if ! (cd "$run/pg" && runuser -u postgres -- "$bin/initdb" -D "$run/pg/data" -U postgres \
    --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$run/pg/initdb.log" 2>&1); then
    _svc_log "initdb failed:"; cat "$run/pg/initdb.log" >&2; return 1
  fi

  for attempt in 1 2 3; do
    port="$(_svc_free_port)" || return 1
    # max_connections: several Npgsql pools of 50 (tests, silos) must fit at once.
    if (cd "$run/pg" && runuser -u postgres -- "$bin/pg_ctl" -D "$run/pg/data" -l "$run/pg/server.log" \
      -w -t 30 -o "-p $port -k $run/pg -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" \
      start </dev/null >/dev/null 2>&1); then
      deadline=$(($(_svc_now) + 30))
      until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; do
        (($(_svc_now) < deadline)) || { _svc_log "pg_isready timed out"; return 1; }
        sleep 0.1
      done
      if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres mlops >>"$run/pg/server.log" 2>&1; then
        _svc_log "createdb mlops failed"; return 1
      fi
      _SVC_PG_PORT="$port"
      return 0
    fi
    # A lost port race shows as a bind error; anything else is a real failure.
    if grep -q 'could not bind\|Address already in use' "$run/pg/server.log" 2>/dev/null; then
      _svc_log "PostgreSQL port $port taken, retrying ($attempt)"
      continue
    fi
    _svc_log "pg_ctl start failed:"; tail -n 20 "$run/pg/server.log" >&2 2>/dev/null; return 1
  done
  return 1
}

_svc_start_redis() {
  local run="$1" port attempt deadline
  mkdir -p "$run/redis" || return 1
  for attempt in 1 2 3; do
    port="$(_svc_free_port)" || return 1
    : >"$run/redis/redis.log"
    # appendfsync always: a test that restarts Redis gets every acknowledged write back.
    # --save '': no RDB snapshots next to the AOF.
    if ! redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
      --pidfile "$run/redis/redis.pid" --dir "$run/redis" --logfile "$run/redis/redis.log" \
      --appendonly yes --appendfsync always --save '' </dev/null >/dev/null 2>&1; then
      _svc_log "redis-server failed to launch"; return 1
    fi
    deadline=$(($(_svc_now) + 10))
    while :; do
      # Only PING once our own process logged that it listens: if another process took the
      # port, a PING could hang on it (redis-cli has no timeout) or get a stranger's PONG.
      if grep -q 'Ready to accept connections' "$run/redis/redis.log" &&
        [[ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" == "PONG" ]]; then
        _SVC_REDIS_PORT="$port"
        return 0
      fi
      # --daemonize forks at once, so a bind failure only shows in the log.
      if grep -q 'Could not create server TCP\|Failed listening\|Address already in use' "$run/redis/redis.log"; then
        _svc_log "Redis port $port taken, retrying ($attempt)"
        rm -f "$run/redis/redis.pid"
        continue 2
      fi
      (($(_svc_now) < deadline)) || { _svc_log "Redis PING timed out:"; tail -n 20 "$run/redis/redis.log" >&2; return 1; }
      sleep 0.1
    done
  done
  return 1
}

_svc_start_azurite() {
  local run="$1" bin port attempt deadline pid
  bin="$(_svc_azurite_bin)"
  [[ -x "$bin" ]] || { _svc_log "Azurite not installed (run services_install)"; return 1; }
  mkdir -p "$run/azurite" || return 1
  for attempt in 1 2 3; do
    port="$(_svc_free_port)" || return 1
    # stdio goes to a file: a background child holding our stdout would hang `$(...)` callers.
    # --skipApiVersionCheck: the Blob SDK sends an API version newer than Azurite knows.
    # --disableTelemetry: Azurite otherwise reports usage to a host outside this machine.
    "$bin" --blobHost 127.0.0.1 --blobPort "$port" --location "$run/azurite" \
      --skipApiVersionCheck --disableTelemetry --silent --loose \
      </dev/null >"$run/azurite/azurite.log" 2>&1 &
    pid=$!
    # Tracked by PID from here on; disown keeps bash from printing "Killed" when we stop it.
    disown "$pid" 2>/dev/null || true
    echo "$pid" >"$run/azurite/azurite.pid"
    deadline=$(($(_svc_now) + 30))
    # Ready when our own process says it listens (not merely when the port answers: another
    # process may hold it) and the port accepts.
    until grep -q "successfully listens on http://127.0.0.1:$port" "$run/azurite/azurite.log" &&
      _svc_port_open "$port"; do
      if ! _svc_alive "$pid"; then
        if grep -q 'EADDRINUSE' "$run/azurite/azurite.log"; then
          _svc_log "Azurite port $port taken, retrying ($attempt)"
          continue 2
        fi
        _svc_log "Azurite exited:"; tail -n 20 "$run/azurite/azurite.log" >&2; return 1
      fi
      (($(_svc_now) < deadline)) || { _svc_log "Azurite did not open port $port"; return 1; }
      sleep 0.1
    done
    _SVC_AZ_PORT="$port"
    return 0
  done
  return 1
}

_svc_write_env() {
  local f="$1/env" n v
  : >"$f" || return 1
  for n in MLOPS_TEST_RUN_DIR MLOPS_TEST_PG MLOPS_TEST_PG_ADMIN MLOPS_TEST_REDIS MLOPS_TEST_AZURITE; do
    v="${!n}"
    [[ "$v" != *"'"* ]] || return 1 # values are single-quoted below
    printf "export %s='%s'\n" "$n" "$v" >>"$f"
  done
}

services_start() {
  local run
  # A second start in the same shell would orphan the first run's services.
  if [[ -n "${MLOPS_TEST_RUN_DIR:-}" && -f "$MLOPS_TEST_RUN_DIR/.mlops-test-run" ]]; then
    _svc_log "services already running in $MLOPS_TEST_RUN_DIR; call services_stop first"
    return 1
  fi
  _SVC_CLAIMED=" " _SVC_PG_PORT="" _SVC_REDIS_PORT="" _SVC_AZ_PORT=""
  # Short path under /tmp: the PostgreSQL socket path must stay under 107 characters.
  run="$(mktemp -d /tmp/mlops-test.XXXXXXXX)" || return 1
  : >"$run/.mlops-test-run" # marker: services_stop only ever deletes a folder carrying it
  # postgres must be able to enter the folder; root still writes everywhere in it.
  chown postgres:postgres "$run" || { rm -rf "$run"; return 1; }
  export MLOPS_TEST_RUN_DIR="$run"

  if ! _svc_start_pg "$run" || ! _svc_start_redis "$run" || ! _svc_start_azurite "$run"; then
    _svc_log "start failed; logs were in $run (now removed)"
    services_stop "$run"
    return 1
  fi

  export MLOPS_TEST_PG="Host=127.0.0.1;Port=$_SVC_PG_PORT;Username=postgres;Database=mlops;Pooling=true;Maximum Pool Size=50"
  export MLOPS_TEST_PG_ADMIN="Host=127.0.0.1;Port=$_SVC_PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
  export MLOPS_TEST_REDIS="127.0.0.1:$_SVC_REDIS_PORT"
  export MLOPS_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=$_SVC_AZ_ACCOUNT;AccountKey=$_SVC_AZ_KEY;BlobEndpoint=http://127.0.0.1:$_SVC_AZ_PORT/$_SVC_AZ_ACCOUNT;"
  _svc_write_env "$run" || { services_stop "$run"; return 1; }
  _svc_log "up in $run: postgres :$_SVC_PG_PORT, redis :$_SVC_REDIS_PORT, azurite :$_SVC_AZ_PORT"
  return 0
}

# ---------------------------------------------------------------------------------------------
# stop
# ---------------------------------------------------------------------------------------------

_svc_pidfile() {
  local pid
  pid="$(head -n1 "$1" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && printf '%s' "$pid"
  return 0
}

# Wait up to $2 tenths of a second for PID $1 to exit, then SIGKILL it.
_svc_wait_or_kill() {
  local pid="$1" tenths="$2" i
  [[ -n "$pid" ]] || return 0
  for ((i = 0; i < tenths; i++)); do
    _svc_alive "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do _svc_alive "$pid" || return 0; sleep 0.1; done
  return 0
}

# Stops whatever the run folder says was started, then removes it. Never fails: it runs from traps.
# The services are told to stop all at once and then waited for: Redis takes ~1.5 s to exit
# and Azurite gets 2 s, so doing them one by one would double the time.
services_stop() {
  local run="${1:-${MLOPS_TEST_RUN_DIR:-}}" bin az rd pg
  if [[ -n "$run" && -f "$run/.mlops-test-run" ]]; then
    az="$(_svc_pidfile "$run/azurite/azurite.pid")"
    rd="$(_svc_pidfile "$run/redis/redis.pid")"
    pg="$(_svc_pidfile "$run/pg/data/postmaster.pid")"
    # Redis: SIGTERM makes it fsync the AOF and exit. Azurite may not exit on SIGTERM at all.
    if _svc_alive "$az"; then kill -TERM "$az" 2>/dev/null || true; fi
    if _svc_alive "$rd"; then kill -TERM "$rd" 2>/dev/null || true; fi
    # PostgreSQL: fast shutdown through pg_ctl (about 0.1 s); the postmaster PID is the backstop.
    bin="$(_svc_pg_bin)"
    if _svc_alive "$pg" && [[ -n "$bin" ]]; then
      (cd "$run/pg" && runuser -u postgres -- "$bin/pg_ctl" -D "$run/pg/data" -m fast -w -t 20 stop \
        </dev/null >/dev/null 2>&1) || true
    fi
    _svc_wait_or_kill "$az" 20
    _svc_wait_or_kill "$rd" 50
    if _svc_alive "$pg"; then kill -TERM "$pg" 2>/dev/null || true; fi
    _svc_wait_or_kill "$pg" 50
    rm -rf "$run" || true
  fi
  # Forget the run only if it is the one in this shell's environment.
  if [[ "${MLOPS_TEST_RUN_DIR:-}" == "$run" ]]; then
    unset MLOPS_TEST_RUN_DIR MLOPS_TEST_PG MLOPS_TEST_PG_ADMIN MLOPS_TEST_REDIS MLOPS_TEST_AZURITE
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# command form
# ---------------------------------------------------------------------------------------------
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    install) services_install ;;
    start) services_start && printf '%s\n' "$MLOPS_TEST_RUN_DIR/env" ;;
    stop) services_stop "${2:-}" ;;
    *) echo "usage: $0 install | start | stop [RUN_DIR]" >&2; exit 2 ;;
  esac
fi
