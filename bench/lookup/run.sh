#!/usr/bin/env bash
# bench/lookup/run.sh: the public lookup (GET /api/v1/filings) holding N
# filings against nginx answering a static 204 on the same machine (the
# ceiling of an HTTP server here), with the same requests from wrk on
# loopback: one nginx worker against the lookup at GOMAXPROCS=1.
#
# The request mix (server/seed.go writeQueries): 30% domain lookups of a
# filed apex, 30% of a subdomain of one, 20% service numbers, 10% entity
# numbers, 10% unfiled domains, spread over the whole registry so that the
# answer cache does not hold them. Prints req/s and p99 of both, their
# ratio, the lookup's PSS, and its start-up: until the port answers (the
# database answers then) and until the in-memory index holds the registry.
#
# Knobs (environment): N=1000000 COUNT=200000 ROUNDS=3 DURATION=15s CONNS=64
# WARMUP=3s NGINX_PORT=18091 LOOKUP_PORT=18092 WORK=<temp dir>
# DB=<SQLite file or postgres:// URL; seeded up to N filings, reused if kept>
# DBPATH_TOO=1 also measures the lookup without its index (database + cache).
# SERVER_CPU=1 CLIENT_CPU=0 (taskset pinning with two CPUs or more),
# NICE=-15 (priority of servers and client when run as root; 0 leaves it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-1000000}
COUNT=${COUNT:-200000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
CONNS=${CONNS:-64}
NGINX_PORT=${NGINX_PORT:-18091}
LOOKUP_PORT=${LOOKUP_PORT:-18092}
WORK=${WORK:-$(mktemp -d /tmp/lookup-bench.XXXXXX)}
DB=${DB:-$WORK/lookup.db}
mkdir -p "$WORK/tmp"

log() { printf '== %s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------
NGINX=$(command -v nginx || true)
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
if [ -z "$NGINX" ] || ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
	log "installing nginx and wrk with apt-get"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq
	# A policy-rc.d keeps the package from starting a system nginx on port
	# 80 (only when the system has none of its own).
	OWN_POLICY=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
		$SUDO chmod +x /usr/sbin/policy-rc.d
		OWN_POLICY=1
	fi
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx wrk curl >/dev/null
	[ -n "$OWN_POLICY" ] && $SUDO rm -f /usr/sbin/policy-rc.d
	NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
command -v go >/dev/null || { echo "run.sh: Go is needed to build the lookup server" >&2; exit 1; }

PIN_SERVER="" PIN_CLIENT=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	PIN_SERVER="taskset -c ${SERVER_CPU:-1}"
	PIN_CLIENT="taskset -c ${CLIENT_CPU:-0}"
fi
if [ "$(id -u)" -eq 0 ] && [ "${NICE:--15}" != 0 ]; then
	PIN_SERVER="nice -n ${NICE:--15} $PIN_SERVER"
	PIN_CLIENT="nice -n ${NICE:--15} $PIN_CLIENT"
fi

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

# --- data ----------------------------------------------------------------
log "building the lookup server; seeding $DB up to $N filings; writing $COUNT queries"
(cd "$ROOT" && go build -o "$WORK/server" ./bench/lookup/server)
t0=$(date +%s)
"$WORK/server" -db "$DB" -seed "$N"
log "seeded in $(( $(date +%s) - t0 )) s"
"$WORK/server" -queries "$WORK/queries.txt" -n "$N" -count "$COUNT"

now_ns() { date +%s%N; }

# wait_port PORT PID: wait until the port answers (at most 120 s).
wait_port() {
	for _ in $(seq 1 6000); do
		if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null; then return 0; fi
		kill -0 "$2" 2>/dev/null || { echo "run.sh: server $2 died" >&2; return 1; }
		sleep 0.02
	done
	echo "run.sh: port $1 did not open" >&2
	return 1
}

# wait_log FILE TEXT PID: wait until the server logged TEXT (at most 300 s).
wait_log() {
	for _ in $(seq 1 3000); do
		grep -q "$2" "$1" && return 0
		kill -0 "$3" 2>/dev/null || { echo "run.sh: server $3 died: $(cat "$1")" >&2; return 1; }
		sleep 0.1
	done
	echo "run.sh: no '$2' in $1" >&2
	return 1
}

pss() {
	local kb=0 p v
	for p in "$@"; do
		v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
		kb=$((kb + v))
	done
	awk -v kb="$kb" 'BEGIN {printf "%.1f", kb/1024}'
}

cpu_ticks() {
	local t=0 p
	for p in "$@"; do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$t"
}
TICK=$(getconf CLK_TCK)

# run_wrk PORT DURATION PID...: prints "req/s p99_ms cpu_us_per_request non2xx".
run_wrk() {
	local port=$1 dur=$2
	shift 2
	local c0 c1
	c0=$(cpu_ticks "$@")
	LOOKUP_BENCH_QUERIES="$WORK/queries.txt" $PIN_CLIENT wrk -t1 -c"$CONNS" -d"$dur" --latency \
		-s "$ROOT/bench/lookup/queries.lua" "http://127.0.0.1:$port/" >"$WORK/wrk.out" 2>&1
	c1=$(cpu_ticks "$@")
	local rps p99 total bad
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.out")
	total=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
	bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/wrk.out")
	p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}' "$WORK/wrk.out")
	if grep -q 'Socket errors' "$WORK/wrk.out"; then grep 'Socket errors' "$WORK/wrk.out" >&2; fi
	awk -v r="$rps" -v p="$p99" -v t="$total" -v d="$((c1 - c0))" -v hz="$TICK" -v b="${bad:-0}" 'BEGIN {printf "%s %s %.2f %s\n", r, p, d / hz * 1e6 / t, b}'
}

# start_lookup NAME FLAGS...: starts the server, sets LOOKUP_PID, LISTEN_S,
# FIRST_S (process start to the first correct answer to a filed query of
# the mix, measured here) and READY_S.
start_lookup() {
	local name=$1
	shift
	local t0 q
	t0=$(now_ns)
	GOMAXPROCS=1 $PIN_SERVER "$WORK/server" -db "$DB" -addr "127.0.0.1:$LOOKUP_PORT" "$@" 2>"$WORK/$name.log" &
	LOOKUP_PID=$!
	PIDS+=("$LOOKUP_PID")
	q=$(grep -m1 -v '^domain=unfiled' "$WORK/queries.txt")
	until curl -s --max-time 5 "http://127.0.0.1:$LOOKUP_PORT/api/v1/filings?$q" 2>/dev/null | grep -q '"serviceLicence":"'; do
		kill -0 "$LOOKUP_PID" 2>/dev/null || { echo "run.sh: server died: $(cat "$WORK/$name.log")" >&2; return 1; }
		sleep 0.005
	done
	FIRST_S=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN {printf "%.2f", (b - a) / 1e9}')
	wait_log "$WORK/$name.log" "listening after" "$LOOKUP_PID"
	LISTEN_S=$(awk '/listening after/ {print $3}' "$WORK/$name.log")
	READY_S=n/a
	if [[ " $* " != *" -memory=false "* ]]; then
		wait_log "$WORK/$name.log" "index ready after" "$LOOKUP_PID"
		READY_S=$(awk '/index ready after/ {print $4}' "$WORK/$name.log")
	fi
}

# --- start both ----------------------------------------------------------
sed -e "s|@WORK@|$WORK|g" -e "s|@PORT@|$NGINX_PORT|g" "$ROOT/bench/lookup/nginx.conf.in" >"$WORK/nginx.conf"
"$NGINX" -t -q -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" 2>/dev/null || "$NGINX" -t -c "$WORK/nginx.conf"
log "starting nginx (one worker)"
$PIN_SERVER "$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_port "$NGINX_PORT" "$NGINX_PID"
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)

