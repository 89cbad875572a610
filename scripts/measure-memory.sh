#!/usr/bin/env bash
# Idle memory of the demo window: PSS summed over the app and all its WebKit processes.
#   scripts/measure-memory.sh [APP_BINARY]   (default: the release build)
# Runs under Xvfb with a private keychain; prints one line per process and the total in MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-${CARGO_TARGET_DIR:-target}/release/parta-desktop}"
[ -x "$app" ] || { echo "no app at $app: build it first (cargo tauri build --no-bundle)" >&2; exit 1; }
if [ -z "${PARTA_MEASURE_INNER:-}" ]; then
  export PARTA_MEASURE_INNER=1
  exec scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$app"
fi
data=$(mktemp -d)
PARTA_DATA_DIR="$data" "$app" --demo >/dev/null 2>&1 &
pid=$!
sleep "${PARTA_MEASURE_SETTLE:-20}"
pss() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
total=0
for p in "$pid" $(descendants "$pid"); do
  kb=$(pss "$p"); total=$((total + kb))
  awk -v n="$(cat "/proc/$p/comm" 2>/dev/null || echo "$p")" -v kb="$kb" 'BEGIN {printf "%-28s %8.1f MiB\n", n, kb/1024}'
done
awk -v kb="$total" 'BEGIN {printf "%-28s %8.1f MiB\n", "total PSS", kb/1024}'
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -rf "$data"
