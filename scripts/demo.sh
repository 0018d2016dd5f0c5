#!/usr/bin/env bash
# `npm run demo`: the main job on an embedded default datacenter simulated by vcsim.
# Starts vcsim, the api and the worker against the local PostgreSQL and Redis, prints where they listen, and
# walks through a UPS-on-battery event: plan, approval, execution, result; then a scheduled host maintenance,
# planned ahead. Ctrl-C stops everything it started.
# DEMO_EXIT=1 stops after the walk-through instead of staying up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUN=.run/demo
mkdir -p "$RUN"
API_PORT="${API_PORT:-8080}"
WORKER_PORT="${WORKER_PORT:-8081}"
VCSIM_PORT="${VCSIM_PORT:-18989}"
SNMP_PORT="${SNMP_PORT:-1162}"
DB="${DEMO_DATABASE:-layershift_demo}"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  VCSIM_STATE_DIR="$PWD/$RUN/vcsim" bash tools/vcsim/start.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

for port in "$API_PORT" "$WORKER_PORT" "$VCSIM_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use; set API_PORT, WORKER_PORT or VCSIM_PORT to free ones" >&2
    exit 1
  fi
done

echo "== services (PostgreSQL, Redis)"
bash scripts/deps.sh
bash scripts/services.sh
echo "== build"
npm run --silent build

echo "== vcsim (simulated vCenter)"
VCSIM_STATE_DIR="$PWD/$RUN/vcsim" VCSIM_PORT="$VCSIM_PORT" VCSIM_TASK_DELAY="${VCSIM_TASK_DELAY:-1500}" \
  bash tools/vcsim/start.sh --background | grep -Ev '^VCSIM_(URL|PASSWORD)=' # no credential on screen
# shellcheck disable=SC1091
set -a; . "$RUN/vcsim/vcsim.env"; set +a

echo "== database $DB (fresh each run: the demo tells its story from the start)"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
redis-cli -h 127.0.0.1 --scan --pattern 'layershift-demo:*' | xargs -r redis-cli -h 127.0.0.1 del >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
node dist/libs/persistence/src/cli/migrate.js up

# A token for this demo only, kept in a file (never on the command line).
[ -s "$RUN/api-token" ] || (umask 077; openssl rand -hex 24 >"$RUN/api-token")
printf '%s' "${VCSIM_PASSWORD:-pass}" >"$RUN/vcenter-password"; chmod 600 "$RUN/vcenter-password"
export LAYERSHIFT_API_TOKENS_FILE="$PWD/$RUN/api-token"
export VCENTER_URL="$VCSIM_BASE_URL/sdk" VCENTER_USERNAME="${VCSIM_USERNAME:-user}" VCENTER_PASSWORD_FILE="$PWD/$RUN/vcenter-password"
export API_PORT WORKER_PORT LOG_LEVEL="${LOG_LEVEL:-warn}" LAYERSHIFT_QUEUE_PREFIX="layershift-demo"
# The UPS's SNMP community, in a file like every secret; a short confirmation delay so the demo does not wait 30 s.
[ -s "$RUN/snmp-communities" ] || (umask 077; printf 'demo-%s\n' "$(openssl rand -hex 6)" >"$RUN/snmp-communities")
export SNMP_TRAP_ADDRESS=127.0.0.1 SNMP_TRAP_PORT="$SNMP_PORT" SNMP_COMMUNITIES_FILE="$PWD/$RUN/snmp-communities" SNMP_CONFIRM_DELAY_MS=3000
# The scheduler looks for maintenance windows due every 5 s instead of every minute, so step 7 does not wait.
export LAYERSHIFT_SCHEDULE_TICK_SECONDS=5

echo "== api and worker"
node dist/apps/api/src/main.js >"$RUN/api.log" 2>&1 & pids+=($!)
node dist/apps/worker/src/main.js >"$RUN/worker.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$API_PORT/health" >/dev/null && curl -sf "http://127.0.0.1:$WORKER_PORT/health" >/dev/null && break
  sleep 0.3
done
curl -sf "http://127.0.0.1:$API_PORT/health" >/dev/null || { echo "api did not come up; see $RUN/api.log" >&2; tail -20 "$RUN/api.log" >&2; exit 1; }

cat <<TXT

Layershift demo is up:
  vCenter (vcsim)   $VCSIM_BASE_URL/sdk
  api               http://127.0.0.1:$API_PORT   (OpenAPI: http://127.0.0.1:$API_PORT/api/docs)
  worker            http://127.0.0.1:$WORKER_PORT/health, SNMP traps on udp 127.0.0.1:$SNMP_PORT
  plugin UI         http://127.0.0.1:$API_PORT/ui/
  api token         in $RUN/api-token (send as "Authorization: Bearer <token>")
  logs              $RUN/api.log, $RUN/worker.log
TXT

node dist/apps/cli/src/main.js demo-walkthrough --api "http://127.0.0.1:$API_PORT" --token-file "$RUN/api-token" \
  --topology "$RUN/vcsim/topology.json" \
  --snmp-port "$SNMP_PORT" --community-file "$RUN/snmp-communities" || echo "(walk-through failed; the stack stays up for a look)"

if [ "${DEMO_EXIT:-0}" = "1" ]; then exit 0; fi
echo
echo "Press Ctrl-C to stop the demo."
wait
