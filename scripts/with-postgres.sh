#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: a new cluster in a temporary folder
# (initdb), started with pg_ctl on a free loopback port, no system service; stopped and removed
# when the command ends. The command finds it in PARTA_TEST_POSTGRES (a URL to its `postgres`
# database; tests make a database of their own in it).
#   scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

bin=""
if command -v initdb >/dev/null 2>&1; then
  bin=$(dirname "$(command -v initdb)")
else
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bin=$d; done
fi
[ -n "$bin" ] || { echo "PostgreSQL's server programs (initdb, pg_ctl) are missing: run scripts/install.sh --for-tests" >&2; exit 1; }

dir=$(mktemp -d)
# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user that
# Debian's package makes.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "running as root, but there is no 'postgres' user to own the test cluster" >&2; exit 1; }
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync stays on: the tests check what a commit promises, and a throwaway cluster is small.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
export PARTA_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
"$@"