log "starting the lookup (GOMAXPROCS=1); its index is built from the database"
rm -f "$WORK/lookup.snapshot"
start_lookup lookup -snapshot "$WORK/lookup.snapshot"
log "listening after $LISTEN_S s, first correct answer after $FIRST_S s, index ready after $READY_S s"

# --- right answers? ------------------------------------------------------
log "checking the lookup's answers on 300 queries of the mix"
found=0 wrong=0
while read -r q; do
	body=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$LOOKUP_PORT/api/v1/filings?$q")
	code=${body##* }
	case "$q" in
	domain=unfiled*) [[ "$code" = 200 && "$body" == '{"items":[]}'* ]] || wrong=$((wrong + 1)) ;;
	*) [[ "$code" = 200 && "$body" == *'"serviceLicence":"'* ]] && found=$((found + 1)) || { wrong=$((wrong + 1)); echo "  $q: $body" >&2; } ;;
	esac
done < <(head -300 "$WORK/queries.txt")
log "answers: $found filed queries found, $wrong wrong"
[ "$wrong" -eq 0 ] || { echo "run.sh: the lookup gave wrong answers" >&2; exit 1; }

# --- load ----------------------------------------------------------------
log "warming up both ($WARMUP each)"
run_wrk "$NGINX_PORT" "$WARMUP" "$NGINX_PID" "$NGINX_WORKER" >/dev/null
run_wrk "$LOOKUP_PORT" "$WARMUP" "$LOOKUP_PID" >/dev/null

