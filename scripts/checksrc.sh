#!/bin/sh
# Source checks that the compiler does not make (after curl's checksrc):
# banned calls (see src/lib/banned.h) and the header comment every file must open with.
# Prints each offence as file:line and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."
bad=0
banned='\b(strcpy|strcat|strncpy|sprintf|vsprintf|strtok|atoi|atol|gmtime|localtime|ctime|asctime)[[:space:]]*\('
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 2>/dev/null; git ls-files -o --exclude-standard 'src/*.c' 'src/*.h' 'tests/*.c' 2>/dev/null)
for f in $files; do
  [ -f "$f" ] || continue
  case "$f" in src/lib/banned.h) continue;; esac
  if grep -nE "$banned" "$f" | grep -vE '^\s*[0-9]+:\s*(\*|//)' > /tmp/checksrc.$$; then
    sed "s|^|$f:|" /tmp/checksrc.$$; bad=1
  fi
  head -c 2 "$f" | grep -q '/\*' || { echo "$f:1: file does not open with a comment saying what it is for"; bad=1; }
done
rm -f /tmp/checksrc.$$
[ $bad -eq 0 ] && echo "checksrc: ok ($(echo "$files" | wc -w) files)"
exit $bad
