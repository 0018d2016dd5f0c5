#!/usr/bin/env bash
# Installs what `npm test` and `npm run demo` need on a fresh Debian machine, when missing: Debian packages (Go and
# govmomi for vcsim, net-snmp tools, Chromium, PostgreSQL/Redis clients) and the npm dependencies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
need=()
for pkg in golang-go golang-github-vmware-govmomi-dev snmp snmpd chromium postgresql-client redis-tools; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
