#!/usr/bin/env bash
# Parta for Windows x86_64, cross-built on this Linux machine with Debian's mingw-w64, and
# checked under Debian's Wine as far as Wine can go:
#   scripts/windows.sh test        the client core's tests as Windows binaries under Wine
#   scripts/windows.sh installer   the app (release) and its NSIS installer in target/packages/,
#                                  then the installer run under Wine: installed, parta:// taken,
#                                  uninstalled
#   scripts/windows.sh             both
# The window itself (WebView2) cannot run under Wine: see docs/install.md for what is and is not
# verified.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(test installer)
for s in "${steps[@]}"; do
  case $s in
    test | installer) ;;
    *) echo "windows: unknown step '$s' (test or installer)" >&2; exit 2 ;;
  esac
done
want() { [[ " ${steps[*]} " == *" $1 "* ]]; }
say() { printf '\033[1m== %s\033[0m\n' "$*"; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# --- Tools: mingw-w64, Wine and NSIS from Debian; the Rust target from rustup ----------------
missing=()
for t in x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64 wine:wine wine64:wine64 makensis:nsis; do
  command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
triple=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx $triple || rustup target add $triple

target=${CARGO_TARGET_DIR:-target}
win=$target/$triple
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc

# A Wine of our own (not the user's ~/.wine), quiet.
export WINEPREFIX=${PARTA_WINEPREFIX:-$(realpath -m "$target")/wine}
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  say "wine: a prefix of its own in $WINEPREFIX"
  wineboot --init >/dev/null 2>&1
fi

failures=0
passes=0

if want test; then
  # Wine 8.0 has no bcryptprimitives.dll, from which Rust's standard library imports
  # ProcessPrng: a shim of a few lines (packaging/windows/processprng.c) beside the binaries.
  shim=$win/shim
  mkdir -p "$shim"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$shim/bcryptprimitives.dll" \
    packaging/windows/processprng.c -ladvapi32
  export WINEPATH=$(winepath -w "$shim" 2>/dev/null)
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
  say "client core: cargo test --target $triple under Wine"
  log=$(mktemp)
  set +e
  cargo test -p parta-client --target $triple --locked --no-fail-fast 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } } END { print p + 0, f + 0 }' "$log")
  rm -f "$log"
  passes=$((passes + p))
  failures=$((failures + f))
  [ "$status" = 0 ] || [ "$f" -gt 0 ] || failures=$((failures + 1))
fi

