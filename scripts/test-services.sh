#!/usr/bin/env bash
# Installs and starts what the full test suite needs besides Python packages, on loopback only:
# PostgreSQL and Redis (second test pass), Chromium, Java and the npm tools (browser tests). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_USER=${PG_USER:-newsroom}
PG_PASSWORD=${PG_PASSWORD:-newsroom}
PG_DB=${PG_DB:-newsroom}
REDIS_PORT=${REDIS_PORT:-6379}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL: Debian's cluster, listening on localhost only.
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  as_root pg_createcluster "$version" main >/dev/null
  cluster="$version main"
fi
if ! pg_lsclusters --no-header | awk '{print $4}' | grep -q online; then
  as_root pg_ctlcluster $cluster start -o "-c listen_addresses=127.0.0.1"
fi
as_root su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 \
  || as_root su postgres -c "psql -qc \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\""
as_root su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1 \
  || as_root su postgres -c "createdb -O $PG_USER $PG_DB"

# Redis, on loopback.
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no >/dev/null
fi

# axe-core, the Nu Html Checker and Lighthouse, pinned in tests/e2e/package.json.
if [ ! -d tests/e2e/node_modules/axe-core ] || [ ! -d tests/e2e/node_modules/vnu-jar ] \
   || [ ! -d tests/e2e/node_modules/lighthouse ]; then
  npm install --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null
fi
echo "Test services ready: PostgreSQL ($PG_DB on 127.0.0.1:5432), Redis (127.0.0.1:$REDIS_PORT), Chromium."
