#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite: formatting, clippy, unit and
# integration tests, and the end-to-end test through the real window. Headless when there is
# no display (Xvfb), always with a private D-Bus session and an unlocked gnome-keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

scripts/install.sh --for-tests

step() { printf '\033[1m== %s\033[0m\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "UI: trunk build --release"
(cd ui && trunk build --release)
step "clippy (host, all targets) and clippy (UI for wasm)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p parta-ui --target wasm32-unknown-unknown --locked -- -D warnings
step "tests (cargo builds the app binary for the end-to-end test)"
headless=()
if [ -z "${DISPLAY:-}" ]; then
  headless=(xvfb-run -a -s "-screen 0 1280x800x24")
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
scripts/with-keychain.sh "${headless[@]}" cargo test --workspace --locked 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole suite: cargo prints a result per test binary (the last one is
# usually an empty doc-test run), which would otherwise read as "no tests ran".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "suite: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
