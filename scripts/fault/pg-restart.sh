#!/usr/bin/env bash
# Fault: PostgreSQL lost mid-load (issue 15, item 4).
#
# serve runs on a fresh database of the PostgreSQL server PGDSN (default
# BEIAN_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/test); the
# load client (bench/load write) creates and submits first filings. OUTAGES
# times the database goes away for OUTAGE_SECONDS:
#   MODE=terminate (default): `ALTER DATABASE … ALLOW_CONNECTIONS false` and
#     `pg_terminate_backend` of every connection to serve's database, so that
#     open connections die and new ones are refused until it is allowed
#     again: what serve sees of a restart, without stopping a server other
#     databases share (the CI machine's);
#   MODE=restart: `pg_ctlcluster VERSION main stop`, then start (only on a
#     PostgreSQL of your own: every database on it goes down).
# Meanwhile every request must end cleanly: a 5xx with the JSON error, no
# hang (15 s client timeout), no dropped connection; /healthz answers 503 within
# 3 s. After each outage serve must answer again (/healthz 200) within 20 s,
# without a restart; at the end every acknowledged write must be there
# (bench/load verify), serve must still run, and `beian audit verify` pass.
#
#   bash scripts/fault/pg-restart.sh
#   OUTAGES=5 OUTAGE_SECONDS=5 bash scripts/fault/pg-restart.sh
#   MODE=restart PGDSN=postgres://postgres@127.0.0.1:5432/postgres bash scripts/fault/pg-restart.sh
#
# Needs jq, curl and psql. BEIAN=… and LOAD=… skip the builds; KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRIPT_NAME=pgfault
source scripts/fault/lib.sh

OUTAGES=${OUTAGES:-3}
OUTAGE_SECONDS=${OUTAGE_SECONDS:-3}
MODE=${MODE:-terminate}
CLIENTS=${CLIENTS:-8}
PGDSN=${PGDSN:-${BEIAN_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}}
for tool in jq curl psql; do command -v "$tool" >/dev/null || fail "$tool is required"; done
case "$MODE" in terminate | restart) ;; *) fail "MODE=$MODE: want terminate or restart" ;; esac
build

dsn=$(fresh_pg "$PGDSN")
db=$(echo "$dsn" | sed -E 's#^postgres(ql)?://[^/]+/([^?]*).*#\2#')
cluster_version=""
if [ "$MODE" = restart ]; then
  cluster_version=$(psql "$PGDSN" -qAtc "SHOW server_version_num" | cut -c1-2)
fi

db_down() {
  if [ "$MODE" = restart ]; then
    pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main stop -m fast
  else
    psql "$PGDSN" -qAtc "ALTER DATABASE $db ALLOW_CONNECTIONS false" >/dev/null
    psql "$PGDSN" -qAtc "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()"
  fi
}
db_up() {
  if [ "$MODE" = restart ]; then
    pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start
    for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -q && break; sleep 0.5; done
  else
    psql "$PGDSN" -qAtc "ALTER DATABASE $db ALLOW_CONNECTIONS true" >/dev/null
  fi
}
# A database left refusing connections by a failed run is dropped at exit
# anyway (lib.sh); a stopped cluster is started again.
restore_db() { db_up >/dev/null 2>&1 || true; }
trap 'restore_db; cleanup' EXIT

echo "== PostgreSQL ($MODE): serve on $db under $CLIENTS writing clients, $OUTAGES outages of ${OUTAGE_SECONDS}s"
setup_platform "$dsn"
start_serve "$dsn"
"$LOAD" write --base "$BASE" --journal "$WORK/journal.json" --clients "$CLIENTS" --accounts 4 --allow clean_5xx \
  --ready "$WORK/ready" >"$WORK/write.json" 2>>"$WORK/load.err" &
load_pid=$!
wait_ready "$WORK/ready"

health() { curl -sS -o /dev/null -w '%{http_code}' --max-time "$1" "$BASE/healthz" 2>/dev/null || echo "none"; }
recoveries=""
for i in $(seq 1 "$OUTAGES"); do
  sleep 2
  killed=$(db_down)
  echo "   outage $i: database down (${killed:-0} of serve's connections terminated)"
  t0=$SECONDS
  saw503=0
  while [ $((SECONDS - t0)) -lt "$OUTAGE_SECONDS" ]; do
    code=$(health 3)
    case "$code" in
      503) saw503=1 ;;
      200) ;; # a pooled connection answered before the cut reached it
      *) fail "outage $i: /healthz answered \"$code\" (want 503 within 3 s)" ;;
    esac
    sleep 0.3
  done
  [ "$saw503" = 1 ] || fail "outage $i: /healthz never said 503 while the database was down"
  db_up
  up=$(date +%s.%N)
  until [ "$(health 3)" = 200 ]; do
    awk -v a="$up" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 20) }' && fail "outage $i: serve did not answer /healthz 200 within 20 s of the database's return"
    sleep 0.1
  done
  took=$(awk -v a="$up" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  recoveries="$recoveries ${took}s"
  kill -0 "$serve_pid" 2>/dev/null || fail "serve died during outage $i"
done
sleep 2 # load after the last outage
kill -TERM "$load_pid"
wait "$load_pid" || fail "the load client saw answers it does not allow: $(jq -c .unexpected "$WORK/write.json" 2>/dev/null)"
load_pid=""
clean=$(json "$WORK/write.json" '[.classes[].outcomes.clean_5xx // 0] | add')
acked=$(json "$WORK/write.json" .writes_acknowledged)
requests=$(json "$WORK/write.json" '[.classes[].requests] | add')
statuses=$(jq -c '[.classes[].statuses // {} | to_entries[]] | group_by(.key) | map({(.[0].key): (map(.value) | add)}) | add // {}' "$WORK/write.json")
[ "$clean" -gt 0 ] || fail "no request failed during the outages: the fault did not reach serve"
"$LOAD" verify --base "$BASE" --journal "$WORK/journal.json" >"$WORK/verify.json" 2>>"$WORK/load.err" ||
  fail "acknowledged writes lost: $(jq -c '.lost' "$WORK/verify.json" 2>/dev/null)"
lost=$(json "$WORK/verify.json" .rows_lost)
kill -0 "$serve_pid" 2>/dev/null || fail "serve is not running after the outages"
stop_serve
"$BEIAN" audit verify --db "$dsn" --require-keyed >"$WORK/audit.txt" 2>&1 || fail "beian audit verify: $(cat "$WORK/audit.txt")"
if grep -q 'panic' "$WORK/serve.err"; then fail "serve panicked"; fi
echo "   faults injected: $OUTAGES database outages ($MODE) of ${OUTAGE_SECONDS}s; serve answered /healthz 200 again after:$recoveries"
echo "   requests: $requests, of which $clean failed cleanly (5xx with the JSON error; by status $statuses) while the database was down; none hung or dropped"
echo "   writes acknowledged: $acked; rows lost: $lost; $(cat "$WORK/audit.txt")"
echo "PASS: PostgreSQL outages under load: $OUTAGES faults, $clean clean refusals, $acked writes acknowledged, $lost lost"
