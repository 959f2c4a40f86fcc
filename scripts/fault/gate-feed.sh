#!/usr/bin/env bash
# Fault: the gate's feed cut and restored (issue 15, item 4).
#
# `beian gate --feed` follows `beian serve` (the demo platform on SQLite, or
# $DB): it loads the snapshot, then polls /api/v1/gate/changes. The script
#   1. checks the gate's first answers against the demo's filings;
#   2. cuts the feed by kill -9 of serve (connections refused) and keeps
#      asking the gate for CUT_SECONDS: every answer must stay what the last
#      snapshot said, while the gate counts failed polls;
#   3. restarts serve on the same address and database, approves the demo's
#      application in authority review (demo-info.com.cn, pending until now)
#      and waits for the gate to allow that host with its new number;
#   4. freezes serve (SIGSTOP: the gate's poll hangs on a live connection
#      rather than failing), checks the gate still answers, thaws it and
#      checks that the gate polls again.
# It exits non-zero, saying which check failed, on any failure; it prints the
# figures (answers during the cut, failed polls, time to pick up the change).
#
# Needs curl and jq. BEIAN=path/to/beian skips the build; KEEP=1 keeps the
# work directory; DB=postgres://… runs the platform on PostgreSQL (a fresh
# database: the demo is seeded into it).
set -euo pipefail
cd "$(dirname "$0")/../.."

CUT_SECONDS=${CUT_SECONDS:-4}
POLL=${POLL:-200ms}
start_time=$(date +%s.%N)
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "gate-feed: $tool is required" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/beian-gate-feed.XXXXXX")
serve_pid="" gate_pid=""
cleanup() {
  local rc=$?
  for pid in $gate_pid $serve_pid; do
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ]; then
    echo "--- serve log (tail)"; tail -n 20 "$WORK/serve.err" 2>/dev/null || true
    echo "--- gate log (tail)"; tail -n 20 "$WORK/gate.err" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

