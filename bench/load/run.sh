#!/bin/sh
# The sustained mixed-load benchmark (bench/README.md, "Sustained load"): the
# demo season (`shanhai demo`) served by one `shanhai serve`, and for DURATION
# seconds the roles working at once through the API (bench/load/mixload.c,
# keep-alive connections, closed loop with a pause per kind):
#   collect   collector_yanyuan records deliveries at its point (POST /collections)
#   order     a channel feed (machine token) posts 1-line orders, ORDER_CONNS
#             clients racing for the same SKU at the Ningbo sales warehouse
#   stock     wh_ningbo reads its stock; picklist  wh_ningbo reads its pick list
#   figures   office reads the season's figures
#   trace     anonymous consumers open the public trace page /t/{code}
# It prints per-kind rps, p50/p99/max latency and errors, the server's VmRSS
# every 10 s (start/min/max/end), server and generator CPU seconds, the load
# average, and checks afterwards that no stock row is over-reserved.
#
#   sh bench/load/run.sh                         # SQLite, 600 s
#   DURATION=20 sh bench/load/run.sh             # smoke run
#   STORE=postgres DURATION=600 sh bench/load/run.sh
#
# Environment: BUILD (build folder holding rel/shanhai, default build-bench),
# DURATION (seconds, default 600), STORE (sqlite or postgres), WORK (scratch
# folder, default a fresh /tmp/shanhai-load.XXXXXX, removed at the end unless
# KEEP=1), ORDER_CONNS (default 4), SKIP (kinds to leave out, a grep -E
# pattern on the kind name, e.g. SKIP=picklist).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-build-bench}
DURATION=${DURATION:-600}
STORE=${STORE:-sqlite}
ORDER_CONNS=${ORDER_CONNS:-4}
BIN=$ROOT/$BUILD/rel/shanhai
TMP=${WORK:-$(mktemp -d /tmp/shanhai-load.XXXXXX)}
mkdir -p "$TMP"
chmod 755 "$TMP" # a PostgreSQL cluster inside runs as another user
SRV=
SAMPLER=
cleanup() {
  [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true
  [ -z "$SRV" ] || kill "$SRV" 2>/dev/null || true
  [ -z "$SRV" ] || wait "$SRV" 2>/dev/null || true
  [ "$STORE" != postgres ] || sh "$ROOT/scripts/pg-temp.sh" stop "$TMP/pg" || true
  [ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$TMP/mixload" "$HERE/mixload.c" -lpthread

# The demo season in SQLite; the contended SKU (YY-APL-80-5K, id 2) gets a
# practically endless stock at Ningbo so every order allocates for the whole run.
SQ=$TMP/demo.db
"$BIN" --db "$SQ" demo > "$TMP/demo.out"
sqlite3 "$SQ" "UPDATE lots SET initial_g = initial_g + 1000000000000 WHERE id IN
    (SELECT lot_id FROM stock WHERE loc_kind = 'warehouse' AND loc_id = 2 AND qty_g > 0)
    AND sku_id = 2;
  UPDATE stock SET qty_g = qty_g + 1000000000000 WHERE loc_kind = 'warehouse' AND loc_id = 2
    AND qty_g > 0 AND lot_id IN (SELECT id FROM lots WHERE sku_id = 2);"
sqlite3 "$SQ" "SELECT '/t/' || code FROM lots ORDER BY id" > "$TMP/trace.paths"
DB=$SQ
if [ "$STORE" = postgres ]; then
  DB=$(sh "$ROOT/scripts/pg-temp.sh" start "$TMP/pg")
  T0=$(date +%s)
  "$BIN" --db "$SQ" copy --to "$DB" > "$TMP/copy.out" 2>&1
  echo "copied the demo into PostgreSQL in $(($(date +%s) - T0)) s"
fi

"$BIN" --db "$DB" serve --port 0 > "$TMP/serve.out" 2> "$TMP/serve.log" &
SRV=$!
for _ in $(seq 100); do grep -q 'http://127.0.0.1:' "$TMP/serve.out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/serve.out" | head -1)
[ -n "$PORT" ] || { echo "load bench: server did not start"; cat "$TMP/serve.log"; exit 1; }
BASE=http://127.0.0.1:$PORT
J='Content-Type: application/json'

# login USER -> "Cookie: ...|X-CSRF-Token: ..." for mixload's headers field
login() {
  curl -s -c "$TMP/jar.$1" -H "$J" -d "{\"username\":\"$1\",\"password\":\"${2:-shanhai2026}\"}" \
    "$BASE/api/v1/auth/login" > "$TMP/login.$1"
  csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$TMP/login.$1")
  cookie=$(awk '$6 == "shanhai_session" {print $7}' "$TMP/jar.$1")
  [ -n "$cookie" ] || { echo "load bench: login of '$1' failed: $(cat "$TMP/login.$1")" >&2; exit 1; }
  echo "Cookie: shanhai_session=$cookie|X-CSRF-Token: $csrf"
}
COLLECTOR=$(login collector_yanyuan)
WH=$(login wh_ningbo)
OFFICE=$(login office)
ADMIN=$(login admin)
# a machine user for the live-stream channel (id 1, LIVE-HT) and its token
ACOOKIE=${ADMIN%%|*}; ACSRF=${ADMIN#*|}
MID=$(curl -s -H "$ACOOKIE" -H "$ACSRF" -H "$J" -d '{"username":"feed","display_name":"feed","password":"feed-pass-123","role":"machine","scopes":{"channels":[1]}}' "$BASE/api/v1/users" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
TOKEN=$(curl -s -H "$ACOOKIE" -H "$ACSRF" -H "$J" -d "{\"user_id\":$MID,\"name\":\"load\"}" "$BASE/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "load bench: no API token" >&2; exit 1; }

printf '%s' '{"point_id":1,"household_id":1,"grade_id":1,"gross_g":12845,"tare_g":500}' > "$TMP/collect.json"
printf '%s' '{"channel":"LIVE-HT","order_no":"L-{n}","customer":{"name":"王小明","phone":"13812345678","address":"浙江省宁波市鄞州区钱湖路 1 号","division_code":"330212"},"lines":[{"sku":"YY-APL-80-5K","units":1,"unit_price_fen":5990}]}' > "$TMP/order.json"
TAB=$(printf '\t')
cat > "$TMP/spec" <<EOF
# name${TAB}conns${TAB}pause_ms${TAB}method${TAB}path${TAB}expect${TAB}headers${TAB}body
collect${TAB}2${TAB}100${TAB}POST${TAB}/api/v1/collections${TAB}201${TAB}$COLLECTOR${TAB}$TMP/collect.json
order${TAB}$ORDER_CONNS${TAB}20${TAB}POST${TAB}/api/v1/orders${TAB}201${TAB}Authorization: Bearer $TOKEN${TAB}$TMP/order.json
stock${TAB}2${TAB}50${TAB}GET${TAB}/api/v1/stock?warehouse_id=2${TAB}200${TAB}$WH${TAB}-
picklist${TAB}1${TAB}200${TAB}GET${TAB}/api/v1/picklists?warehouse_id=2${TAB}200${TAB}$WH${TAB}-
figures${TAB}1${TAB}500${TAB}GET${TAB}/api/v1/figures?from=2026-09-01&to=2026-11-30${TAB}200${TAB}$OFFICE${TAB}-
trace${TAB}4${TAB}10${TAB}GET${TAB}@$TMP/trace.paths${TAB}200${TAB}-${TAB}-
EOF
if [ -n "${SKIP:-}" ]; then
  grep -vE "^(${SKIP})${TAB}" "$TMP/spec" > "$TMP/spec.kept"
  mv "$TMP/spec.kept" "$TMP/spec"
fi

# the server's resident memory every 10 s while the load runs
rss() { sed -n 's/^VmRSS:\s*\([0-9]*\) kB/\1/p' /proc/$SRV/status; }
(while kill -0 "$SRV" 2>/dev/null; do echo "$(date -u +%H:%M:%S) $(rss) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 10; done) > "$TMP/rss.log" &
SAMPLER=$!
TCK=$(getconf CLK_TCK)
srv_cpu() { awk -v t="$TCK" '{printf "%.1f", ($14 + $15) / t}' /proc/$SRV/stat; }
echo "load bench: store=$STORE duration=${DURATION}s $(nproc) cpus, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); start $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
C0=$(srv_cpu)
RC=0
/usr/bin/time -f '%U %S' -o "$TMP/gen.time" "$TMP/mixload" -p "$PORT" -t "$DURATION" "$TMP/spec" || RC=$?
echo "load bench: end $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg); server cpu $(echo "$(srv_cpu) - $C0" | bc) s, generator cpu $(awk '{print $1 + $2}' "$TMP/gen.time") s"
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=
echo "load bench: VmRSS kB every 10 s (time rss load1 load5 load15):"
sed 's/^/  /' "$TMP/rss.log"
awk '{r[NR] = $2} END {min = r[1]; max = r[1]; for (i = 1; i <= NR; i++) {if (r[i] < min) min = r[i]; if (r[i] > max) max = r[i]}
  printf "load bench: VmRSS samples=%d start=%d min=%d max=%d end=%d kB\n", NR, r[1], min, max, r[NR]}' "$TMP/rss.log"
# after the race (server stopped): every warehouse stock row's reservation
# equals the sum of its lots' open allocations, and the tally of this run's orders
kill "$SRV" 2>/dev/null || true
wait "$SRV" 2>/dev/null || true
SRV=
CHECK="SELECT count(*) || ' stock rows, ' || coalesce(sum(CASE WHEN s.reserved_g <> coalesce((SELECT sum(a.qty_g)
  FROM allocations a WHERE a.lot_id = s.lot_id AND a.warehouse_id = s.loc_id AND a.state = 'reserved'), 0)
  THEN 1 ELSE 0 END), 0) || ' with a reservation that does not match the allocations'
  FROM stock s WHERE s.loc_kind = 'warehouse';
  SELECT 'orders of this run: ' || status || ' ' || count(*) FROM orders WHERE channel_order_no LIKE 'L-%' GROUP BY status;"
if [ "$STORE" = postgres ]; then psql -qtA "$DB" -c "$CHECK"; else sqlite3 "$DB" "$CHECK"; fi | sed 's/^/load bench: /' | tee "$TMP/check.out"
grep -q ' 0 with a reservation' "$TMP/check.out" || RC=1
exit $RC
