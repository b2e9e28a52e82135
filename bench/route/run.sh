#!/bin/sh
# Routing engine benchmarks (results go in bench/README.md, "Routing engine").
#
#   sh bench/route/run.sh cvrp [FACTOR] [SEED] [INSTANCE...]
#       CVRPLIB X instances of /work/shared/bench/cvrp-x (or $CVRP_DIR), time
#       limit FACTOR x n seconds (default 0.24), seed 1, one thread.
#   sh bench/route/run.sh solomon [SECONDS] [OBJECTIVE] [INSTANCE...]
#       Solomon instances of /work/shared/bench/vrptw-solomon (or
#       $SOLOMON_DIR), SECONDS each (default 60); OBJECTIVE "distance" (default,
#       compared with the distance-only BKS) or "hierarchical" (a fixed cost of
#       100000 per vehicle: fewest vehicles first; compared with the
#       hierarchical BKS, distance gap and vehicles).
#
# One instance at a time (one core). Builds build-route/bench/bench_route with
# the release flags (-O2) from src/lib and src/route only. Prints one CSV line
# per instance (see bench_route.c) plus the peak resident memory in KiB, and
# a summary line.
set -eu
cd "$(dirname "$0")/../.."
out=${BUILD:-build-route}/bench
mkdir -p "$out"
gcc -std=c17 -O2 -g -D_GNU_SOURCE -Isrc -o "$out/bench_route" bench/route/bench_route.c \
  src/route/*.c src/lib/*.c -lm -lpthread
echo "# commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src/route bench/route || echo ' (src/route or bench/route modified)'), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
mode=${1:-cvrp}
[ $# -gt 0 ] && shift
case $mode in
cvrp)
  dir=${CVRP_DIR:-/work/shared/bench/cvrp-x}
  factor=${1:-0.24}; seed=${2:-1}
  [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
  list=${*:-$(awk -F, 'NR > 1 { print $1 }' "$dir/bks.csv" | sort -t n -k 2 -n)}
  { echo "name,n,cost,bks,gap_percent,seconds_to_1pct,seconds,iterations,feasible,vehicles,distance,peak_kib"
  for name in $list; do
    bks=$(awk -F, -v n="$name" '$1 == n { print $2 }' "$dir/bks.csv")
    n=$(echo "$name" | sed 's/^X-n\([0-9]*\)-.*/\1/')
    limit=$(awk -v f="$factor" -v n="$n" 'BEGIN { printf "%.2f", f * (n - 1) }')
    line=$(/usr/bin/time -f '%M' -o "$out/time.txt" "$out/bench_route" "$dir/$name.vrp" \
           "$bks" "$limit" "$seed" || true)
    echo "$line,$(tail -1 "$out/time.txt")"
  done; } | tee "$out/cvrp-$factor.csv"
  awk -F, 'NR > 1 && $5 != "" { s += $5; k++; if ($5 > m) m = $5 }
           END { if (k) printf "cvrp: %d instances, average gap %.3f%%, worst %.3f%%\n", k, s / k, m }' \
    "$out/cvrp-$factor.csv"
  ;;
solomon)
  dir=${SOLOMON_DIR:-/work/shared/bench/vrptw-solomon}
  secs=${1:-60}; obj=${2:-distance}
  [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
  list=${*:-$(awk -F, 'NR > 1 { print $1 }' "$dir/bks.csv" | sort -u)}
  case $obj in
  distance) want=distance_only; fixed=0 ;;
  hierarchical) want=hierarchical; fixed=100000 ;;
  *) echo "run.sh: objective must be distance or hierarchical, not '$obj'" >&2; exit 2 ;;
  esac
  { echo "name,n,cost,bks,gap_percent,seconds_to_1pct,seconds,iterations,feasible,vehicles,distance,peak_kib,bks_vehicles"
  for name in $list; do
    row=$(grep "^$name,.*,$want" "$dir/bks.csv" | head -1)
    bks=$(echo "$row" | cut -d, -f3); veh=$(echo "$row" | cut -d, -f4)
    line=$(/usr/bin/time -f '%M' -o "$out/time.txt" "$out/bench_route" "$dir/$name.txt" \
           "${bks:-0}" "$secs" 1 0 1 "$fixed" || true)
    echo "$line,$(tail -1 "$out/time.txt"),${veh:-}"
  done; } | tee "$out/solomon-$obj.csv"
  awk -F, 'NR > 1 { k++; if ($9 == "yes") f++; if ($4 > 0) { s += $5; b++ }
                    if ($13 != "" && $10 > $13 + 1) over++ }
           END { printf "solomon: %d instances, %d feasible, average gap %.3f%% over %d with a BKS, %d above BKS vehicles + 1\n",
                 k, f, b ? s / b : 0, b, over }' "$out/solomon-$obj.csv"
  ;;
*) echo "run.sh: mode must be cvrp or solomon, not '$mode'" >&2; exit 2 ;;
esac
