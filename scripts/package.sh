#!/usr/bin/env bash
# Builds Parta's Linux packages from one release build of the app:
#   scripts/package.sh [deb] [rpm] [appimage]     (all three when none is named)
# into target/packages/ (PARTA_PACKAGE_DIR elsewhere), with their sizes in SIZES.txt:
#   parta_VERSION_amd64.deb          Debian, Ubuntu, Astra Linux
#   parta-VERSION-1.x86_64.rpm       RED OS, ALT, ROSA
#   Parta-VERSION-x86_64.AppImage    any of them, without installing
# PARTA_PACKAGE_SKIP_BUILD=1 packages the release binary already built.
# PARTA_VERSION builds another version than Cargo.toml's (a test release), PARTA_UPDATER_PUBKEY
# another release key's public half (tauri-signer's form: the minisign .pub file, base64) for a
# school that signs its own builds, or the update test (scripts/update-e2e.sh).
#
# Every package holds the same tree (packaging/linux/ and icons/): the binary, a .desktop entry
# that takes invitation links (`parta://`), icons and AppStream metadata. WebKitGTK 4.1, libdbus
# and the tray indicator come from the system (declared as dependencies in the .deb and .rpm;
# the AppImage needs them present), which keeps each package near 12 MiB.
# scripts/smoke-packages.sh checks what comes out.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

formats=("$@")
[ ${#formats[@]} -eq 0 ] && formats=(deb rpm appimage)
want() { [[ " ${formats[*]} " == *" $1 "* ]]; }
for f in "${formats[@]}"; do
  case $f in
    deb | rpm | appimage) ;;
    *) echo "package: unknown format '$f' (deb, rpm or appimage)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m== %s\033[0m\n' "$*"; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# --- Tools, from Debian's packages -------------------------------------------------------------
tools=(dpkg-shlibdeps:dpkg-dev)
want rpm && tools+=(rpmbuild:rpm)
want appimage && tools+=(mksquashfs:squashfs-tools)
missing=()
for t in "${tools[@]}"; do
  command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

