#!/usr/bin/env bash
# The whole test suite, the README's test command (`make test`), run by CI.
# Stages: build (release and ASan+UBSan), source checks, unit tests (cmocka)
# in both builds, API tests against a real server (the sanitizer build, so
# memory errors in the server fail the run) on SQLite and again on PostgreSQL
# (a throwaway cluster started here by scripts/pg-temp.sh and removed at the
# end), end-to-end browser tests on both stores, bounded fuzzing. Each stage prints its duration; the last line counts every
# test: "total: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
total_pass=0 total_fail=0 stage_fail=0
JOBS=${JOBS:-2}
declare -a summary

stage() { # name, then the command; the command prints "N passed, N failed" somewhere
  local name=$1; shift
  local start=$(date +%s) log
  log=$(mktemp)
  echo "=== $name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line p f
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  p=$(echo "$line" | sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p'); f=$(echo "$line" | sed -n 's/.*\b\([0-9]\+\) failed.*/\1/p')
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  [ "$rc" -ne 0 ] && stage_fail=$((stage_fail + 1))
  summary+=("$(printf '%-28s %4ss  %s passed, %s failed%s' "$name" $(( $(date +%s) - start )) "$p" "$f" "$([ $rc -ne 0 ] && echo '  (stage failed)')")")
  rm -f "$log"
}

build() {
  if [ -f web/console/package.json ] && [ "${SKIP_WEB:-0}" != 1 ]; then
    make web || { echo "build: web console failed"; echo "0 passed, 1 failed"; return 1; }
  fi
  make -j"$JOBS" bin && make -j"$JOBS" MODE=asan bin || { echo "0 passed, 1 failed"; return 1; }
  (cd tests/api && npm ci --no-audit --no-fund >/dev/null) || { echo "build: npm ci in tests/api failed"; echo "0 passed, 1 failed"; return 1; }
  make -j"$JOBS" $(ls tests/unit/test_*.c | sed 's|tests/unit/\(.*\)\.c|build/rel/tests/\1|') &&
  make -j"$JOBS" MODE=asan $(ls tests/unit/test_*.c | sed 's|tests/unit/\(.*\)\.c|build/asan/tests/\1|') ||
    { echo "0 passed, 1 failed"; return 1; }
  echo "build: 1 passed, 0 failed"
}

checks() {
  local ok=0 bad=0
  if sh scripts/checksrc.sh; then ok=$((ok+1)); else bad=$((bad+1)); fi
  if sh scripts/openapi.sh --check; then ok=$((ok+1)); else bad=$((bad+1)); fi
  echo "checks: $ok passed, $bad failed"
  [ $bad -eq 0 ]
}

unit() { sh scripts/run-unit.sh $(ls build/$1/tests/test_* | grep -v '\.d$'); }

node_tests() { # folder, binary
  local dir=$1 bin=$2 out rc p f
  [ -d "$dir" ] && ls "$dir"/*.test.mjs >/dev/null 2>&1 || { echo "$dir: no tests"; echo "0 passed, 0 failed"; return 0; }
  out=$RUN_TMP/node-tests.log # this run's own: two suites at once must not share one
  SHANHAI_BIN=$bin node --test --test-concurrency=2 --test-reporter=spec "$dir"/*.test.mjs 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^ℹ pass \([0-9]*\)/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^ℹ fail \([0-9]*\)/\1/p' "$out" | tail -1)
  echo "$dir: ${p:-0} passed, ${f:-0} failed"
  return $rc
}

e2e() {
  if [ ! -x /usr/bin/chromium ]; then echo "e2e: /usr/bin/chromium missing"; echo "0 passed, 1 failed"; return 1; fi
  if [ -f tests/e2e/package.json ]; then (cd tests/e2e && npm ci --no-audit --no-fund >/dev/null) || return 1; fi
  SHANHAI_TEST_PG= node_tests tests/e2e "$PWD/build/rel/shanhai"
}

e2e_postgres() {
  [ -n "${SHANHAI_TEST_PG:-}" ] || { echo "e2e postgres: no cluster"; echo "0 passed, 1 failed"; return 1; }
  node_tests tests/e2e "$PWD/build/rel/shanhai"
}

fuzz() {
  if [ -x tests/fuzz/run.sh ] || [ -f tests/fuzz/run.sh ]; then bash tests/fuzz/run.sh "${FUZZ_SECONDS:-20}"
  else echo "fuzz: no targets"; echo "0 passed, 0 failed"; fi
}

PG_DIR=$(mktemp -d /tmp/shanhai-pg.XXXXXX)
RUN_TMP=$(mktemp -d /tmp/shanhai-test.XXXXXX)
cleanup() { sh scripts/pg-temp.sh stop "$PG_DIR"; rm -rf "$RUN_TMP"; }
trap cleanup EXIT
stage "build" build
# The cluster is started here, not inside stage (whose pipeline is a subshell),
# so SHANHAI_TEST_PG reaches the unit and API stages.
echo "=== postgres cluster"
pg_t0=$(date +%s)
if pg_url=$(sh scripts/pg-temp.sh start "$PG_DIR"); then
  export SHANHAI_TEST_PG=${pg_url%/postgres}
  echo "postgres: throwaway cluster at $SHANHAI_TEST_PG"
  total_pass=$((total_pass + 1)); pg_line="1 passed, 0 failed"
else
  total_fail=$((total_fail + 1)); stage_fail=$((stage_fail + 1)); pg_line="0 passed, 1 failed  (stage failed)"
fi
summary+=("$(printf '%-28s %4ss  %s' "postgres cluster" $(( $(date +%s) - pg_t0 )) "$pg_line")")
stage "source checks" checks
stage "unit (release)" unit rel
stage "unit (asan+ubsan)" unit asan
api_sqlite() { SHANHAI_TEST_PG= node_tests tests/api "$PWD/build/asan/shanhai"; }
api_postgres() {
  [ -n "${SHANHAI_TEST_PG:-}" ] || { echo "api postgres: no cluster"; echo "0 passed, 1 failed"; return 1; }
  node_tests tests/api "$PWD/build/asan/shanhai"
}
stage "api sqlite (asan server)" api_sqlite
stage "api postgres (asan server)" api_postgres
stage "end-to-end (chromium)" e2e
stage "end-to-end postgres" e2e_postgres
stage "fuzz" fuzz

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$stage_fail" -eq 0 ]
