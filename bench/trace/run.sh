#!/bin/sh
# The trace lookup benchmark (bench/README.md, "Trace lookup"): build the
# programs, make a database of NLOTS lots with `shanhai init` + mkdb, serve it,
# and measure GET /t/{code} for random lot codes over loopback with traceload
# (one closed-loop keep-alive connection per -c, single connection first).
#
#   sh bench/trace/run.sh                      # 1,000,000 lots
#   BUILD=build-trace NLOTS=100000 REQUESTS=20000 sh bench/trace/run.sh
#
# Environment: BUILD (build folder, default build), NLOTS, REQUESTS, CONNS
# (concurrencies to try, default "1 4"), PORT (default 18480), WORK (where the
# database goes, default /tmp/shanhai-bench-trace), KEEP=1 to keep it, REUSE=1
# to serve a kept one again instead of building it.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
NLOTS=${NLOTS:-1000000}
REQUESTS=${REQUESTS:-50000}
CONNS=${CONNS:-"1 4"}
PORT=${PORT:-18480}
WORK=${WORK:-/tmp/shanhai-bench-trace}
OUT=$BUILD/bench/trace
BIN=$BUILD/rel/shanhai
PKGS="libmicrohttpd jansson sqlite3 libsodium xlsxwriter libqrencode libzip expat libpq"

make -s BUILD="$BUILD" bin
mkdir -p "$OUT" "$WORK"
cc -std=c17 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -Ibench/trace bench/trace/mkdb.c \
  "$BUILD/rel/libshanhai.a" $(pkg-config --libs $PKGS) -lm -lpthread -o "$OUT/mkdb"
cc -std=c17 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Ibench/trace bench/trace/traceload.c \
  -lpthread -o "$OUT/traceload"

DB=$WORK/trace.db
if [ -n "${REUSE:-}" ] && [ -f "$DB" ]; then
  echo "trace bench: reusing $DB (made with NLOTS=$NLOTS, one hopes)"
else
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$BIN" --db "$DB" init >/dev/null
  start=$(date +%s.%N)
  "$OUT/mkdb" "$DB" "$NLOTS"
  end=$(date +%s.%N)
  echo "trace bench: built $NLOTS lots in $(awk "BEGIN{printf \"%.1f\", $end - $start}") s, database $(du -h "$DB" | cut -f1)"
fi

# NICE=-10 runs server and load generator ahead of other work on a shared
# machine (needs root); the README says when it was used.
PRIO=""
[ -z "${NICE:-}" ] || PRIO="nice -n $NICE"
$PRIO "$BIN" --db "$DB" serve --port "$PORT" >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -f "$DB" "$DB-wal" "$DB-shm"' EXIT
i=0
until grep -q "http://" "$WORK/serve.out" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "trace bench: server did not start"; cat "$WORK/serve.log"; exit 1; }
  sleep 0.1
done
echo "trace bench: $(uname -srm), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)${NICE:+, nice $NICE}"
for c in $CONNS; do
  $PRIO "$OUT/traceload" -p "$PORT" -c "$c" -n "$REQUESTS" -N "$NLOTS" -w 2000
done
echo "trace bench: baseline, a request that does nothing (GET /api/v1/noop), same server:"
$PRIO "$OUT/traceload" -p "$PORT" -c 1 -n "$REQUESTS" -N "$NLOTS" -w 2000 -P /api/v1/noop
