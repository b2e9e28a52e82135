#!/bin/sh
# The pick list with a large backlog (bench/README.md, "Pick list paging"):
# N orders (default 60,000) of one reserved allocation each wait at NB-S
# (warehouse 2 of tests/data/orders/world.sql) in a new SQLite database; the
# server's CPU time (utime + stime from /proc) and the wall time of 40 GET
# /api/v1/picklists of each kind: offset paging (first and last page, with
# the whole-list count and totals) and cursor paging (first and last page).
#
#   sh bench/picklist/run.sh [build/rel/shanhai]      N=60000 by default
set -e
BIN=${1:-build/rel/shanhai}
N=${N:-60000}
DIR=$(mktemp -d /tmp/shanhai-pick.XXXXXX)
DB=$DIR/pick.db
$BIN --db "$DB" init >/dev/null
printf 'admin-pass-123\n' | $BIN --db "$DB" user add admin --role admin --display a --password-stdin >/dev/null
sqlite3 "$DB" < tests/data/orders/world.sql
sqlite3 "$DB" <<SQL
INSERT INTO customers (id, name, address, division_code, created_at) VALUES (1, 'x', 'x', '330212', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO orders (id, channel_id, channel_order_no, body_hash, customer_id, ordered_at, ordered_on, status, total_fen, created_at)
  SELECT i, 1, 'B-' || i, 'h', 1, i, '2026-11-01', 'allocated', 100, 0 FROM n;
INSERT INTO order_lines (id, order_id, line_no, sku_id, units, unit_price_fen, amount_fen, warehouse_id, route, status)
  SELECT id, id, 1, 1, 1, 100, 100, 2, 'sales_warehouse', 'allocated' FROM orders;
INSERT INTO allocations (id, order_line_id, lot_id, warehouse_id, qty_g, state)
  SELECT id, id, 1, 2, 5000, 'reserved' FROM orders;
ANALYZE;
SQL
$BIN --db "$DB" serve --port 0 > "$DIR/serve.out" 2> "$DIR/serve.err" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
sleep 2
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$DIR/serve.out" | head -1)
CK=$(curl -s -c - -H 'Content-Type: application/json' -d '{"username":"admin","password":"admin-pass-123"}' \
	"$URL/api/v1/auth/login" | awk '/shanhai_session/ {print $7}')
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' /proc/$PID/stat; }
run() { # label query
	c0=$(cpu); t0=$(date +%s%N)
	for i in $(seq 40); do
		curl -s -o /dev/null -b "shanhai_session=$CK" "$URL/api/v1/picklists?warehouse_id=2&$2"
	done
	c1=$(cpu); t1=$(date +%s%N)
	echo "$1: server CPU $(( (c1 - c0) * 1000 / TCK )) ms, wall $(( (t1 - t0) / 1000000 )) ms for 40 requests"
}
run "offset=0 (first page, total, totals)" "limit=100&offset=0"
run "offset=$((N - 100)) (last page)" "limit=100&offset=$((N - 100))"
run "after=0 (first page)" "limit=100&after=0"
run "after=$((N - 100)) (last page)" "limit=100&after=$((N - 100))"
