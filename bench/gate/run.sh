#!/usr/bin/env bash
# bench/gate/run.sh: the edge gate against an nginx `map { hostnames; … }`
# with the same 1,000,000 filed domains and the same request mix (1/3 filed
# apexes, 1/3 subdomains of filed domains, 1/3 unfiled hosts), one nginx
# worker against the gate at GOMAXPROCS=1, driven by wrk on loopback.
#
# Prints, for both: throughput, p99 latency, resident memory (PSS from
# /proc/PID/smaps_rollup; master + worker for nginx) and load time (process
# start until the port answers). Installs nginx and wrk with apt-get when
# missing. Loopback only; bounded: ROUNDS x DURATION per server plus start-up.
#
# Knobs (environment): N=1000000 REQUESTS=300000 ROUNDS=3 DURATION=20s
# CONNS=64 WARMUP=3s NGINX_PORT=18081 GATE_PORT=18082 WORK=<temp dir>
# SERVER_CPU=1 CLIENT_CPU=0 (taskset pinning when there are two CPUs or more),
# NICE=-15 (priority of servers and client when run as root; 0 leaves it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-1000000}
REQUESTS=${REQUESTS:-300000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CONNS=${CONNS:-64}
NGINX_PORT=${NGINX_PORT:-18081}
GATE_PORT=${GATE_PORT:-18082}
WORK=${WORK:-$(mktemp -d /tmp/gate-bench.XXXXXX)}
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
command -v go >/dev/null || { echo "run.sh: Go is needed to build the gate" >&2; exit 1; }

PIN_SERVER="" PIN_CLIENT=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	PIN_SERVER="taskset -c ${SERVER_CPU:-1}"
	PIN_CLIENT="taskset -c ${CLIENT_CPU:-0}"
fi
# As root, both servers and wrk run at a raised priority (the same for all),
# so that other work on a shared machine disturbs the figures less.
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
log "building beian and generating $N domains, $REQUESTS requests in $WORK"
(cd "$ROOT" && go build -o "$WORK/beian" ./cmd/beian && go run ./bench/gate/gen -n "$N" -requests "$REQUESTS" -out "$WORK")
"$WORK/beian" gate export --hosts "$WORK/hosts.tsv" --format nginx-map >"$WORK/icp.map"
MAPSIZE=$(grep -o 'map_hash_max_size [0-9]*' "$WORK/icp.map" | head -1 | cut -d' ' -f2)

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

# pss PID...: sum of their proportional set sizes in MB.
pss() {
	local kb=0 p v
	for p in "$@"; do
		v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
		kb=$((kb + v))
	done
	awk -v kb="$kb" 'BEGIN {printf "%.1f", kb/1024}'
}

# --- start the gate ------------------------------------------------------
log "starting the gate (GOMAXPROCS=1)"
t0=$(now_ns)
GOMAXPROCS=1 $PIN_SERVER "$WORK/beian" gate --listen "127.0.0.1:$GATE_PORT" --hosts "$WORK/hosts.tsv" \
	--log-format json 2>"$WORK/gate.log" &
GATE_PID=$!
PIDS+=("$GATE_PID")
wait_port "$GATE_PORT" "$GATE_PID"
GATE_LOAD=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN {printf "%.2f", (b-a)/1e9}')

# The nginx block page is the gate's own, with $host where the host goes.
curl -s -H "Host: hostmarker-xyz.invalid" "http://127.0.0.1:$GATE_PORT/" >"$WORK/block.html"
sed -e 's/[\\'"'"']/\\&/g' -e 's/hostmarker-xyz\.invalid/$host/g' "$WORK/block.html" >"$WORK/block.nginx"
sed -e "s|@WORK@|$WORK|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@MAPSIZE@|$MAPSIZE|g" "$ROOT/bench/gate/nginx.conf.in" |
	awk -v blockfile="$WORK/block.nginx" 'BEGIN {while ((getline l < blockfile) > 0) {b = b sep l; sep = "\n"}}
		{i = index($0, "@BLOCK@"); if (i) print substr($0, 1, i - 1) b substr($0, i + 7); else print}' >"$WORK/nginx.conf"

# --- start nginx ---------------------------------------------------------
log "starting nginx (one worker)"
"$NGINX" -t -q -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" 2>/dev/null || "$NGINX" -t -c "$WORK/nginx.conf"
t0=$(now_ns)
$PIN_SERVER "$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_port "$NGINX_PORT" "$NGINX_PID"
NGINX_LOAD=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN {printf "%.2f", (b-a)/1e9}')
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)

# --- same answers? -------------------------------------------------------
log "checking that both give the same answers on 300 hosts of the mix"
mismatch=0
allowed=0
while read -r host; do
	a=$(curl -s -o /dev/null -D - -H "Host: $host" "http://127.0.0.1:$GATE_PORT/" | tr -d '\r' | awk 'NR==1 {s=$2} tolower($1)=="x-icp-number:" {n=$2} END {print s, n}')
	b=$(curl -s -o /dev/null -D - -H "Host: $host" "http://127.0.0.1:$NGINX_PORT/" | tr -d '\r' | awk 'NR==1 {s=$2} tolower($1)=="x-icp-number:" {n=$2} END {print s, n}')
	[ "$a" = "$b" ] || { mismatch=$((mismatch + 1)); echo "  differ on $host: gate '$a', nginx '$b'" >&2; }
	case "$a" in 204*) allowed=$((allowed + 1)) ;; esac