# wait_for FILE REGEX SECONDS: until a line of FILE matches; prints the match.
wait_for() {
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if grep -m1 -oE "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}

if [ -z "${BEIAN:-}" ]; then
  BEIAN="$WORK/beian"
  go build -o "$BEIAN" ./cmd/beian
fi
DB=${DB:-$WORK/beian.db}

# serve [--demo]: starts the platform on $serve_addr (any free port the first time).
serve_addr=127.0.0.1:0
start_serve() {
  : >"$WORK/serve.out"
  "$BEIAN" serve --addr "$serve_addr" --db "$DB" --data-dir "$WORK/data" "$@" >"$WORK/serve.out" 2>>"$WORK/serve.err" &
  serve_pid=$!
  local line
  line=$(wait_for "$WORK/serve.out" 'listening on http://[0-9.:]+' 30) || fail "beian serve did not start"
  serve_addr=${line#listening on http://}
}

json_post() { # URL TOKEN BODY
  curl -sS -f -X POST -H 'Content-Type: application/json' ${2:+-H "Authorization: Bearer $2"} -d "$3" "$1"
}
sign_in() { # ROLE: a bearer token of the demo account
  local pw
  pw=$(awk -v r="$1" '$1 == r { print $3 }' "$WORK/demo-accounts")
  [ -n "$pw" ] || fail "no demo password for $1"
  json_post "http://$serve_addr/api/v1/tokens" "" "{\"email\":\"$1@demo.beian.test\",\"password\":\"$pw\"}" | jq -er .token
}

# ask HOST: "STATUS NUMBER" of the gate's ForwardAuth answer for HOST.
ask() {
  local out
  out=$(curl -sS -o /dev/null -D - -H "Host: $1" --max-time 2 "http://$gate_addr/auth") || { echo "error -"; return; }
  local code number
  code=$(printf '%s\n' "$out" | awk 'NR == 1 { print $2 }')
  number=$(printf '%s\n' "$out" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-icp-number" { print $2 }')
  echo "$code ${number:--}"
}
metric() { # NAME: its value in the gate's /metrics (0 if absent)
  curl -sS --max-time 2 "http://$gate_addr/metrics" | awk -v OFMT='%.6f' -v n="$1" '$1 == n { v = $2 } END { print v + 0 }'
}

# The hosts checked and what the demo's snapshot says of them.
declare -A want=(
  [example-tech.cn]="204 京ICP备2026000001号-1"
  [www.example-tech.cn]="204 京ICP备2026000001号-1"
  [longyuan-data.cn]="204 陇ICP备2026000001号-1"
  [demo-info.com.cn]="451 -"
  [sample-net.cn]="451 -"
  [unfiled.example]="451 -"
)
check_all() { # PHASE: every host answers as in want
  local h got
  for h in "${!want[@]}"; do
    got=$(ask "$h")
    [ "$got" = "${want[$h]}" ] || fail "$1: $h answered \"$got\", want \"${want[$h]}\""
  done
}

echo "== platform with demo data ($DB)"
start_serve --demo
grep -E '^  (provider|authority) ' "$WORK/serve.out" | awk '{ print $1, $2, $3 }' >"$WORK/demo-accounts"
[ -s "$WORK/demo-accounts" ] || fail "the demo printed no passwords (not a fresh database?)"
feed_token=$(sign_in provider)

echo "== gate following http://$serve_addr (poll $POLL)"
BEIAN_GATE_TOKEN=$feed_token "$BEIAN" gate --listen 127.0.0.1:0 --feed "http://$serve_addr" --poll "$POLL" 2>"$WORK/gate.err" &
gate_pid=$!
gate_addr=$(wait_for "$WORK/gate.err" 'addr=[0-9.:]+' 30) || fail "the gate did not start"
gate_addr=${gate_addr#addr=}
check_all "before the cut"
version=$(metric beian_gate_set_version)
echo "   answers as the snapshot says (set version $version)"

echo "== feed cut: kill -9 of serve, ${CUT_SECONDS}s"
kill -9 "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
errors_before=$(metric beian_gate_reload_errors_total)
answers=0
cut_start=$SECONDS
while [ $((SECONDS - cut_start)) -lt "$CUT_SECONDS" ]; do
  check_all "while the feed is cut"
  answers=$((answers + ${#want[@]}))
done
failed_polls=$(( $(metric beian_gate_reload_errors_total) - errors_before ))
[ "$failed_polls" -ge 1 ] || fail "no failed poll counted while the feed was cut"
[ "$(curl -sS -o /dev/null -w '%{http_code}' "http://$gate_addr/healthz")" = 200 ] || fail "/healthz not 200 while cut"
grep -q 'feed poll failed; serving the previous allow-list' "$WORK/gate.err" || fail "the failed polls were not logged"
echo "   $answers answers, all from the last snapshot; $failed_polls failed polls counted and logged"

echo "== feed restored: serve restarted on $serve_addr, a change made"
start_serve
authority=$(sign_in authority)
app=$(curl -sS -f -H "Authorization: Bearer $authority" "http://$serve_addr/api/v1/review/applications" |
  jq -er '[.items[] | select(.status == "authority_review")][0].id')
approved=$(date +%s.%N)
json_post "http://$serve_addr/api/v1/applications/$app/authority-review" "$authority" '{"decision":"approve"}' >/dev/null
got=""
deadline=$((SECONDS + 15))
until [[ "$got" == "204 沪ICP备"* ]]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "demo-info.com.cn still answered \"$got\" 15s after its approval"
  sleep 0.05
  got=$(ask demo-info.com.cn)
done
picked=$(elapsed "$approved")
want[demo-info.com.cn]=$got
want[www.demo-info.com.cn]=$got
check_all "after the restore"
echo "   demo-info.com.cn allowed ($got) ${picked}s after the approval; the other hosts unchanged"

echo "== feed frozen: SIGSTOP of serve (a poll hangs), 2s"
kill -STOP "$serve_pid"
frozen=$SECONDS
while [ $((SECONDS - frozen)) -lt 2 ]; do check_all "while the feed hangs"; done
# A poll that answers "no change" moves only the time the source last
# answered, so that is what shows the gate polling again.
last_ok=$(metric beian_gate_source_last_success_timestamp_seconds)
kill -CONT "$serve_pid"
deadline=$((SECONDS + 10))
until [ "$(metric beian_gate_source_last_success_timestamp_seconds)" != "$last_ok" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the gate did not poll again within 10s of the thaw"
  sleep 0.1
done
check_all "after the thaw"
echo "   answered throughout; polling again after the thaw"

echo "PASS: gate feed cut and restored in $(elapsed "$start_time")s"
