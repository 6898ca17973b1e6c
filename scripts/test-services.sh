#!/usr/bin/env bash
# Makes PostgreSQL and Redis available on loopback for the cluster tests (Debian, as root or with
# sudo), then prints the environment the tests read (test/helpers/services.ts):
#
#   eval "$(bash scripts/test-services.sh)"
#
# Installs Debian's postgresql and redis-server packages when they are missing, starts the
# default PostgreSQL cluster and a Redis without persistence on 127.0.0.1, and gives PostgreSQL a
# role `monarch` (password `monarch`) that may create databases: each test makes its own.
# Everything it reports goes to stderr; only the `export` lines go to stdout.
set -euo pipefail

# Only the exports may reach stdout, which the caller evaluates: every tool below writes to stderr
# (pg_ctlcluster prints "Removed stale pid file." on stdout, which CI once ran as a command).
# The daemons started below must not inherit that descriptor (3>&-), or a caller reading it,
# as `eval "$(...)"` does, would wait for them to exit.
exec 3>&1 1>&2

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
say() { echo "test-services: $*" >&2; }

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq >/dev/null
  # Services are started below, by hand: a machine without systemd cannot start them on install.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PostgreSQL: the first cluster Debian made (the package's install creates one; make it if not).
if [ -z "$(pg_lsclusters --no-header)" ]; then
  pg_newest=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  say "creating PostgreSQL cluster $pg_newest/main"
  $SUDO pg_createcluster "$pg_newest" main >/dev/null
fi
read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters --no-header | head -n 1)
if [ "$pg_status" != online ]; then
  say "starting PostgreSQL $pg_version/$pg_cluster on port $pg_port"
  $SUDO pg_ctlcluster "$pg_version" "$pg_cluster" start 3>&-
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
for _ in $(seq 1 50); do as_postgres psql -p "$pg_port" -tAc 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
as_postgres psql -p "$pg_port" -v ON_ERROR_STOP=1 -q >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'monarch') THEN
    CREATE ROLE monarch LOGIN CREATEDB PASSWORD 'monarch';
  END IF;
END
$$;
SQL

# Redis on its usual port, unless one is already answering there.
redis_port=6379
if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
  say "starting redis-server on 127.0.0.1:$redis_port"
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes >/dev/null 3>&-
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

echo "export MONARCH_TEST_POSTGRES_URL=postgres://monarch:monarch@127.0.0.1:$pg_port/postgres" >&3
echo "export MONARCH_TEST_REDIS_URL=redis://127.0.0.1:$redis_port" >&3
