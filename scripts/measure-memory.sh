#!/usr/bin/env bash
# Idle memory of the demo window: PSS summed over the app and all its WebKit processes.
#   scripts/measure-memory.sh [APP_BINARY]   (default: the release build)
# Runs under Xvfb with a private keychain; prints one line per process and the total in MiB.
# Then the app signed in to a school's server running as its own process (issue 20), the empty
# WebKitGTK window (the floor), and, if Debian's telegram-desktop is installed, its welcome screen,
# all the same way in the same session, with the ratios (issue 20's targets: signed in <= 0.75x
# Telegram and <= 25 MiB above the floor).
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-${CARGO_TARGET_DIR:-target}/release/parta-desktop}"
[ -x "$app" ] || { echo "no app at $app: build it first (cargo tauri build --no-bundle)" >&2; exit 1; }
if [ -z "${PARTA_MEASURE_INNER:-}" ]; then
  export PARTA_MEASURE_INNER=1
  exec scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$app"
fi
pss() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
# Sums PSS (KiB) over process $1 and its descendants, printing one line each; the sum goes to
# the variable named $2.
measure() {
  local pid=$1 sum=0 p kb
  for p in "$pid" $(descendants "$pid"); do
    kb=$(pss "$p"); sum=$((sum + kb))
    awk -v n="$(cat "/proc/$p/comm" 2>/dev/null || echo "$p")" -v kb="$kb" 'BEGIN {printf "  %-26s %8.1f MiB\n", n, kb/1024}'
  done
  printf -v "$2" '%s' "$sum"
}
# Starts a program (`env` form: VAR=value... command args...), lets it settle, prints its PSS
# under the heading $2 and ends it; the total (KiB) goes to the variable named $1.
idle_pss() {
  local into=$1 heading=$2 pid; shift 2
  env "$@" >/dev/null 2>&1 &
  pid=$!
  sleep "${PARTA_MEASURE_SETTLE:-20}"
  echo "$heading"
  measure "$pid" "$into"
  awk -v kb="${!into}" 'BEGIN {printf "  %-26s %8.1f MiB\n", "total PSS", kb/1024}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
data=$(mktemp -d)
idle_pss total "Parta, demo school open, idle:" PARTA_DATA_DIR="$data" "$app" --demo
rm -rf "$data"
# As a teacher runs it (issue 20): signed in to the school's server running as a process of its
# own (the demo school's size), the cache filled by a first sync through the parta command, and
# no server inside the app. Needs parta-server and parta built beside the app.
bin=$(dirname "$app")
if [ -x "$bin/parta-server" ] && [ -x "$bin/parta" ]; then
  school=$(mktemp -d)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin/parta-server" --demo --db "$school/school.sqlite" --bind "127.0.0.1:$port" >"$school/out" 2>"$school/log" &
  server=$!
  for _ in $(seq 100); do grep -q "listening on" "$school/out" 2>/dev/null && break; sleep 0.1; done
  signed=$(mktemp -d)
  echo parta-demo | PARTA_DATA_DIR="$signed" "$bin/parta" login --server "http://127.0.0.1:$port" --login a.sokolova >/dev/null
  PARTA_DATA_DIR="$signed" "$bin/parta" sync >/dev/null
  idle_pss signed_kb "Parta, signed in to the school's server (a process of its own), cache synced, idle:" \
    PARTA_DATA_DIR="$signed" "$app"
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$school" "$signed"
else
  echo "(not measured signed in: build parta-server and parta beside the app, cargo build --release -p parta-server -p parta-cli)"
fi
# The floor of any WebKitGTK window: WebKitGTK's own MiniBrowser showing a blank page, drawn as
# Parta draws by default (without accelerated compositing, see src-tauri/src/graphics.rs).
mini=$(ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser 2>/dev/null | head -1)
if [ -n "$mini" ]; then
  idle_pss floor "WebKitGTK's MiniBrowser on about:blank, compositing off (the floor of a WebKitGTK window), idle:" \
    WEBKIT_DISABLE_COMPOSITING_MODE=1 "$mini" about:blank
fi
if command -v telegram-desktop >/dev/null; then
  tg=$(mktemp -d)
  idle_pss telegram "Telegram Desktop $(dpkg-query -W -f '${Version}' telegram-desktop 2>/dev/null), welcome screen, idle:" \
    telegram-desktop -many -workdir "$tg"
  awk -v a="$total" -v b="$telegram" 'BEGIN {printf "Parta (demo) / Telegram: %.2fx\n", a/b}'
  [ -n "${signed_kb:-}" ] && awk -v a="$signed_kb" -v b="$telegram" 'BEGIN {printf "Parta (signed in) / Telegram: %.2fx (target <= 0.75x)\n", a/b}'
  [ -n "${floor:-}" ] && awk -v a="$floor" -v b="$telegram" 'BEGIN {printf "blank WebKitGTK window / Telegram: %.2fx\n", a/b}'
  [ -n "${floor:-}" ] && [ -n "${signed_kb:-}" ] && awk -v a="$signed_kb" -v b="$floor" 'BEGIN {printf "Parta (signed in) above the floor: %.1f MiB (target <= 25 MiB)\n", (a-b)/1024}'
  rm -rf "$tg"
fi
