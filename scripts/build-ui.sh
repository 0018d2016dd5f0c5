#!/usr/bin/env bash
# Builds the vSphere Client plugin (ui-plugin/) into ui-plugin/dist, only when its sources or lock file changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../ui-plugin"
hash=$(find src public angular.json package-lock.json tsconfig*.json -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum | cut -d' ' -f1)
if [ -f dist/.stamp ] && [ "$(cat dist/.stamp)" = "$hash" ]; then
  echo "ui-plugin: up to date"
  exit 0
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
echo "$hash" > dist/.stamp
