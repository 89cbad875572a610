#!/usr/bin/env bash
# Regenerates the README screenshots from the real window (through the end-to-end test).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
export PARTA_SCREENSHOT_DIR="$PWD/docs/screenshots"
(cd ui && trunk build --release)
headless=()
[ -n "${DISPLAY:-}" ] || headless=(xvfb-run -a -s "-screen 0 1280x800x24")
scripts/with-keychain.sh "${headless[@]}" cargo test -p parta-desktop --test desktop
ls -l "$PARTA_SCREENSHOT_DIR"
