#!/usr/bin/env bash
# Builds tools/vcsim/bin/vcsim once; rebuilds only when a .go source changed (sha256 stamp).
# Prints the binary's path on stdout. Safe to run concurrently (flock).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$DIR/bin/vcsim"
STAMP="$DIR/bin/vcsim.stamp"
mkdir -p "$DIR/bin" "$DIR/.cache"

ensure_packages() {
  if command -v go >/dev/null 2>&1 && [ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ]; then
    return 0
  fi
  echo "vcsim: installing golang-go and golang-github-vmware-govmomi-dev" >&2
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-go golang-github-vmware-govmomi-dev >&2
}

source_hash() {
  (cd "$DIR" && { ls *.go | LC_ALL=C sort | xargs cat; go version 2>/dev/null || true; } | sha256sum | cut -d' ' -f1)
}

exec 9>"$DIR/bin/.build.lock"
flock 9
ensure_packages
HASH="$(source_hash)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
  echo "$BIN"
  exit 0
fi
echo "vcsim: building $BIN" >&2
export GOCACHE="${GOCACHE:-$DIR/.cache/go-build}"
(cd "$DIR" && GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$BIN.tmp" . && mv "$BIN.tmp" "$BIN")
echo "$HASH" >"$STAMP"
echo "$BIN"
