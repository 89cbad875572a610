#!/usr/bin/env bash
# Signs a release file for the app's updater:
#   scripts/sign-release.sh FILE VERSION
# writes FILE.sig as the updater reads it (and `cargo tauri signer sign` writes it): the minisign
# signature, base64, its trusted comment naming the file and the version, which the app checks
# against the version the server offers. The key is a minisign secret key file:
# PARTA_RELEASE_KEY, or ~/.config/parta/release.key. It never goes into the repository; its
# public half is tauri.conf.json's plugins.updater.pubkey (docs/install.md, "Updates").
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/sign-release.sh FILE VERSION" >&2; exit 2; }
file=$1 version=$2
key=${PARTA_RELEASE_KEY:-$HOME/.config/parta/release.key}
[ -f "$file" ] || { echo "sign-release: no file $file" >&2; exit 1; }
[ -f "$key" ] || { echo "sign-release: no release key at $key (set PARTA_RELEASE_KEY)" >&2; exit 1; }
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "sign-release: '$version' is not MAJOR.MINOR.PATCH" >&2; exit 2; }
if ! command -v minisign >/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q minisign
fi
signature=$(mktemp)
trap 'rm -f "$signature"' EXIT
comment="timestamp:$(date +%s)"$'\t'"file:$(basename "$file")"$'\t'"version:$version"
minisign -S -s "$key" -m "$file" -x "$signature" -t "$comment" -c "signature from the Parta release key" </dev/null >/dev/null
base64 -w0 "$signature" >"$file.sig"
echo "sign-release: $file.sig"
