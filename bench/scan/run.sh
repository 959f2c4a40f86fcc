#!/usr/bin/env bash
# bench/scan/run.sh: `beian scan` against a shell baseline (`xargs -P 64`
# running curl piped into grep for the ICP number) on the same N distinct
# sites served on loopback, in the same run.
#
# The sites (bench/scan/sites) are N host names s0.bench.test … resolved
# by a local DNS server to 127.0.0.1 and answered by one HTTP server by
# Host header, with a known mix of findings (see sites/main.go): 40 %
# compliant (some gzip, GBK or behind a redirect), 10 % each of
# number_missing, number_wrong, link_missing, link_outdated, not_html and
# unreachable (HTTP 503). Pages are about 32 KiB.
#
# beian scan runs twice: on the list of URLs (the checks that need no
# registry) and with --db on a registry holding the same sites as active
# websites (every check; 250 more sites have psb_missing and 250
# access_mismatch). It resolves through that DNS server (--resolver) and connects to
# loopback (--allow-private); curl is given each name's address with
# --resolve, so it does no DNS at all. Both fetch every site once, with the same
# concurrency, on the same machine as the sites.
#
# Prints, for each round and both: wall time, sites/s, peak RSS (the sum of
# the RSS of every process of the run's session, sampled every 50 ms), the
# largest RSS of one process and CPU time per site (user + system, from GNU
# time, descendants included: the figure a busy machine disturbs least).
# Checks that beian's summary equals the mix the sites were built with.
#
# Knobs (environment): N=10000 ROUNDS=3 CONCURRENCY=64 (both) WORK=<temp dir>
# BEIAN=<path to a built beian> (default: go build ./cmd/beian).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-10000}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-64}
WORK=${WORK:-$(mktemp -d /tmp/scan-bench.XXXXXX)}
mkdir -p "$WORK"

log() { printf '== %s\n' "$*" >&2; }

for tool in curl xargs ps setsid; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "run.sh: GNU time (/usr/bin/time) is needed" >&2; exit 1; }

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

log "building beian and the sites in $WORK"
if [ -z "${BEIAN:-}" ]; then
	(cd "$ROOT" && go build -o "$WORK/beian" ./cmd/beian)
	BEIAN="$WORK/beian"
fi
(cd "$ROOT" && go build -o "$WORK/sites" ./bench/scan/sites)

"$WORK/sites" -n "$N" -out "$WORK" -db "$WORK/registry.db" >"$WORK/sites.out" 2>"$WORK/sites.err" &
PIDS+=($!)
for _ in $(seq 600); do
	[ -s "$WORK/sites.out" ] && break
	sleep 0.1
done
read -r _ DNS _ HTTP <"$WORK/sites.out" || { echo "run.sh: the sites did not start: $(cat "$WORK/sites.err")" >&2; exit 1; }
PORT=${HTTP##*:}
log "$N sites on $HTTP, DNS on $DNS"

# peak_rss SID: the largest sum of RSS (KiB) over the processes of session
# SID, sampled until its leader exits.
peak_rss() {
	local sid=$1 peak=0 cur
	while kill -0 "$sid" 2>/dev/null; do
		cur=$(ps -o rss= -s "$sid" 2>/dev/null | awk '{s += $1} END {print s + 0}')
		[ "$cur" -gt "$peak" ] && peak=$cur
		sleep 0.05
	done
	echo "$peak"
}

now_ns() { date +%s%N; }

# run CMD…: runs CMD in its own session, prints "milliseconds peak_kib".
run() {
	local t0 t1 pid peak
	t0=$(now_ns)
	setsid "$@" &
	pid=$!
	peak=$(peak_rss "$pid")
	wait "$pid" || true
	t1=$(now_ns)
	echo "$(( (t1 - t0) / 1000000 )) $peak"
}

# Each command runs under GNU time, which reports the largest RSS of one
# process and the CPU time of the command and every descendant it waited for.
beian_cmd() {
	/usr/bin/time -f "%M %U %S" -o "$WORK/beian.time" "$BEIAN" scan --resolver "$DNS" --allow-private --concurrency "$CONCURRENCY" \
		--host-interval 0 --progress off - <"$WORK/urls.txt" >"$WORK/beian.jsonl" 2>"$WORK/beian.err"
}
# The same sites as the registry's active websites: every check, the
# registry read page by page.
beian_db_cmd() {
	/usr/bin/time -f "%M %U %S" -o "$WORK/beian-db.time" "$BEIAN" scan --db "$WORK/registry.db" --resolver "$DNS" --allow-private \
		--concurrency "$CONCURRENCY" --host-interval 0 --progress off >"$WORK/beian-db.jsonl" 2>"$WORK/beian-db.err"
}
export -f beian_cmd beian_db_cmd
export WORK BEIAN DNS CONCURRENCY

baseline_cmd() {
	# --resolve HOST:PORT:127.0.0.1 fills curl's DNS cache (the URL is
	# http://HOST:PORT/), so curl resolves nothing; a redirect to www.HOST
	# is not followed (no -L), which only costs grep a number.
	/usr/bin/time -f "%M %U %S" -o "$WORK/baseline.time" xargs -P "$CONCURRENCY" -n 1 sh -c 'h=${1#http://}; h=${h%%/*}; curl -s -m 15 --resolve "$h:127.0.0.1" "$1" | grep -m 1 -o -E "ICP备[0-9]+号(-[0-9]+)?" || echo "MISSING $1"' _ \
		<"$WORK/urls.txt" >"$WORK/baseline.out"
}
export -f baseline_cmd

# row ROUND TOOL MS KIB TIMEFILE: one line of the table.
row() {
	tail -1 "$5" | awk -v r="$1" -v t="$2" -v ms="$3" -v kib="$4" -v n="$N" \
		'{ printf "%-6s %-8s %8.2f %8.0f %12.1f %12.1f %12.0f\n", r, t, ms / 1000, n * 1000 / ms, kib / 1024, $1 / 1024, ($2 + $3) * 1e6 / n }'
}

# check NAME EXPECTED_FILE: beian's summary must be the built mix.
check() {
	if ! grep -qF "$(cat "$2")" "$WORK/$1.err"; then
		echo "run.sh: $1's summary is not the built mix ($(cat "$2")):" >&2
		cat "$WORK/$1.err" >&2
		exit 1
	fi
}

log "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '%-6s %-8s %8s %8s %12s %12s %12s\n' round tool seconds sites/s peak-RSS-MB max-proc-MB CPU-us/site
for r in $(seq "$ROUNDS"); do
	read -r ms kib < <(run bash -c beian_cmd)
	row "$r" beian "$ms" "$kib" "$WORK/beian.time"
	check beian "$WORK/expected.txt"
	read -r ms kib < <(run bash -c beian_db_cmd)
	row "$r" beian-db "$ms" "$kib" "$WORK/beian-db.time"
	check beian-db "$WORK/expected-db.txt"
	read -r ms kib < <(run bash -c baseline_cmd)
	row "$r" shell "$ms" "$kib" "$WORK/baseline.time"
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
log "beian: $(grep -v 'skipped' "$WORK/beian.err" | tail -1)"
log "beian --db: $(tail -1 "$WORK/beian-db.err")"
log "shell: $(grep -vc '^MISSING' "$WORK/baseline.out") sites with a number found by grep, $(grep -c '^MISSING' "$WORK/baseline.out") without (of $N)"
log "outputs in $WORK"