done < <(head -300 "$WORK/requests.txt")
log "answers: $mismatch differences, $allowed of 300 allowed"
[ "$mismatch" -eq 0 ] || { echo "run.sh: the two servers disagree" >&2; exit 1; }

# --- load ----------------------------------------------------------------
# cpu_ticks PID...: user+system clock ticks used so far by those processes.
cpu_ticks() {
	local t=0 p
	for p in "$@"; do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$t"
}
TICK=$(getconf CLK_TCK)

# run_wrk PORT DURATION PID...: prints "req/s p99_ms cpu_us_per_request";
# the last is the servers' CPU time per request, which stays comparable when
# other work shares the machine.
run_wrk() {
	local port=$1 dur=$2
	shift 2
	local c0 c1
	c0=$(cpu_ticks "$@")
	GATE_BENCH_REQUESTS="$WORK/requests.txt" $PIN_CLIENT wrk -t1 -c"$CONNS" -d"$dur" --latency \
		-s "$ROOT/bench/gate/hosts.lua" "http://127.0.0.1:$port/" >"$WORK/wrk.out" 2>&1
	c1=$(cpu_ticks "$@")
	local rps p99 total
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.out")
	total=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
	p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}' "$WORK/wrk.out")
	if grep -q 'Socket errors' "$WORK/wrk.out"; then grep 'Socket errors' "$WORK/wrk.out" >&2; fi
	awk -v r="$rps" -v p="$p99" -v t="$total" -v d="$((c1 - c0))" -v hz="$TICK" 'BEGIN {printf "%s %s %.2f\n", r, p, d / hz * 1e6 / t}'
}

log "warming up both ($WARMUP each)"
run_wrk "$NGINX_PORT" "$WARMUP" "$NGINX_PID" "$NGINX_WORKER" >/dev/null
run_wrk "$GATE_PORT" "$WARMUP" "$GATE_PID" >/dev/null

declare -a NG_RPS NG_P99 NG_CPU GT_RPS GT_P99 GT_CPU
for r in $(seq 1 "$ROUNDS"); do
	log "round $r/$ROUNDS: nginx $DURATION"
	read -r rps p99 cpu < <(run_wrk "$NGINX_PORT" "$DURATION" "$NGINX_PID" "$NGINX_WORKER")
	NG_RPS+=("$rps"); NG_P99+=("$p99"); NG_CPU+=("$cpu")
	log "round $r/$ROUNDS: gate $DURATION"
	read -r rps p99 cpu < <(run_wrk "$GATE_PORT" "$DURATION" "$GATE_PID")
	GT_RPS+=("$rps"); GT_P99+=("$p99"); GT_CPU+=("$cpu")
done
NGINX_PSS=$(pss "$NGINX_PID" "$NGINX_WORKER")
GATE_PSS=$(pss "$GATE_PID")
# How many requests the gate decided per batched lookup (one wake-up's):
# the batch size at which BenchmarkLookupBatch reflects this load.
BATCH=$(curl -s "http://127.0.0.1:$GATE_PORT/metrics" | awk '/^beian_gate_decision_batch_size_sum/ {s=$2} /^beian_gate_decision_batch_size_count/ {c=$2} END {if (c > 0) printf "%.1f", s / c; else print "n/a"}')

# median of the rounds (the upper one of the middle two for an even count)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int(NR/2)+1]}'; }
ng_rps=$(median "${NG_RPS[@]}"); gt_rps=$(median "${GT_RPS[@]}")
ng_p99=$(median "${NG_P99[@]}"); gt_p99=$(median "${GT_P99[@]}")
ng_cpu=$(median "${NG_CPU[@]}"); gt_cpu=$(median "${GT_CPU[@]}")

echo
echo "gate vs nginx: $N domains, $REQUESTS-host mix, $CONNS connections, $ROUNDS x $DURATION each, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rounds req/s:      nginx ${NG_RPS[*]} | gate ${GT_RPS[*]}"
echo "rounds p99 ms:     nginx ${NG_P99[*]} | gate ${GT_P99[*]}"
echo "rounds CPU us/req: nginx ${NG_CPU[*]} | gate ${GT_CPU[*]}"
echo "gate requests decided per batch (mean over warm-up and rounds): $BATCH"
printf '%-12s %12s %9s %12s %9s %8s\n' "" "req/s (med)" "p99 ms" "CPU us/req" "PSS MB" "load s"
printf '%-12s %12s %9s %12s %9s %8s\n' "nginx" "$ng_rps" "$ng_p99" "$ng_cpu" "$NGINX_PSS" "$NGINX_LOAD"
printf '%-12s %12s %9s %12s %9s %8s\n' "beian gate" "$gt_rps" "$gt_p99" "$gt_cpu" "$GATE_PSS" "$GATE_LOAD"
awk -v a="$gt_rps" -v b="$ng_rps" -v c="$gt_p99" -v d="$ng_p99" -v x="$gt_cpu" -v y="$ng_cpu" -v e="$GATE_PSS" -v f="$NGINX_PSS" -v g="$GATE_LOAD" -v h="$NGINX_LOAD" \
	'BEGIN {printf "%-12s %11.2fx %8.2fx %11.2fx %8.2fx %7.2fx\n", "gate/nginx", a/b, c/d, x/y, e/f, g/h}'
