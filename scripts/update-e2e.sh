#!/usr/bin/env bash
# Issue 18's end-to-end check of updates, too slow for CI (two release builds, about 4 minutes
# each once the dependencies are built): an AppImage of version A updates itself to B through a
# parta-server on this computer, in the real window.
#   scripts/update-e2e.sh
# A key pair of its own signs B (the real release key stays with whoever makes releases); A and
# B are built with its public half in them, B as version A's patch + 1. Then
# `updates::an_appimage_updates_itself_from_a_to_b` (ignored in the suite) runs under Xvfb with
# the keychain: the server offers B with its notes; A downloads it, checks the signature,
# replaces itself, restarts into B, and B says it is B.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m== %s\033[0m\n' "$*"; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
command -v minisign >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q minisign

target=${CARGO_TARGET_DIR:-target}
work=$target/update-e2e
rm -rf "$work"
mkdir -p "$work/a" "$work/b" "$work/releases"
work=$(cd "$work" && pwd)

say "a key pair for this run"
minisign -G -W -p "$work/test.pub" -s "$work/test.key" >/dev/null
PARTA_UPDATER_PUBKEY=$(base64 -w0 "$work/test.pub")
export PARTA_UPDATER_PUBKEY

a=$(awk -F'"' '/^\[workspace.package\]/ { w = 1 } w && /^version = / { print $2; exit }' Cargo.toml)
b=$(echo "$a" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
started=$(date +%s)
say "A: $a"
PARTA_VERSION=$a PARTA_PACKAGE_DIR=$work/a scripts/package.sh appimage
built_a=$(date +%s)
say "B: $b"
PARTA_VERSION=$b PARTA_PACKAGE_DIR=$work/b scripts/package.sh appimage
built_b=$(date +%s)

say "the school's updates folder"
release=$work/releases/Parta-$b-x86_64.AppImage
cp "$work/b/Parta-$b-x86_64.AppImage" "$release"
PARTA_RELEASE_KEY=$work/test.key scripts/sign-release.sh "$release" "$b"
echo "Версия $b: проверка обновления." >"$work/releases/Parta-$b.notes.ru.txt"
echo "Version $b: the update check." >"$work/releases/Parta-$b.notes.en.txt"

say "A -> B in the window"
PARTA_UPDATE_A=$work/a/Parta-$a-x86_64.AppImage PARTA_UPDATE_B=$release PARTA_UPDATE_RELEASES=$work/releases \
PARTA_UPDATE_VERSIONS="$a $b" \
  scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --locked -p parta-desktop --test desktop -- --ignored --exact \
  updates::an_appimage_updates_itself_from_a_to_b
echo "update-e2e: A built in $((built_a - started)) s, B in $((built_b - built_a)) s, test passed"
