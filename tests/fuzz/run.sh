#!/bin/sh
# Build and run every libFuzzer target tests/fuzz/fuzz_*.c for SECONDS each
# (default 20) with clang -fsanitize=fuzzer,address,undefined, on a copy of its
# seed corpus tests/fuzz/corpus/<name>/ (the committed corpus is never touched).
# A target links src/lib/*.c plus what it names in a line
#   // fuzz-sources: src/io/*.c src/route/*.c
# and, with a line "// fuzz-embedded", the embedded schema migrations and
# data files (generated here by scripts/embed.sh; the console is left out), so
# it can create a real database.
# Binaries, logs and crash inputs go to $BUILD/fuzz (BUILD defaults to build).
# ONLY="name1 name2" (names without fuzz_) runs just those targets.
# Ends with "fuzz: N passed, N failed"; exits 1 if any target failed.
set -u
secs=${1:-20}
cd "$(dirname "$0")/../.."
out=${BUILD:-build}/fuzz
mkdir -p "$out"
pkgs="libmicrohttpd jansson sqlite3 libsodium xlsxwriter libqrencode libzip expat libpq"
pcflags=$(pkg-config --cflags $pkgs 2>/dev/null)
plibs=$(pkg-config --libs $pkgs 2>/dev/null)
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c17 -D_GNU_SOURCE -Isrc"
passed=0 failed=0
gen=$out/gen
mkdir -p "$gen"
sh scripts/embed.sh migrations src/store/migrations .sql > "$gen/migrations.c"
sh scripts/embed.sh datafiles data .csv > "$gen/datafiles.c"
sh scripts/embed.sh assets /nonexistent '' > "$gen/assets.c"
for target in tests/fuzz/fuzz_*.c; do
  [ -f "$target" ] || continue
  name=$(basename "$target" .c)
  short=${name#fuzz_}
  # ONLY="http_request order_import" runs just those targets
  case " ${ONLY:-$short} " in *" $short "*) ;; *) continue ;; esac
  extra=$(sed -n 's|^[[:space:]]*//[[:space:]]*fuzz-sources:||p' "$target" | tr '\n' ' ')
  # expand the globs, drop the CLI's main(), keep each file once
  srcs=$(for pat in src/lib/*.c $extra; do for f in $pat; do [ -f "$f" ] && echo "$f"; done; done |
         grep -v '^src/cli/main\.c$' | sort -u)
  grep -q '^[[:space:]]*//[[:space:]]*fuzz-embedded' "$target" &&
    srcs="$srcs $gen/migrations.c $gen/datafiles.c $gen/assets.c"
  echo "== $name: building"
  # shellcheck disable=SC2086
  if ! clang $cflags $pcflags -o "$out/$name" "$target" $srcs $plibs -lm -lpthread \
       > "$out/$name.build.log" 2>&1; then
    cat "$out/$name.build.log"
    echo "== $name: FAILED (build)"; failed=$((failed + 1)); continue
  fi
  corpus=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$short.XXXXXX")
  [ -d "tests/fuzz/corpus/$short" ] && cp -R "tests/fuzz/corpus/$short/." "$corpus/"
  dict=""
  [ -f "tests/fuzz/$short.dict" ] && dict="-dict=tests/fuzz/$short.dict"
  echo "== $name: running ${secs}s"
  # shellcheck disable=SC2086
  "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/$name-" $dict "$corpus" > "$out/$name.log" 2>&1
  rc=$?
  rm -rf "$corpus"
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|cov: ' "$out/$name.log" | tail -3
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "== $name: ok"
  else
    failed=$((failed + 1)); tail -40 "$out/$name.log"; echo "== $name: FAILED (see $out/$name.log)"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