version=$(awk -F'"' '/^\[workspace.package\]/ { w = 1 } w && /^version = / { print $2; exit }' Cargo.toml)
[ -n "$version" ] || { echo "package: no version in Cargo.toml's [workspace.package]" >&2; exit 1; }
if [ -n "${PARTA_VERSION:-}${PARTA_UPDATER_PUBKEY:-}" ]; then
  version=${PARTA_VERSION:-$version}
  # Merged into tauri.conf.json by tauri's build and context macro.
  TAURI_CONFIG=$(python3 -c 'import json, os, sys
c = {"version": sys.argv[1]}
if os.environ.get("PARTA_UPDATER_PUBKEY"):
    c["plugins"] = {"updater": {"pubkey": os.environ["PARTA_UPDATER_PUBKEY"]}}
print(json.dumps(c))' "$version")
  export TAURI_CONFIG
fi
target=${CARGO_TARGET_DIR:-target}
out=${PARTA_PACKAGE_DIR:-$target/packages}
bin=$target/release/parta-desktop

if [ "${PARTA_PACKAGE_SKIP_BUILD:-0}" != 1 ]; then
  say "UI: trunk build --release"
  (cd ui && trunk build --release)
  say "app: cargo build --release"
  cargo build --release --locked -p parta-desktop
fi
[ -x "$bin" ] || { echo "package: $bin is missing (build it, or drop PARTA_PACKAGE_SKIP_BUILD)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"

# --- The tree every package installs -----------------------------------------------------------
root=$stage/root
install -Dm755 "$bin" "$root/usr/bin/parta-desktop"
install -Dm644 packaging/linux/parta.desktop "$root/usr/share/applications/parta.desktop"
for icon in 32x32:32x32.png 128x128:128x128.png 256x256:128x128@2x.png 512x512:icon.png; do
  install -Dm644 "icons/${icon#*:}" "$root/usr/share/icons/hicolor/${icon%%:*}/apps/parta.png"
done
mkdir -p "$root/usr/share/metainfo"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u +%F)/" \
  packaging/linux/ru.parta.desktop.metainfo.xml >"$root/usr/share/metainfo/ru.parta.desktop.metainfo.xml"
install -Dm644 packaging/linux/copyright "$root/usr/share/doc/parta/copyright"

# The long description, shared by the .deb and the .rpm.
description=$(sed -n '/^Description:/,$p' packaging/linux/description | tail -n +2)
summary=$(sed -n 's/^Description: //p' packaging/linux/description)

sizes=()
record() { sizes+=("$(stat -c %s "$1") $(basename "$1")"); say "$(basename "$1"): $(du -h "$1" | cut -f1)"; }

# --- .deb ---------------------------------------------------------------------------------------
if want deb; then
  say "deb"
  deb=$stage/deb
  cp -a "$root" "$deb"
  mkdir -p "$deb/DEBIAN" "$stage/shlibs/debian"
  # Depends: what the binary links, as Debian's own tool words it (package and least version);
  # then what is loaded at run time (the tray indicator) and a Secret Service provider, without
  # which Parta cannot keep the password (the sign-in says so; the package brings one).
  printf 'Source: parta\n\nPackage: parta\nArchitecture: any\n' >"$stage/shlibs/debian/control"
  linked=$(cd "$stage/shlibs" && dpkg-shlibdeps -O "$deb/usr/bin/parta-desktop" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
  [ -n "$linked" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
  depends="$linked, libayatana-appindicator3-1, gnome-keyring | libkf5wallet-bin (>= 5.97) | keepassxc"
  {
    echo "Package: parta"
    echo "Version: $version"
    echo "Architecture: amd64"
    echo "Maintainer: Parta developers <parta@example.invalid>"
    echo "Installed-Size: $(du -sk "$root" | cut -f1)"
    echo "Depends: $depends"
    echo "Section: education"
    echo "Priority: optional"
    echo "Homepage: https://example.invalid/parta"
    echo "Description: $summary"
    # Debian's long description: each line indented by one space, an empty one written " .".
    printf '%s\n' "$description" | sed -e 's/^$/./' -e 's/^/ /'
  } >"$deb/DEBIAN/control"
  (cd "$deb" && find usr -type f -exec md5sum {} + >DEBIAN/md5sums)
  file=$out/parta_${version}_amd64.deb
  dpkg-deb --root-owner-group -Zxz --build "$deb" "$file" >/dev/null
  record "$file"
fi

# --- .rpm ---------------------------------------------------------------------------------------
if want rpm; then
  say "rpm"
  top=$stage/rpmbuild
  mkdir -p "$top/SPECS"
  # Requires by soname (rpm's own generator reads the binary): the same on RED OS, ALT and ROSA,
  # whose package names for WebKitGTK differ.
  {
    sed -n '1,/^%description/p' packaging/linux/parta.spec
    printf '%s\n' "$description"
    sed -n '/^%description/,$p' packaging/linux/parta.spec | tail -n +2
  } >"$top/SPECS/parta.spec"
  rpmbuild --quiet -bb "$top/SPECS/parta.spec" \
    --define "_topdir $top" --define "parta_root $root" \
    --define "parta_version $version" --define "parta_summary $summary" >/dev/null
  file=$out/parta-$version-1.x86_64.rpm
  cp "$top/RPMS/x86_64/parta-$version-1.x86_64.rpm" "$file"
  record "$file"
fi

# --- AppImage -----------------------------------------------------------------------------------
if want appimage; then
  say "AppImage"
  # The AppImage runtime (AppImageKit's type-2 runtime: mounts the image through FUSE, or with
  # --appimage-extract-and-run unpacks it) as the `appimage` crate on crates.io ships it; the
  # hash pins the one checked here.
  runtime_sha=328e0d745c5c6817048c27bc3e8314871703f8f47ffa81a37cb06cd95a94b323
  mkdir -p "$stage/runtime/src"
  printf '[package]\nname = "runtime"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nappimage = "=0.4.0"\n' \
    >"$stage/runtime/Cargo.toml"
  echo 'fn main() {}' >"$stage/runtime/src/main.rs"
  (cd "$stage/runtime" && cargo fetch --quiet --target x86_64-unknown-linux-gnu)
  crate=$(cd "$stage/runtime" && cargo metadata --format-version 1 --offline |
    python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "appimage"))')
  runtime=$(dirname "$crate")/assets/runtime-x86_64
  echo "$runtime_sha  $runtime" | sha256sum --check --quiet
  app=$stage/Parta.AppDir
  cp -a "$root" "$app"
  install -m755 packaging/linux/AppRun "$app/AppRun"
  cp packaging/linux/parta.desktop "$app/parta.desktop"
  cp icons/128x128@2x.png "$app/parta.png"
  ln -s parta.png "$app/.DirIcon"
  mksquashfs "$app" "$stage/app.squashfs" -root-owned -noappend -quiet -comp xz -b 1M >/dev/null
  file=$out/Parta-$version-x86_64.AppImage
  cat "$runtime" "$stage/app.squashfs" >"$file"
  chmod 755 "$file"
  record "$file"
fi

printf '%s\n' "${sizes[@]}" >"$out/SIZES.txt"
say "packages in $out"
