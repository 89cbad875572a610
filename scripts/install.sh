#!/usr/bin/env bash
# Installs everything Parta needs on Debian/Ubuntu, skipping what is already there.
#   scripts/install.sh              everything, including tauri-cli (to build the app bundle)
#   scripts/install.sh --for-tests  what the test suite needs (no tauri-cli)
# Idempotent: run it as often as you like. Nothing is downloaded from outside the Debian and
# crates.io registries.
set -euo pipefail
cd "$(dirname "$0")/.."

for_tests=0
[ "${1:-}" = "--for-tests" ] && for_tests=1

say() { printf '\033[1m== %s\033[0m\n' "$*"; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# --- System packages (WebKitGTK for Tauri, Secret Service, Xvfb and WebKitWebDriver) -------
apt_packages=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libssl-dev libdbus-1-dev libsecret-1-dev
  xvfb xauth webkit2gtk-driver dbus-x11 gnome-keyring imagemagick dunst libglib2.0-bin
)
# nginx only for the tests (the reverse-proxy test runs its own, on a port of its own): the app
# itself never needs a web server on a parent's laptop.
[ "$for_tests" = 1 ] && apt_packages+=(nginx)
# PostgreSQL's server programs, for the tests alone: scripts/with-postgres.sh starts a throwaway
# cluster of its own (the store's suite and the server suite run on it as well as on SQLite).
[ "$for_tests" = 1 ] && apt_packages+=(postgresql)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
else
  say "apt: all ${#apt_packages[@]} packages present"
fi

# --- Rust ------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v rustup >/dev/null 2>&1; then
  if apt-cache show rustup >/dev/null 2>&1; then
    say "rustup: installing Debian's package"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q rustup
    rustup default stable
  else
    echo "Rust is missing and this Debian has no rustup package: install Rust 1.95+ (https://rustup.rs), then run this again." >&2
    exit 1
  fi
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo install NAME, unless `CHECK` already prints a line matching VERSION_REGEX.
cargo_tool() {
  local name=$1 check=$2 want=$3; shift 3
  if $check 2>/dev/null | grep -Eq "$want"; then
    say "$name: present ($($check 2>/dev/null | head -1))"
  else
    say "$name: installing (this takes a few minutes once)"
    cargo install "$name" "$@"
  fi
}

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
# 0.2.130's own lock file wants a crate version the registry lacks: install it unlocked.
cargo_tool wasm-bindgen-cli "wasm-bindgen --version" "^wasm-bindgen ${wb_version//./\\.}\$" --version "$wb_version"
cargo_tool trunk "trunk --version" '^trunk 0\.21\.' --version '~0.21' --locked
cargo_tool tauri-driver "tauri-driver --help" 'tauri-driver|webdriver' --locked
# Garage, the S3-compatible object store the server's tests keep files in (scripts/with-s3.sh):
# about 8 minutes to build once on two cores.
if [ $for_tests = 1 ]; then
  cargo_tool garage "garage --version" '^garage (v|cargo:)?2\.' --version '~2.5' --locked
fi
if [ $for_tests = 0 ]; then
  cargo_tool tauri-cli "cargo tauri --version" '^tauri-cli 2\.' --version '^2' --locked
fi
command -v WebKitWebDriver >/dev/null || { echo "WebKitWebDriver is missing (package webkit2gtk-driver)" >&2; exit 1; }

# --- Node.js and the official MAX SDK, which a server test drives ------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "apt: installing nodejs npm"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q nodejs npm
fi
sdk=crates/parta-server/tests/sdk
if [ ! -f "$sdk/node_modules/.package-lock.json" ] || [ "$sdk/package-lock.json" -nt "$sdk/node_modules/.package-lock.json" ]; then
  say "npm: installing the MAX SDK for the server's tests"
  npm ci --prefix "$sdk" --no-audit --no-fund
else
  say "npm: the MAX SDK is present"
fi
say "install: done"
