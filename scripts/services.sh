#!/usr/bin/env bash
# Starts local PostgreSQL and Redis if they are not answering (the commands this machine kind documents);
# elsewhere, `docker compose up -d postgres redis` brings them.
set -euo pipefail
PGHOST_ADDR="${PGHOST_ADDR:-127.0.0.1}"

if ! pg_isready -q -h "$PGHOST_ADDR" -p 5432 2>/dev/null; then
  echo "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 60); do pg_isready -q -h "$PGHOST_ADDR" -p 5432 && break; sleep 0.5; done
fi
pg_isready -h "$PGHOST_ADDR" -p 5432 || { echo "PostgreSQL is not reachable on $PGHOST_ADDR:5432" >&2; exit 1; }

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 40); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
echo "PostgreSQL and Redis are up"
