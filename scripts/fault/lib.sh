# Shared by scripts/fault/kill9.sh, scripts/fault/pg-restart.sh and
# bench/soak/run.sh: the work directory, the binaries (beian and the load
# client bench/load), a platform with a provider and its desk account, and
# `beian serve` started on a fixed port so that a restart answers where the
# clients already point. Source it after `set -euo pipefail` and `cd` to the
# repository root; it sets WORK and the EXIT trap.

# The data key of every run (hex of 32 bytes): test data only.
export BEIAN_DATA_KEY=${BEIAN_DATA_KEY:-404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f}
DESK_EMAIL=desk@test-cloud.test
DESK_PASSWORD="operator pass 1"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/beian-${SCRIPT_NAME:-fault}.XXXXXX")
serve_pid="" load_pid="" extra_pids="" serve_port="" pg_dbs=""
cleanup() {
  local rc=$?
  for pid in $load_pid $extra_pids $serve_pid; do
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for db in $pg_dbs; do
    psql "$PG_ADMIN" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [ "$rc" -ne 0 ]; then
    echo "--- serve log (tail)"; tail -n 30 "$WORK/serve.err" 2>/dev/null || true
    echo "--- load log (tail)"; tail -n 30 "$WORK/load.err" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# wait_for FILE REGEX SECONDS: until a line of FILE matches; prints the match.
wait_for() {
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if grep -m1 -oE "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}

# build: $BEIAN and $LOAD, unless given.
build() {
  if [ -z "${BEIAN:-}" ]; then BEIAN="$WORK/beian"; go build -o "$BEIAN" ./cmd/beian; fi
  if [ -z "${LOAD:-}" ]; then LOAD="$WORK/load"; go build -o "$LOAD" ./bench/load; fi
}

# fresh_pg BASE_DSN: creates an empty database on BASE_DSN's server, dropped
# at exit, and prints its DSN.
fresh_pg() {
  PG_ADMIN=$1
  local db="beian_${SCRIPT_NAME:-fault}_$$_$RANDOM"
  db=${db//-/_}
  psql "$PG_ADMIN" -qAtc "CREATE DATABASE $db" >/dev/null || fail "cannot create database $db on $PG_ADMIN"
  pg_dbs="$pg_dbs $db"
  # The same URL with the new database's name in place of the old one.
  echo "$PG_ADMIN" | sed -E "s#^(postgres(ql)?://[^/]+/)[^?]*#\1$db#"
}

# setup_platform DSN: migrates DSN and adds the provider test-cloud and its desk account.
setup_platform() {
  "$BEIAN" provider add --db "$1" --code test-cloud --name "测试云 Test Cloud" --cidr 198.51.100.0/24 >/dev/null
  "$BEIAN" user add --db "$1" --email "$DESK_EMAIL" --password "$DESK_PASSWORD" --role provider --provider test-cloud >/dev/null
}

# start_serve DSN: serve on DSN; the first start picks a free port, later
# ones take the same. Sets serve_pid and BASE.
start_serve() {
  : >"$WORK/serve.out"
  "$BEIAN" serve --addr "127.0.0.1:${serve_port:-0}" --db "$1" --data-dir "$WORK/data" --scan-every 0 \
    >"$WORK/serve.out" 2>>"$WORK/serve.err" &
  serve_pid=$!
  local line
  line=$(wait_for "$WORK/serve.out" 'listening on http://[0-9.:]+' 60) || fail "beian serve did not start on $1"
  BASE=${line#listening on }
  serve_port=${BASE##*:}
}

# stop_serve: SIGTERM and wait (a clean shutdown must succeed).
stop_serve() {
  kill -TERM "$serve_pid"
  wait "$serve_pid" || fail "beian serve exited with $? after SIGTERM"
  serve_pid=""
}

# json FILE EXPR: a jq expression over FILE.
json() { jq -er "$2" "$1"; }