declare -a NG_RPS NG_P99 NG_CPU LK_RPS LK_P99 LK_CPU
for r in $(seq 1 "$ROUNDS"); do
	log "round $r/$ROUNDS: nginx $DURATION"
	read -r rps p99 cpu _ < <(run_wrk "$NGINX_PORT" "$DURATION" "$NGINX_PID" "$NGINX_WORKER")
	NG_RPS+=("$rps"); NG_P99+=("$p99"); NG_CPU+=("$cpu")
	log "round $r/$ROUNDS: lookup $DURATION"
	read -r rps p99 cpu bad < <(run_wrk "$LOOKUP_PORT" "$DURATION" "$LOOKUP_PID")
	[ "$bad" = 0 ] || { echo "run.sh: $bad lookup answers were not 2xx" >&2; exit 1; }
	LK_RPS+=("$rps"); LK_P99+=("$p99"); LK_CPU+=("$cpu")
done
NGINX_PSS=$(pss "$NGINX_PID" "$NGINX_WORKER")
LOOKUP_PSS=$(pss "$LOOKUP_PID")
LOOKUP_LISTEN=$LISTEN_S LOOKUP_FIRST=$FIRST_S LOOKUP_READY=$READY_S
HITS=$(grep -c . "$WORK/queries.txt")

# --- restart on the unchanged registry: the index comes from its file ----
kill "$LOOKUP_PID"; wait "$LOOKUP_PID" 2>/dev/null || true
log "restarting the lookup on the unchanged registry (index read from its snapshot file)"
start_lookup lookup-restart -snapshot "$WORK/lookup.snapshot"
grep -q "index loaded" "$WORK/lookup-restart.log" || { echo "run.sh: the restart did not load the snapshot: $(cat "$WORK/lookup-restart.log")" >&2; exit 1; }
RESTART_LISTEN=$LISTEN_S RESTART_FIRST=$FIRST_S RESTART_READY=$READY_S

DB_ROW=""
if [ "${DBPATH_TOO:-0}" = 1 ]; then
	kill "$LOOKUP_PID"; wait "$LOOKUP_PID" 2>/dev/null || true
	log "the lookup without its index (database and answer cache)"
	start_lookup lookup-db -memory=false
	run_wrk "$LOOKUP_PORT" "$WARMUP" "$LOOKUP_PID" >/dev/null
	read -r rps p99 cpu _ < <(run_wrk "$LOOKUP_PORT" "$DURATION" "$LOOKUP_PID")
	DB_ROW=$(printf '%-16s %12s %9s %12s %9s\n' "lookup, no index" "$rps" "$p99" "$cpu" "$(pss "$LOOKUP_PID")")
fi

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int(NR/2)+1]}'; }
ng_rps=$(median "${NG_RPS[@]}"); lk_rps=$(median "${LK_RPS[@]}")
ng_p99=$(median "${NG_P99[@]}"); lk_p99=$(median "${LK_P99[@]}")
ng_cpu=$(median "${NG_CPU[@]}"); lk_cpu=$(median "${LK_CPU[@]}")

echo
echo "lookup vs nginx static 204: $N filings ($DB), $HITS-query mix, $CONNS connections, $ROUNDS x $DURATION each, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "rounds req/s:      nginx ${NG_RPS[*]} | lookup ${LK_RPS[*]}"
echo "rounds p99 ms:     nginx ${NG_P99[*]} | lookup ${LK_P99[*]}"
echo "lookup start-up (from process start): port open after $LOOKUP_LISTEN s, first correct answer after $LOOKUP_FIRST s (the database answers), in-memory index ready after $LOOKUP_READY s (built from the database)"
echo "lookup restart (unchanged registry): port open after $RESTART_LISTEN s, first correct answer after $RESTART_FIRST s, in-memory index ready after $RESTART_READY s (read from its snapshot file, $(du -m "$WORK/lookup.snapshot" | cut -f1) MB)"
printf '%-16s %12s %9s %12s %9s\n' "" "req/s (med)" "p99 ms" "CPU us/req" "PSS MB"
printf '%-16s %12s %9s %12s %9s\n' "nginx 204" "$ng_rps" "$ng_p99" "$ng_cpu" "$NGINX_PSS"
printf '%-16s %12s %9s %12s %9s\n' "beian lookup" "$lk_rps" "$lk_p99" "$lk_cpu" "$LOOKUP_PSS"
[ -n "$DB_ROW" ] && echo "$DB_ROW"
awk -v a="$lk_rps" -v b="$ng_rps" -v c="$lk_p99" -v d="$ng_p99" -v x="$lk_cpu" -v y="$ng_cpu" \
	'BEGIN {printf "%-16s %11.2fx %8.2fx %11.2fx\n", "lookup/nginx", a/b, c/d, x/y}'