if want installer; then
  say "UI: trunk build --release"
  (cd ui && trunk build --release)
  say "app: cargo build --release --target $triple"
  cargo build --release --locked -p parta-desktop --target $triple
  version=$(awk -F'"' '/^\[workspace.package\]/ { w = 1 } w && /^version = / { print $2; exit }' Cargo.toml)
  out=${PARTA_PACKAGE_DIR:-$target/packages}
  mkdir -p "$out"
  # WebView2Loader.dll: webview2-com-sys ships it for the GNU target and its build puts it
  # beside the binary; the app cannot open a window without it.
  loader=$win/release/WebView2Loader.dll
  [ -f "$loader" ] || loader=$(find "$win/release/build" -name WebView2Loader.dll -path '*/x64/*' | head -1)
  [ -n "$loader" ] || { echo "windows: WebView2Loader.dll was not found under $win/release" >&2; exit 1; }
  installer=$out/Parta-$version-setup.exe
  say "NSIS: $(basename "$installer")"
  makensis -V2 -INPUTCHARSET UTF8 \
    "-DVERSION=$version" "-DAPP=$(realpath "$win/release/parta-desktop.exe")" \
    "-DLOADER=$(realpath "$loader")" "-DICON=$(realpath icons/icon.ico)" \
    "-DOUTFILE=$(realpath -m "$installer")" packaging/windows/installer.nsi
  echo "$(stat -c %s "$installer") $(basename "$installer")" >>"$out/SIZES.txt"
  say "$(basename "$installer"): $(du -h "$installer" | cut -f1)"

  say "installer under Wine: silent install, parta:// registered, silent uninstall"
  check() {
    local what=$1; shift
    if "$@"; then echo "  ok: $what"; passes=$((passes + 1)); else echo "  FAILED: $what"; failures=$((failures + 1)); fi
  }
  wine "$installer" /S
  wineserver -w
  appdata=$(winepath -u "$(wine cmd /c 'echo %LOCALAPPDATA%' 2>/dev/null | tr -d '\r')")
  dir=$appdata/Programs/Parta
  check "installed into %LOCALAPPDATA%\\Programs\\Parta" test -f "$dir/parta-desktop.exe"
  check "WebView2Loader.dll beside the app" test -f "$dir/WebView2Loader.dll"
  check "the installed app is the one built" cmp -s "$dir/parta-desktop.exe" "$win/release/parta-desktop.exe"
  check "parta:// links open the app" \
    bash -c "wine reg query 'HKCU\\Software\\Classes\\parta\\shell\\open\\command' /ve 2>/dev/null | tr -d '\r' | grep -qF 'parta-desktop.exe\" \"%1\"'"
  check "a Start menu entry" bash -c "find '$(dirname "$appdata")' -path '*Start Menu*' -iname '*.lnk' | grep -q ."
  check "an entry under Apps & features" \
    bash -c "wine reg query 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Parta' /v DisplayVersion 2>/dev/null | grep -q '$version'"
  wine "$dir/uninstall.exe" /S
  wineserver -w
  # The uninstaller copies itself away and runs from there: give it a moment to finish.
  for _ in $(seq 1 20); do [ -e "$dir/parta-desktop.exe" ] || break; sleep 0.5; done
  check "uninstalled: the app is gone" test ! -e "$dir/parta-desktop.exe"
  check "uninstalled: the Start menu entry is gone" \
    bash -c "! find '$(dirname "$appdata")' -path '*Start Menu*' -iname '*.lnk' | grep -q ."
  check "uninstalled: parta:// is no longer registered" \
    bash -c "! wine reg query 'HKCU\\Software\\Classes\\parta' >/dev/null 2>&1"

  # The app's updater runs the new installer as `/S /UPDATE /R` and ends itself; `/R` must
  # start the new Parta. The app cannot run under Wine (no WebView2), so a program that only
  # notes it was started stands in for it in an installer built the same way.
  say "the updater's way: /S /UPDATE installs over it, /R starts the new Parta"
  helper=$(mktemp -d)
  cat >"$helper/started.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s\\parta-started.txt", getenv("LOCALAPPDATA"));
  FILE *f = fopen(path, "w");
  if (f) { fputs("started\n", f); fclose(f); }
  return 0;
}
C
  x86_64-w64-mingw32-gcc -O2 -o "$helper/parta-desktop.exe" "$helper/started.c"
  makensis -V1 -INPUTCHARSET UTF8 "-DVERSION=$version" "-DAPP=$helper/parta-desktop.exe" \
    "-DLOADER=$(realpath "$loader")" "-DICON=$(realpath icons/icon.ico)" \
    "-DOUTFILE=$helper/update-setup.exe" packaging/windows/installer.nsi
  rm -f "$appdata/parta-started.txt"
  wine "$helper/update-setup.exe" /S /UPDATE
  wineserver -w
  check "an update without /R installs and starts nothing" \
    bash -c "cmp -s '$dir/parta-desktop.exe' '$helper/parta-desktop.exe' && test ! -e '$appdata/parta-started.txt'"
  wine "$helper/update-setup.exe" /S /UPDATE /R
  wineserver -w
  for _ in $(seq 1 20); do [ ! -e "$appdata/parta-started.txt" ] || break; sleep 0.5; done
  check "with /R the new Parta is started" test -e "$appdata/parta-started.txt"
  wine "$dir/uninstall.exe" /S
  wineserver -w
  rm -rf "$helper" "$appdata/parta-started.txt"
fi

echo "windows: $passes passed, $failures failed"
[ "$failures" = 0 ]
