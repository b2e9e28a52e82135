#!/bin/sh
# Run cmocka test binaries one after another, letting cmocka's own summary
# through, and end with one line "unit: N passed, N failed" counting the tests.
set -u
passed=0 failed=0 bins_failed=0
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  printf '%s\n' "$out"
  # a binary may run several groups (e.g. the store tests on SQLite, then on
  # PostgreSQL): add up every group's summary
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
    echo "$t: exited with status $rc"; failed=$((failed + 1))
  fi
  [ $rc -ne 0 ] && bins_failed=$((bins_failed + 1))
done
echo "unit: $passed passed, $failed failed"
[ $bins_failed -eq 0 ]
