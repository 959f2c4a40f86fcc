#!/usr/bin/env bash
# Soak: DURATION (default 10m) of mixed load at 200 concurrent clients
# against `beian serve` and `beian gate --feed` (issue 15, item 6):
#   APPLICANTS (100) create first filings, list theirs, and submit (3 in 4) or
#     withdraw (1 in 4) each, sharing ACCOUNTS (10) accounts;
#   REVIEWERS (10) read the provider desk's queue and approve (2 in 3) or
#     reject its submissions, each its own share of the queue;
#   LOOKUPS (50) query the public lookup by domain, each request from a new
#     visitor address;
#   GATES (40) ask the gate (ForwardAuth /auth) about filed-looking and
#     unfiled hosts.
# Each client waits a random 0..THINK (400ms) between requests. The run fails
# on any answer but 2xx and 429 (451 from the gate for an unfiled host): a
# 4xx or 5xx, a hang of 30 s, a dropped connection; and when the RSS of serve
# or gate, sampled every RSS_EVERY (10s), grows (mean of the last quarter of
# the samples more than 30 % and 32 MiB over the second quarter's). It
# prints per class the requests, outcomes, p50 and p99, and each process's
# RSS first/last/max; OUT=FILE keeps the full JSON summary.
#
#   bash bench/soak/run.sh                                   # 10 minutes, SQLite
#   DURATION=45s RSS_EVERY=5s bash bench/soak/run.sh          # CI's short run
#   DB=postgres://postgres@127.0.0.1:5432/test?sslmode=disable bash bench/soak/run.sh   # a fresh database there
#
# Needs jq and curl. BEIAN=… and LOAD=… skip the builds; KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRIPT_NAME=soak
source scripts/fault/lib.sh

DURATION=${DURATION:-10m}
RSS_EVERY=${RSS_EVERY:-10s}
THINK=${THINK:-400ms}
APPLICANTS=${APPLICANTS:-100} REVIEWERS=${REVIEWERS:-10} LOOKUPS=${LOOKUPS:-50} GATES=${GATES:-40}
ACCOUNTS=${ACCOUNTS:-10}
OUT=${OUT:-}
for tool in jq curl; do command -v "$tool" >/dev/null || fail "$tool is required"; done
build

dsn=${DB:-$WORK/beian.db}
store=sqlite
if [[ "$dsn" == postgres* ]]; then
  command -v psql >/dev/null || fail "psql is required for PostgreSQL"
  dsn=$(fresh_pg "$dsn")
  store=postgres
fi
setup_platform "$dsn"
start_serve "$dsn"
token=$(curl -sS -f -H 'Content-Type: application/json' \
  -d "{\"email\":\"$DESK_EMAIL\",\"password\":\"$DESK_PASSWORD\"}" "$BASE/api/v1/tokens" | jq -er .token) ||
  fail "the desk could not sign in"
BEIAN_GATE_TOKEN=$token "$BEIAN" gate --listen 127.0.0.1:0 --feed "$BASE" --poll 1s 2>"$WORK/gate.err" &
gate_pid=$!
extra_pids=$gate_pid
gate_addr=$(wait_for "$WORK/gate.err" 'addr=[0-9.:]+' 60) || fail "the gate did not start"
gate_addr=${gate_addr#addr=}

total=$((APPLICANTS + REVIEWERS + LOOKUPS + GATES))
echo "== soak: $total clients for $DURATION on $store (applicants $APPLICANTS, reviewers $REVIEWERS, lookups $LOOKUPS, gate $GATES; think 0..$THINK)"
rc=0
"$LOAD" soak --base "$BASE" --gate "http://$gate_addr" --desk "$DESK_EMAIL:$DESK_PASSWORD" \
  --applicants "$APPLICANTS" --accounts "$ACCOUNTS" --reviewers "$REVIEWERS" --lookups "$LOOKUPS" --gates "$GATES" \
  --duration "$DURATION" --think "$THINK" --rss-every "$RSS_EVERY" --rss "serve=$serve_pid" --rss "gate=$gate_pid" \
  >"$WORK/soak.json" 2>>"$WORK/load.err" || rc=$?
[ -s "$WORK/soak.json" ] || fail "the soak printed no summary: $(tail -n 5 "$WORK/load.err")"
[ -z "$OUT" ] || cp "$WORK/soak.json" "$OUT"
kill -0 "$serve_pid" 2>/dev/null || fail "serve died during the soak"
kill -0 "$gate_pid" 2>/dev/null || fail "the gate died during the soak"

jq -r '"   \(.requests) requests in \(.seconds | floor) s (\(.requests_per_second | floor)/s) after \(.warmup_seconds | floor) s of sign-ups",
  (.classes | to_entries | sort_by(.key)[] |
    "   \(.key | . + " " * (20 - length)) \(.value.requests) requests, ok \(.value.outcomes.ok // 0), rate-limited \(.value.outcomes.rate_limited // 0), other \(.value.requests - (.value.outcomes.ok // 0) - (.value.outcomes.rate_limited // 0)); p50 \(.value.p50_ms) ms, p99 \(.value.p99_ms) ms"),
  (.memory | to_entries[] |
    "   RSS \(.key): first \(.value.first_mb | floor) MiB, last \(.value.last_mb | floor) MiB, max \(.value.max_mb | floor) MiB (\(.value.samples_mb | length) samples; flat: \(.value.flat))")' "$WORK/soak.json"
if [ "$rc" -ne 0 ]; then
  jq -c .unexpected "$WORK/soak.json"
  fail "the soak failed: $(tail -n 3 "$WORK/load.err")"
fi
echo "PASS: soak of $DURATION at $total clients${OUT:+; figures in $OUT}"
