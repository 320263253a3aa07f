#!/usr/bin/env bash
# Start the PostgreSQL, Redis and SeaweedFS servers the tests talk to (standard ports) when they
# are down.
set -euo pipefail
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  cluster=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$cluster/main/pg_hba.conf
  # A fresh Debian cluster asks for passwords over TCP; the tests log in as postgres, trusted
  # from loopback only, as on the team's machines.
  if ! grep -q '^host all postgres 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi
pg_isready -h 127.0.0.1 -p 5432
redis-cli -h 127.0.0.1 -p 6379 ping
# SeaweedFS, the S3-compatible server of the blob-store tests (and of `make run-s3`)
scripts/ensure-seaweedfs.sh
