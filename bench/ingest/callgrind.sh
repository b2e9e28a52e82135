#!/bin/sh
# Instruction counts of the single-order path (bench/README.md, "Order
# ingestion"): the number that does not depend on the neighbours on a shared
# machine. Serves the order test world (as run.sh builds it, SQLite) under
# valgrind --tool=callgrind with one output per thread, counts N POST
# /api/v1/noop and then N POST /api/v1/orders (16 keep-alive clients,
# loadgen.c), and prints the instructions per request of the writer thread
# (the group-commit writer, which every write goes through) and of all the
# server's threads together, and the writer's group-commit count logged at
# shutdown (no-op warm-up, no-ops and orders together). Slow (valgrind): N=1000 takes a minute or two.
#
#   sh bench/ingest/callgrind.sh [BUILD_DIR] [N]
set -eu
BUILD=${1:-build/rel}
N=${2:-1000}
BIN=$PWD/$BUILD/shanhai
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d /tmp/shanhai-callgrind.XXXXXX)
SRV=
cleanup() {
  [ -z "$SRV" ] || kill "$SRV" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
cc -O2 -D_GNU_SOURCE -o "$TMP/loadgen" "$HERE/loadgen.c" -lpthread
DB=$TMP/world.db
. "$HERE/world.sh"
bench_world "$BIN" "$DB" "$ROOT"
bench_check "$BIN" "$DB" || exit 1
valgrind --tool=callgrind --separate-threads=yes --instr-atstart=no \
  --callgrind-out-file="$TMP/cg.out" "$BIN" --db "$DB" serve --port 0 > "$TMP/serve.out" 2> "$TMP/serve.log" &
SRV=$!
for _ in $(seq 600); do grep -q 'http://127.0.0.1:' "$TMP/serve.out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/serve.out" | head -1)
BASE=http://127.0.0.1:$PORT
TOKEN=$(bench_token "$BASE" "$TMP")
printf '%s' '{"channel":"LIVE1","order_no":"S-{n}","customer":{"name":"王小明","phone":"13812345678","address":"浙江省宁波市鄞州区钱湖路 1 号","division_code":"330212"},"lines":[{"sku":"YY-APL-80-5","units":1,"unit_price_fen":5990}]}' > "$TMP/order.json"
printf '{}' > "$TMP/empty.json"
"$TMP/loadgen" -p "$PORT" -c 16 -n 200 -t 60 /api/v1/noop > /dev/null # warm-up, not counted
callgrind_control -i on "$SRV" > /dev/null
"$TMP/loadgen" -p "$PORT" -c 16 -n "$N" -t 600 -m POST -b "$TMP/empty.json" /api/v1/noop > /dev/null
callgrind_control -d "$SRV" > /dev/null # part 1: the no-ops; counters start again at zero
"$TMP/loadgen" -p "$PORT" -c 16 -n "$N" -t 600 -m POST -a "$TOKEN" -b "$TMP/order.json" -e 201 /api/v1/orders > /dev/null
kill "$SRV"
wait "$SRV" 2>/dev/null || true
SRV=
grep 'writer:' "$TMP/serve.log" || true # group commits: writes in how many batches
# per part: the thread that ran writer_main (the busiest file naming it), and
# the sum of all threads
report() { # LABEL FILES...
  label=$1
  shift
  awk -v n="$N" -v label="$label" '
    /^summary:/ { ir[FILENAME] = $2 }
    /writer_main/ { w[FILENAME] = 1 }
    END { for (f in ir) { all += ir[f]; if (w[f] && ir[f] > wr) wr = ir[f] }
          printf "%-22s writer_Ir_per_request=%.0f all_threads_Ir_per_request=%.0f\n", label, wr / n, all / n }' "$@"
}
report "POST /api/v1/noop" "$TMP"/cg.out.1-*
report "POST /api/v1/orders" $(ls "$TMP"/cg.out-* | grep -v '\.1-')
