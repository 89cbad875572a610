#!/usr/bin/env bash
# Smoke-tests the packages scripts/package.sh made (in target/packages/, PARTA_PACKAGE_DIR
# elsewhere):
#   scripts/smoke-packages.sh [deb] [rpm] [appimage]    (every one that is there when none named)
# Each package is put into a throwaway root as it would be on a school's computer (the .deb
# installed by dpkg into a root of its own, the .rpm unpacked by rpm2cpio, the AppImage by its
# own runtime), then:
#   - its .desktop entry is valid and takes invitation links (`x-scheme-handler/parta`, `%u`);
#   - its declared dependencies are what the binary links, plus the tray indicator (loaded at
#     run time) and a keychain; the .deb's all exist in this system's archive;
#   - the packaged binary starts on the demo school under Xvfb (a window of its own, a
#     screenshot in PACKAGE_DIR/smoke/), and a `parta://join/…` link opened with xdg-open
#     through that .desktop entry reaches the running app once.
# Runs in a private D-Bus session with a fresh keychain and HOME (scripts/with-keychain.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
target=${CARGO_TARGET_DIR:-target}
dir=$(realpath "${PARTA_PACKAGE_DIR:-$target/packages}")

if [ "${PARTA_SMOKE_INSIDE:-}" != 1 ]; then
  # The tools, from Debian's packages.
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  missing=()
  for t in xvfb-run:xvfb xwininfo:x11-utils import:imagemagick desktop-file-validate:desktop-file-utils \
    xdg-open:xdg-utils rpm2cpio:rpm cpio:cpio dbus-run-session:dbus gnome-keyring-daemon:gnome-keyring; do
    command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf '\033[1m== %s\033[0m\n' "apt: installing ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
  fi
  export PARTA_SMOKE_INSIDE=1
  exec scripts/with-keychain.sh xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi

