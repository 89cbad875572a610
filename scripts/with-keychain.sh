#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so tests
# use the real Secret Service without touching the user's own keychain.
#   scripts/with-keychain.sh COMMAND [ARGS...]
set -euo pipefail
if [ "${PARTA_IN_KEYCHAIN_SESSION:-}" = 1 ]; then
  # Inner half: we are inside dbus-run-session now.
  export HOME="$PARTA_KEYCHAIN_HOME"
  mkdir -p "$HOME/.local/share/keyrings"
  eval "$(printf 'parta-test' | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"
fi
command -v dbus-run-session >/dev/null || { echo "dbus-run-session is missing: run scripts/install.sh" >&2; exit 1; }
command -v gnome-keyring-daemon >/dev/null || { echo "gnome-keyring is missing: run scripts/install.sh" >&2; exit 1; }
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
# Keep the real cargo/rustup homes: only the keyring's HOME is fresh.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
PARTA_IN_KEYCHAIN_SESSION=1 PARTA_KEYCHAIN_HOME="$keyring_home" \
  dbus-run-session -- "$0" "$@"
