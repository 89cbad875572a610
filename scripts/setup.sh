#!/usr/bin/env bash
# On a fresh Debian/Ubuntu machine: installs everything, builds Parta and opens it on the demo
# school. Without a display it runs under Xvfb and saves a screenshot instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

scripts/install.sh
printf '\033[1m== %s\033[0m\n' "building Parta (release)"
cargo tauri build --no-bundle
app="${CARGO_TARGET_DIR:-target}/release/parta-desktop"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$app" --demo
fi
echo "No display here: running Parta under Xvfb with a throwaway keychain."
echo "A screenshot goes to parta-demo.png; Ctrl+C stops."
shot="$PWD/parta-demo.png"
scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$1" --demo & app=$!
  sleep 10; import -window root "$2" && echo "screenshot: $2"
  wait $app' _ "$app" "$shot"