formats=("$@")
if [ ${#formats[@]} -eq 0 ]; then
  ls "$dir"/*.deb >/dev/null 2>&1 && formats+=(deb)
  ls "$dir"/*.rpm >/dev/null 2>&1 && formats+=(rpm)
  ls "$dir"/*.AppImage >/dev/null 2>&1 && formats+=(appimage)
  [ ${#formats[@]} -gt 0 ] || { echo "smoke: no packages in $dir (run scripts/package.sh)" >&2; exit 1; }
fi

say() { printf '\033[1m== %s\033[0m\n' "$*"; }
failures=0
passes=0
check() { # check WHAT COMMAND...: one line of the verdict
  local what=$1; shift
  if "$@"; then
    echo "  ok: $what"; passes=$((passes + 1))
  else
    echo "  FAILED: $what"; failures=$((failures + 1))
  fi
}
shots=$dir/smoke
mkdir -p "$shots"
work=$(mktemp -d)
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The shared libraries the binary links, by soname.
needed() { readelf -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'; }
# The tray indicator is opened at run time by this name.
tray_lib=libayatana-appindicator3.so.1

desktop_takes_links() { # FILE
  desktop-file-validate "$1" &&
    grep -Eq '^MimeType=(.*;)?x-scheme-handler/parta;' "$1" &&
    grep -Eq '^Exec=[^ ]+ %u$' "$1"
}

# Starts BINARY (with ARGS..., --demo: the demo school at once) as a user would: a fresh data folder, the .desktop entry DESKTOP
# registered for parta:// links; then the window, a screenshot NAME-demo.png, a link through
# xdg-open, and NAME-invitation.png.
run_app() { # NAME DESKTOP BINARY ARGS...
  local name=$1 desktop=$2; shift 2
  local home=$work/$name-home log=$work/$name.log
  mkdir -p "$home/.local/share/applications" "$home/.config"
  cp "$desktop" "$home/.local/share/applications/parta.desktop"
  HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config \
    update-desktop-database "$home/.local/share/applications"
  HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config \
    xdg-mime default parta.desktop x-scheme-handler/parta
  HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config \
    RUST_LOG=info "$@" >"$log" 2>&1 &
  app_pid=$!
  local waited=0
  until xwininfo -root -tree 2>/dev/null | grep -q '"parta-desktop"'; do
    sleep 1; waited=$((waited + 1))
    if [ $waited -ge 90 ] || ! kill -0 "$app_pid" 2>/dev/null; then break; fi
  done
  check "$name: the packaged app opens its window (${waited} s)" \
    bash -c "xwininfo -root -tree | grep -q '\"parta-desktop\"'"
  # The demo school's chat list takes a moment to draw after the window maps.
  sleep 8
  import -window root "$shots/$name-demo.png"
  check "$name: the demo school runs inside it" grep -q "parta-server listening.*127.0.0.1" "$log"
  local link="parta://join/0123456789abcdef0123456789abcdef?server=http%3A%2F%2F127.0.0.1%3A9"
  HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config \
    xdg-open "$link" >>"$work/$name-xdg.log" 2>&1 || true
  waited=0
  until grep -q "an invitation link came from another launch" "$log" || [ $waited -ge 30 ]; do
    sleep 1; waited=$((waited + 1))
  done
  sleep 3
  import -window root "$shots/$name-invitation.png"
  check "$name: a link opened with xdg-open reaches the running app once" \
    test "$(grep -c "an invitation link came from another launch" "$log")" = 1
  check "$name: the app still runs, one window" \
    bash -c "kill -0 $app_pid && test \"\$(xwininfo -root -tree | grep -c '\"parta-desktop\"')\" -ge 1"
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=
}

# The size target of every package (as the .deb was before these three).
small_enough() { # NAME FILE
  check "$1: at most 15 MB ($(stat -c %s "$2") bytes)" test "$(stat -c %s "$2")" -le 15000000
}

# The app as a root of its own has it installed: its bin on PATH, its own .desktop entry.
run_installed() { # NAME ROOT
  PATH=$2/usr/bin:$PATH run_app "$1" "$2/usr/share/applications/parta.desktop" \
    "$2/usr/bin/parta-desktop" --demo
}

for format in "${formats[@]}"; do
  case $format in
    deb)
      file=$(ls "$dir"/*.deb | head -1)
      say "deb: $(basename "$file")"
      root=$work/deb-root
      mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
      touch "$root/var/lib/dpkg/status"
      # Its own dpkg database: the dependencies are checked below, not installed here.
      dpkg --root="$root" --force-depends --log=/dev/null -i "$file" >"$work/dpkg.log" 2>&1
      check "deb: dpkg installs it into a root of its own" test -x "$root/usr/bin/parta-desktop"
      check "deb: its .desktop entry takes parta:// links" \
        desktop_takes_links "$root/usr/share/applications/parta.desktop"
      depends=$(dpkg-deb -f "$file" Depends)
      declared=$(echo "$depends" | tr ',|' '\n\n' | sed 's/(.*)//; s/ //g' | sort -u)
      owners=()
      for lib in $(needed "$root/usr/bin/parta-desktop"); do
        # (awk reads to the end: an early exit would fail ldconfig with SIGPIPE under pipefail)
        path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && !p { p = $NF } END { print p }')
        owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null || true)
        owner=${owner%%:*}
        owners+=("$owner")
        check "deb: $lib (linked, from $owner) is a dependency" grep -qx "$owner" <<<"$declared"
      done
      check "deb: the tray indicator (loaded at run time) is a dependency" \
        bash -c "grep -qa '$tray_lib' '$root/usr/bin/parta-desktop' && grep -qx libayatana-appindicator3-1 <<<'$declared'"
      check "deb: a Secret Service provider is a dependency" grep -q 'gnome-keyring |' <<<"$depends"
      extra=$(echo "$depends" | tr ',' '\n' | sed 's/(.*)//; s/ //g' | grep -v '|' |
        grep -vx -e libayatana-appindicator3-1 $(printf -- '-e %s ' "${owners[@]}") || true)
      check "deb: nothing declared that the binary does not use${extra:+ (extra: $extra)}" test -z "$extra"
      check "deb: every dependency is in this system's archive" \
        bash -c "apt-get install --simulate -q '$file' >'$work/apt.log' 2>&1"
      small_enough deb "$file"
      run_installed deb "$root"
      ;;
    rpm)
      file=$(ls "$dir"/*.rpm | head -1)
      say "rpm: $(basename "$file")"
      root=$work/rpm-root
      mkdir -p "$root"
      (cd "$root" && rpm2cpio "$file" | cpio -idm --quiet)
      check "rpm: it unpacks into a root of its own" test -x "$root/usr/bin/parta-desktop"
      check "rpm: its .desktop entry takes parta:// links" \
        desktop_takes_links "$root/usr/share/applications/parta.desktop"
      requires=$(rpm -qpR "$file" 2>/dev/null)
      for lib in $(needed "$root/usr/bin/parta-desktop"); do
        check "rpm: $lib (linked) is required by soname" grep -qxF "$lib()(64bit)" <<<"$requires"
      done
      check "rpm: the tray indicator (loaded at run time) is required" \
        grep -qxF "$tray_lib()(64bit)" <<<"$requires"
      check "rpm: a keychain is recommended" \
        bash -c "rpm -qp --recommends '$file' 2>/dev/null | grep -qx gnome-keyring"
      small_enough rpm "$file"
      run_installed rpm "$root"
      ;;
    appimage)
      file=$(ls "$dir"/*.AppImage | head -1)
      say "AppImage: $(basename "$file")"
      mkdir -p "$work/appimage"
      (cd "$work/appimage" && "$file" --appimage-extract >/dev/null)
      root=$work/appimage/squashfs-root
      check "AppImage: its runtime unpacks it" test -x "$root/usr/bin/parta-desktop"
      check "AppImage: AppRun starts the app" grep -q 'exec "$here/usr/bin/parta-desktop" "$@"' "$root/AppRun"
      check "AppImage: its .desktop entry takes parta:// links" desktop_takes_links "$root/parta.desktop"
      check "AppImage: it has its icon" test -s "$root/.DirIcon"
      check "AppImage: every library it links is on this system" \
        bash -c "! ldd '$root/usr/bin/parta-desktop' | grep -q 'not found'"
      small_enough AppImage "$file"
      # As AppImage integration does: the entry runs the AppImage itself. Without FUSE (as in
      # a container) the runtime unpacks and runs.
      sed "s|^Exec=parta-desktop|Exec=$file|" "$root/parta.desktop" >"$work/appimage.desktop"
      APPIMAGE_EXTRACT_AND_RUN=1 run_app appimage "$work/appimage.desktop" "$file" --demo
      ;;
    *)
      echo "smoke: unknown format '$format' (deb, rpm or appimage)" >&2
      exit 2
      ;;
  esac
done

echo "smoke: $passes passed, $failures failed"
[ "$failures" = 0 ]
