#!/usr/bin/env bash
# Fault: kill -9 of `beian serve` under write load (issue 15, item 4).
#
# For SQLite, and for PostgreSQL when PGDSN or BEIAN_TEST_POSTGRES names a
# server (a fresh database is created there and dropped after):
#   1. starts serve on an empty database with a provider and its desk;
#   2. starts the load client (bench/load write): CLIENTS applicants sign up,
#      then each creates and submits first filings as fast as it is answered,
#      journalling every acknowledged (2xx) write;
#   3. FAULTS times, after 1.5 to 3 s of load, kills serve with SIGKILL and
#      restarts it on the same port and database (the clients retry through
#      the refused connections);
#   4. stops the load, checks with `bench/load verify` that every
#      acknowledged sign-up, token, application and submission is there in
#      the acknowledged state (or the next one), stops serve cleanly and runs
#      `beian audit verify` (and SQLite's integrity_check).
# Any answer other than 2xx, 429 or no answer at all (serve dead) fails the
# run, as does one lost row. It prints faults injected, writes acknowledged
# and rows lost per store.
#
#   bash scripts/fault/kill9.sh                       # SQLite (and PostgreSQL if BEIAN_TEST_POSTGRES is set)
#   FAULTS=10 CLIENTS=16 bash scripts/fault/kill9.sh
#   PGDSN=postgres://postgres@127.0.0.1:5432/test?sslmode=disable bash scripts/fault/kill9.sh
#
# Needs jq (and psql for PostgreSQL). BEIAN=… and LOAD=… skip the builds; KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRIPT_NAME=kill9
source scripts/fault/lib.sh

FAULTS=${FAULTS:-5}
CLIENTS=${CLIENTS:-8}
ACCOUNTS=${ACCOUNTS:-4}
command -v jq >/dev/null || fail "jq is required"
build

# run STORE DSN: the whole fault sequence on one database.
run() {
  local store=$1 dsn=$2
  echo "== $store: serve under $CLIENTS writing clients, $FAULTS kill -9"
  serve_port=""
  rm -rf "$WORK/data"
  setup_platform "$dsn"
  start_serve "$dsn"
  rm -f "$WORK/ready"
  "$LOAD" write --base "$BASE" --journal "$WORK/journal-$store.json" --clients "$CLIENTS" --accounts "$ACCOUNTS" --allow unanswered \
    --ready "$WORK/ready" >"$WORK/write-$store.json" 2>>"$WORK/load.err" &
  load_pid=$!
  # The kills start once every client has signed up and in (the password
  # hashes are slow on a busy machine); a kill during sign-up is covered too,
  # as the first kill may land on a client's retry.
  local deadline=$((SECONDS + 180))
  until [ -e "$WORK/ready" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "$store: the clients did not sign up within 180 s"
    kill -0 "$load_pid" 2>/dev/null || fail "$store: the load client stopped: $(tail -n 5 "$WORK/load.err")"
    sleep 0.2
  done
  local faults=0 downtime=0
  for _ in $(seq 1 "$FAULTS"); do
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 1.5 + 1.5 * r / 32768 }')"
    kill -0 "$load_pid" 2>/dev/null || fail "the load client stopped early: $(tail -n 5 "$WORK/load.err")"
    kill -9 "$serve_pid"
    wait "$serve_pid" 2>/dev/null || true
    faults=$((faults + 1))
    local down=$SECONDS
    start_serve "$dsn"
    downtime=$((downtime + SECONDS - down))
  done
  sleep 2 # load on the last restart
  kill -TERM "$load_pid"
  wait "$load_pid" || fail "$store: the load client saw answers it does not allow: $(jq -c .unexpected "$WORK/write-$store.json" 2>/dev/null)"
  load_pid=""
  local acked created submitted unanswered
  acked=$(json "$WORK/write-$store.json" .writes_acknowledged)
  created=$(json "$WORK/write-$store.json" .applications_created)
  submitted=$(json "$WORK/write-$store.json" .applications_submitted)
  unanswered=$(json "$WORK/write-$store.json" '[.classes[].outcomes.unanswered // 0] | add')
  [ "$submitted" -gt 0 ] || fail "$store: no submission acknowledged: too little load to test anything"

  "$LOAD" verify --base "$BASE" --journal "$WORK/journal-$store.json" >"$WORK/verify-$store.json" 2>>"$WORK/load.err" ||
    fail "$store: acknowledged writes lost: $(jq -c '.lost' "$WORK/verify-$store.json" 2>/dev/null)"
  local lost
  lost=$(json "$WORK/verify-$store.json" .rows_lost)
  stop_serve
  "$BEIAN" audit verify --db "$dsn" --require-keyed >"$WORK/audit-$store.txt" 2>&1 ||
    fail "$store: beian audit verify after the kills: $(cat "$WORK/audit-$store.txt")"
  if [ "$store" = sqlite ] && command -v sqlite3 >/dev/null; then
    [ "$(sqlite3 "$dsn" 'PRAGMA integrity_check')" = ok ] || fail "sqlite: integrity_check after the kills"
  fi
  if grep -q 'panic' "$WORK/serve.err"; then fail "$store: serve panicked"; fi
  echo "   faults injected: $faults (kill -9; ${downtime}s to restart in all)"
  echo "   writes acknowledged: $acked (sign-ups with their tokens, $created creates, $submitted submits); $unanswered requests unanswered while serve was down"
  echo "   rows lost: $lost; $(cat "$WORK/audit-$store.txt")"
  summary="$summary$store: faults $faults, acknowledged $acked, lost $lost; "
}

summary=""
run sqlite "$WORK/beian.db"
PGDSN=${PGDSN:-${BEIAN_TEST_POSTGRES:-}}
if [ -n "$PGDSN" ]; then
  command -v psql >/dev/null || fail "psql is required for the PostgreSQL run"
  run postgres "$(fresh_pg "$PGDSN")"
fi
echo "PASS: kill -9 under load: $summary"
