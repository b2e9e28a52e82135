#!/bin/sh
# The ingestion benchmark (bench/README.md, "Order ingestion"): on one fresh
# database with the order test world (tests/data/orders/world.sql) and a
# practically endless stock, measure
#   1. GET and POST /api/v1/noop (the server's HTTP ceiling, same run),
#   2. POST /api/v1/orders, one order per request (each durable: the server's
#      writer commits with WAL synchronous=FULL, grouping concurrent requests),
#   3. POST /api/v1/orders/bulk (lines per second through the API),
#   4. `shanhai import` of a CSV file (lines per second from the command line),
# with the C keep-alive load generator loadgen.c (closed loop, CONNS
# connections). Not a timed test: it prints figures, it does not judge them.
# Besides wall-clock rates it prints the CPU seconds the server (or the import
# process) used, since on a shared machine the wall clock mostly measures the
# neighbours.
#
#   sh bench/ingest/run.sh [BUILD_DIR] [CONNS] [N_SINGLE] [BULK_ORDERS] [IMPORT_LINES]
#
# STORE=sqlite (default), postgres or both: with postgres the same prepared
# world is copied (`shanhai copy`) into a throwaway PostgreSQL cluster
# (scripts/pg-temp.sh) and the same measurements run against it; with both,
# SQLite first, then PostgreSQL, each on its own fresh copy of the world.
set -eu
BUILD=${1:-build/rel}
CONNS=${2:-16}
N=${3:-20000}
BULK=${4:-20000}
IMPORT=${5:-200000}
BIN=$PWD/$BUILD/shanhai
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STORE=${STORE:-sqlite}
TMP=$(mktemp -d /tmp/shanhai-ingest.XXXXXX)
chmod 755 "$TMP" # a PostgreSQL cluster inside runs as another user
SRV=
PG=
cleanup() {
  [ -z "$SRV" ] || kill "$SRV" 2>/dev/null || true
  [ -z "$PG" ] || sh "$ROOT/scripts/pg-temp.sh" stop "$TMP/pg" || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
PKGS=$(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile")
cc -O2 -D_GNU_SOURCE -o "$TMP/loadgen" "$HERE/loadgen.c" -lpthread

WORLD=$TMP/world.db
DB=$WORLD
. "$HERE/world.sh"
bench_world "$BIN" "$DB" "$ROOT"
bench_check "$BIN" "$DB" || exit 1

# bench_store DB LABEL: serve DB and take every measurement against it
bench_store() {
  DB=$1
  echo "== store: $2"
  "$BIN" --db "$DB" serve --port 0 > "$TMP/serve.out" 2> "$TMP/serve.log" &
  SRV=$!
  for _ in $(seq 100); do grep -q 'http://127.0.0.1:' "$TMP/serve.out" && break; sleep 0.1; done
  PORT=$(sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/serve.out" | head -1)
  BASE=http://127.0.0.1:$PORT
  J='Content-Type: application/json'
  TOKEN=$(bench_token "$BASE" "$TMP")
  
  TCK=$(getconf CLK_TCK)
  srv_cpu() { awk -v t="$TCK" '{printf "%.2f", ($14 + $15) / t}' /proc/$SRV/stat; }
  load() { cut -d' ' -f1 /proc/loadavg; }
  ORDER='{"channel":"LIVE1","order_no":"S-{n}","customer":{"name":"王小明","phone":"13812345678","address":"浙江省宁波市鄞州区钱湖路 1 号","division_code":"330212"},"lines":[{"sku":"YY-APL-80-5","units":1,"unit_price_fen":5990}]}'
  printf '%s' "$ORDER" > "$TMP/order.json"
  printf '{}' > "$TMP/empty.json"
  
  echo "machine: $(nproc) cpus, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%Y-%m-%dT%H:%MZ); conns=$CONNS"
  "$TMP/loadgen" -p "$PORT" -c "$CONNS" -n 2000 -t 5 /api/v1/noop > /dev/null # warm-up
  printf 'GET  /api/v1/noop           '; "$TMP/loadgen" -p "$PORT" -c "$CONNS" -n "$N" -t 30 /api/v1/noop
  C0=$(srv_cpu)
  printf 'POST /api/v1/noop           '; "$TMP/loadgen" -p "$PORT" -c "$CONNS" -n "$N" -t 30 -m POST -b "$TMP/empty.json" /api/v1/noop | tr -d '\n'
  echo " server_cpu_s=$(echo "$(srv_cpu) - $C0" | bc) load=$(load)"
  C0=$(srv_cpu)
  printf 'POST /api/v1/orders         '; "$TMP/loadgen" -p "$PORT" -c "$CONNS" -n "$N" -t 60 -m POST -a "$TOKEN" -b "$TMP/order.json" -e 201 /api/v1/orders | tr -d '\n'
  echo " server_cpu_s=$(echo "$(srv_cpu) - $C0" | bc) load=$(load)"
  
  # bulk: BULK orders of one line in one request
  node -e '
  const n = +process.argv[1], o = [];
  for (let i = 0; i < n; i++) o.push({channel: "LIVE1", order_no: "K-" + i, customer: {name: "李四", phone: "13900001111", address: "浙江省宁波市海曙区中山路 2 号", division_code: i % 2 ? "330203" : "510104"}, lines: [{sku: i % 3 ? "YY-APL-80-5" : "YY-APL-80-2", units: 1 + i % 4, unit_price_fen: 3990}]});
  process.stdout.write(JSON.stringify({orders: o}));' "$BULK" > "$TMP/bulk.json"
  C0=$(srv_cpu)
  T0=$(date +%s.%N)
  curl -s -o "$TMP/bulk.out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H "$J" --data-binary @"$TMP/bulk.json" "$BASE/api/v1/orders/bulk" > "$TMP/bulk.code"
  T1=$(date +%s.%N)
  echo "POST /api/v1/orders/bulk    status=$(cat "$TMP/bulk.code") lines=$BULK bytes=$(wc -c < "$TMP/bulk.json") seconds=$(echo "$T1 - $T0" | bc) lines_per_s=$(echo "$BULK / ($T1 - $T0)" | bc) server_cpu_s=$(echo "$(srv_cpu) - $C0" | bc) load=$(load)"
  
  # import: IMPORT lines, 4 lines per order, through the CLI while the server runs
  node -e '
  const n = +process.argv[1]; const out = ["order_no,sku,units,unit_price,name,phone,address,division_code,ordered_at"];
  for (let i = 0; i < n; i++) { const o = Math.floor(i / 4); out.push(`F-${o},${["YY-APL-80-5","YY-APL-80-2"][i % 2]},${1 + i % 3},59.90,客户${o % 1000},1380000${String(o % 10000).padStart(4, "0")},浙江省宁波市鄞州区钱湖路 ${o % 500} 号,${o % 3 ? "330212" : "510104"},2026-11-20 09:15`); }
  process.stdout.write(out.join("\n") + "\n");' "$IMPORT" > "$TMP/import.csv"
  T0=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$TMP/import.time" "$BIN" --db "$DB" import "$TMP/import.csv" --channel LIVE1 --quiet > "$TMP/import.out"
  T1=$(date +%s.%N)
  ICPU=$(awk '{print $1 + $2}' "$TMP/import.time")
  echo "shanhai import (CSV)        lines=$IMPORT bytes=$(wc -c < "$TMP/import.csv") seconds=$(echo "$T1 - $T0" | bc) lines_per_s=$(echo "$IMPORT / ($T1 - $T0)" | bc) cpu_s=$ICPU lines_per_cpu_s=$(echo "$IMPORT / $ICPU" | bc) load=$(load)
    [$(cat "$TMP/import.out")]"
  kill "$SRV" 2>/dev/null || true
  wait "$SRV" 2>/dev/null || true
  SRV=
}

if [ "$STORE" = sqlite ] || [ "$STORE" = both ]; then
  cp "$WORLD" "$TMP/bench.db"
  bench_store "$TMP/bench.db" "sqlite (WAL, synchronous=FULL)"
fi
if [ "$STORE" = postgres ] || [ "$STORE" = both ]; then
  PG=$(sh "$ROOT/scripts/pg-temp.sh" start "$TMP/pg")
  "$BIN" --db "$WORLD" copy --to "$PG" > "$TMP/copy.out" 2>&1
  bench_store "$PG" "postgresql 15 (throwaway local cluster, scripts/pg-temp.sh)"
fi
