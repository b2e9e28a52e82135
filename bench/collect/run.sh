#!/bin/sh
# Village collection run planning time (results go in bench/README.md,
# "Collection runs").
#
#   sh bench/collect/run.sh [N...]       (default N = 10 25 50 100)
#
# For each N: a copy of the demo database (`shanhai demo`, XC-ORIGIN with its
# 7 points) gets N more collection points of XC-ORIGIN on real Liangshan
# villages (their approximate coordinates, a deterministic spread over the
# 17 counties), each with an override of 100..980 kg on 2026-11-30 and
# opening hours 08:00-18:00; the fleet is raised to 20 x 2 t, 6 x 8 t and
# 2 x 1.5 t. Then `shanhai route collection --date 2026-11-30 --warehouse
# XC-ORIGIN` runs with its defaults (2000 iterations, 10 s cap, seed 1), timed
# by /usr/bin/time. Prints one CSV line per N: points with a load, stops
# planned, points left out, runs, km, cost in fen, iterations, wall s, user
# CPU s, peak KiB. Needs build/rel/shanhai (or $SHANHAI_BIN) and sqlite3.
set -eu
cd "$(dirname "$0")/../.."
BIN=${SHANHAI_BIN:-build/rel/shanhai}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$BIN" --db "$dir/demo.db" demo >/dev/null 2>&1
echo "# commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "n,loaded,stops,left_out,runs,km,cost_fen,iterations,wall_s,user_s,peak_kib"
for n in ${*:-10 25 50 100}; do
  db="$dir/n$n.db"
  cp "$dir/demo.db" "$db"
  sqlite3 "$db" <<SQL
INSERT INTO collection_points (code, name, village_code, warehouse_id, lon_e6, lat_e6, approx, opens, closes)
  SELECT 'B-' || code, name, code, (SELECT id FROM warehouses WHERE code = 'XC-ORIGIN'), lon_e6, lat_e6, 1, '08:00', '18:00'
  FROM divisions WHERE level = 5 AND code LIKE '5134%' AND lon_e6 IS NOT NULL
  ORDER BY (CAST(substr(code, 5, 2) AS INTEGER) * 7919 + CAST(substr(code, 7, 6) AS INTEGER) * 31) % 1009, code
  LIMIT $n;
INSERT INTO collection_forecast_overrides (point_id, on_date, expected_g, created_at)
  SELECT id, '2026-11-30', (100 + (id * 37) % 881) * 1000, 0 FROM collection_points WHERE code LIKE 'B-%';
UPDATE vehicles SET available = CASE code WHEN 'XC-V42' THEN 20 WHEN 'XC-V76' THEN 6 ELSE 2 END;
SQL
  t=$( { /usr/bin/time -f '%e,%U,%M' "$BIN" --db "$db" route collection --date 2026-11-30 --warehouse XC-ORIGIN >/dev/null; } 2>&1 | tail -1)
  sqlite3 -csv "$db" "SELECT (SELECT COUNT(*) FROM collection_plan_stops) + (SELECT COUNT(*) FROM collection_plan_unserved),
    (SELECT COUNT(*) FROM collection_plan_stops), (SELECT COUNT(*) FROM collection_plan_unserved),
    (SELECT COUNT(*) FROM collection_plan_runs), printf('%.1f', distance_m / 1000.0), cost_fen, iterations
    FROM collection_plans ORDER BY id DESC LIMIT 1" | sed "s/^/$n,/; s/\$/,$t/"
done
