#!/usr/bin/env bash
# Start the Layershift vCenter simulator.
#   tools/vcsim/start.sh [--background] [-- extra vcsim flags]   start (foreground by default)
#   tools/vcsim/start.sh stop                                      stop a --background instance
#   tools/vcsim/start.sh status                                    print the URL of a running instance
# Environment: VCSIM_PORT (18989), VCSIM_HOST (127.0.0.1), VCSIM_CLUSTERS (2), VCSIM_HOSTS (4 per
# cluster), VCSIM_VMS (4 per host), VCSIM_TOTAL_VMS (exact total, overrides VCSIM_VMS), VCSIM_DATASTORES (2), VCSIM_USERNAME/VCSIM_PASSWORD (user/pass),
# VCSIM_TLS=1 (HTTPS), VCSIM_TASK_DELAY (ms), VCSIM_STATE_DIR (tools/vcsim/.run).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${VCSIM_STATE_DIR:-$DIR/.run}"
PIDFILE="$STATE/vcsim.pid"
ENVFILE="$STATE/vcsim.env"
LOG="$STATE/vcsim.log"
mkdir -p "$STATE"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-}" in
  stop)
    if running; then
      kill "$(cat "$PIDFILE")"
      for _ in $(seq 50); do running || break; sleep 0.1; done
      echo "vcsim stopped"
    else
      echo "vcsim not running"
    fi
    rm -f "$PIDFILE"
    exit 0
    ;;
  status)
    if running; then cat "$ENVFILE"; exit 0; else echo "vcsim not running"; exit 1; fi
    ;;
esac

BACKGROUND=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --background|-b) BACKGROUND=1 ;;
    --) shift; EXTRA+=("$@"); break ;;
    *) EXTRA+=("$1") ;;
  esac
  shift
done

if running; then
  echo "vcsim already running (pid $(cat "$PIDFILE"))" >&2
  cat "$ENVFILE"
  exit 0
fi

BIN="$("$DIR/build.sh")"
ARGS=(
  -listen "${VCSIM_HOST:-127.0.0.1}:${VCSIM_PORT:-18989}"
  -clusters "${VCSIM_CLUSTERS:-2}"
  -hosts "${VCSIM_HOSTS:-4}"
  -vms "${VCSIM_VMS:-4}"
  -datastores "${VCSIM_DATASTORES:-2}"
  -task-delay "${VCSIM_TASK_DELAY:-0}"
  -topology-file "$STATE/topology.json"
)
[ -n "${VCSIM_TOTAL_VMS:-}" ] && ARGS+=(-total-vms "$VCSIM_TOTAL_VMS")
[ "${VCSIM_TLS:-0}" = "1" ] && ARGS+=(-tls)

if [ "$BACKGROUND" = "0" ]; then
  exec "$BIN" "${ARGS[@]}" "${EXTRA[@]}"
fi

: >"$LOG"
nohup "$BIN" "${ARGS[@]}" "${EXTRA[@]}" >"$LOG" 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 600); do
  if grep -q '^VCSIM_READY=1' "$LOG" 2>/dev/null; then break; fi
  if ! running; then echo "vcsim failed to start:" >&2; cat "$LOG" >&2; rm -f "$PIDFILE"; exit 1; fi
  sleep 0.1
done
grep '^VCSIM_' "$LOG" >"$ENVFILE" || true
BASE="$(sed -n 's/^VCSIM_BASE_URL=//p' "$ENVFILE")"
if [ -z "$BASE" ]; then echo "vcsim did not become ready; log: $LOG" >&2; exit 1; fi
# It answers: poll /about until HTTP 200 (TLS: self-signed, hence -k).
for _ in $(seq 100); do
  curl -ksf -o /dev/null "$BASE/about" && break
  sleep 0.1
done
cat "$ENVFILE"
echo "VCSIM_PID=$(cat "$PIDFILE")"
