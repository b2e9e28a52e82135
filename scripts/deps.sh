#!/bin/sh
# Install what Shanhai needs to build, run and test on Debian 12 (run as root,
# or it uses sudo). Safe to run again: apt-get skips what is installed.
# Node.js 20+ and npm come from the machine image; Debian 12's own nodejs (18)
# is too old for Vite 8, so it is installed only if there is no node at all.
set -eu
PKGS="build-essential pkg-config git
  libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
  libxlsxwriter-dev libqrencode-dev libcmocka-dev libzip-dev libexpat1-dev libpq-dev
  postgresql-15 postgresql-client-15
  clang libclang-rt-14-dev
  chromium fonts-wqy-microhei"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
command -v node >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  echo "deps: installing:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
else
  echo "deps: all Debian packages present"
fi
node -e 'const [a]=process.versions.node.split(".").map(Number); if (a < 20) { console.error("deps: Node.js " + process.versions.node + " is too old (need 20+)"); process.exit(1) }'
