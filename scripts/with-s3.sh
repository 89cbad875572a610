#!/usr/bin/env bash
# Runs a command beside a throwaway Garage object store (S3-compatible, installed by
# scripts/install.sh --for-tests): one node in a temporary folder on free loopback ports, a
# bucket and a key of its own; stopped and removed when the command ends. The command finds it
# in PARTA_TEST_S3_ENDPOINT, _REGION, _BUCKET, _KEY_ID and _SECRET.
#   scripts/with-s3.sh COMMAND [ARGS...]
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
command -v garage >/dev/null 2>&1 || { echo "Garage (the S3-compatible store the tests use) is missing: run scripts/install.sh --for-tests" >&2; exit 1; }

dir=$(mktemp -d)
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
rpc=$(port); s3=$(port); admin=$(port)
cat >"$dir/garage.toml" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc"
rpc_public_addr = "127.0.0.1:$rpc"
rpc_secret = "$(hex 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3"
root_domain = ".s3.localhost"

[admin]
api_bind_addr = "127.0.0.1:$admin"
TOML
chmod 600 "$dir/garage.toml"
g() { garage -c "$dir/garage.toml" "$@"; }
# Garage itself, not through `g`: a function run with `&` is a subshell, and stopping that
# left Garage running (two were found after suites that had ended).
garage -c "$dir/garage.toml" server >"$dir/garage.log" 2>&1 &
pid=$!
stop() {
  # A TERM first; what has not ended 5 s later is killed.
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT
up=0
for _ in $(seq 200); do
  if g status >/dev/null 2>&1; then up=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ $up = 1 ] || { echo "Garage did not start:" >&2; cat "$dir/garage.log" >&2; exit 1; }
node=$(g node id -q 2>/dev/null | cut -d@ -f1)
g layout assign -z local -c 1G "$node" >/dev/null
g layout apply --version 1 >/dev/null
key_id="GK$(hex 12)"
secret=$(hex 32)
g key import --yes -n parta-test "$key_id" "$secret" >/dev/null
g bucket create parta-test >/dev/null
g bucket allow --read --write --owner parta-test --key parta-test >/dev/null
export PARTA_TEST_S3_ENDPOINT="http://127.0.0.1:$s3"
export PARTA_TEST_S3_REGION=garage
export PARTA_TEST_S3_BUCKET=parta-test
export PARTA_TEST_S3_KEY_ID="$key_id"
export PARTA_TEST_S3_SECRET="$secret"
# Not `exec`: the trap stops Garage when the command ends.
"$@"
