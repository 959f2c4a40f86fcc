#!/usr/bin/env bash
# bench/import/run.sh: `beian import` of N generated filing rows (CSV with
# the public-query field names) against the anchor, the sqlite3 command
# line's `.import` of the same file into one flat table without indexes,
# in one run on the same machine. With a PostgreSQL DSN (BEIAN_BENCH_POSTGRES,
# else BEIAN_TEST_POSTGRES) it also imports into PostgreSQL and times
# psql's `\copy` of the file into a flat table there.
#
# For each: seconds, rows/s, peak RSS (GNU time's maximum resident set
# size) and, for beian, a second run of the same file (idempotent: it
# writes nothing). Installs sqlite3 and GNU time with apt-get when missing.
#
# Knobs (environment): N=1000000 BATCH=(beian's default) WORK=<temp dir>
# KEEP=1 keeps WORK.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-1000000}
WORK=${WORK:-$(mktemp -d /tmp/import-bench.XXXXXX)}
PG=${BEIAN_BENCH_POSTGRES:-${BEIAN_TEST_POSTGRES:-}}
mkdir -p "$WORK"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT

log() { printf '== %s\n' "$*" >&2; }

need=()
command -v sqlite3 >/dev/null || need+=(sqlite3)
[ -x /usr/bin/time ] || need+=(time)
if [ -n "$PG" ] && ! command -v psql >/dev/null; then need+=(postgresql-client); fi
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]} with apt-get"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

log "building beian and the generator"
(cd "$ROOT" && go build -o "$WORK/beian" ./cmd/beian && go build -o "$WORK/gen" ./bench/import/gen)
log "generating $N rows"
"$WORK/gen" -n "$N" >"$WORK/rows.csv"
BYTES=$(stat -c %s "$WORK/rows.csv")

# measure NAME CMD...: runs CMD under GNU time, prints one result line.
measure() {
	local name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || {
		cat "$WORK/err.txt" >&2
		log "$name failed"
		exit 1
	}
	read -r secs kb <"$WORK/time.txt"
	awk -v n="$name" -v s="$secs" -v kb="$kb" -v rows="$N" \
		'BEGIN { printf "%-28s %8.2f s %10.0f rows/s %7.0f MB RSS\n", n, s, rows / (s > 0 ? s : 0.001), kb / 1024 }'
	echo "$secs" >"$WORK/last.txt"
}

# beian_runs LABEL DSN: a first import into DSN (its time in $BEIAN), then
# the same file again, which must write nothing.
beian_runs() {
	local label=$1 dsn=$2
	log "beian import ($label)"
	"$WORK/beian" provider add --db "$dsn" --code bench --name Bench >/dev/null
	measure "beian import ($label)" "$WORK/beian" import --db "$dsn" --provider bench "${BATCHFLAG[@]}" "$WORK/rows.csv"
	BEIAN=$(cat "$WORK/last.txt")
	grep -q "imported $N rows, refused 0" "$WORK/out.txt" || { cat "$WORK/out.txt" "$WORK/err.txt" >&2; exit 1; }
	measure "beian import again ($label)" "$WORK/beian" import --db "$dsn" --provider bench "${BATCHFLAG[@]}" "$WORK/rows.csv"
	grep -q "written 0 entities, 0 websites, 0 domains, 0 accesses, 0 gate feed entries" "$WORK/out.txt" || {
		log "the second run wrote rows:"
		cat "$WORK/out.txt" >&2
		exit 1
	}
}

FLAT="CREATE TABLE filings (unitName TEXT, natureName TEXT, mainLicence TEXT, serviceLicence TEXT, serviceName TEXT,
	domain TEXT, homeUrl TEXT, contentTypeName TEXT, limitAccess TEXT, updateRecordTime TEXT);"
BATCHFLAG=()
[ -n "${BATCH:-}" ] && BATCHFLAG=(--batch "$BATCH")

echo "bench/import: $N rows, $((BYTES / 1048576)) MB CSV, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
log "sqlite3 .import"
measure "sqlite3 .import (flat)" sqlite3 "$WORK/flat.db" "$FLAT" ".import --csv --skip 1 $WORK/rows.csv filings"
ANCHOR=$(cat "$WORK/last.txt")
got=$(sqlite3 "$WORK/flat.db" "SELECT COUNT(*) FROM filings")
[ "$got" = "$N" ] || { log "sqlite3 imported $got rows, not $N"; exit 1; }

beian_runs SQLite "$WORK/beian.db"
awk -v a="$ANCHOR" -v b="$BEIAN" 'BEGIN { printf "SQLite: beian / sqlite3 .import row rate = %.2fx (target >= 0.5x)\n", a / b }'

if [ -n "$PG" ]; then
	SCHEMA=import_bench_$$
	sep='?'
	case "$PG" in *\?*) sep='&' ;; esac
	DSN="$PG${sep}search_path=$SCHEMA"
	psql -q "$PG" -c "CREATE SCHEMA $SCHEMA" >/dev/null
	trap 'psql -q "$PG" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1; [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"' EXIT
	log "psql \\copy"
	psql -q "$PG" -c "SET search_path = $SCHEMA; $FLAT" >/dev/null
	measure "psql copy (flat)" psql -q "$PG" -c "SET search_path = $SCHEMA" -c "\\copy filings FROM '$WORK/rows.csv' WITH (FORMAT csv, HEADER true)"
	ANCHOR=$(cat "$WORK/last.txt")
	beian_runs PostgreSQL "$DSN"
	awk -v a="$ANCHOR" -v b="$BEIAN" 'BEGIN { printf "PostgreSQL: beian / psql copy row rate = %.2fx\n", a / b }'
fi
