#!/usr/bin/env bash
# Installs Flow Desk's .deb, starts the installed app headless on a throwaway HOME with no
# keychain, checks that its window is up, that it painted the builder and that its local
# sandbox answers, then removes and purges the package and checks its files are gone.
# Needs root (or sudo) for dpkg, and Xvfb.
#
#   scripts/package-test.sh              the newest .deb of a release build (make deb)
#   scripts/package-test.sh --debug      the newest .deb of `npx tauri build --debug --bundles deb`
#   scripts/package-test.sh FILE.deb
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

case "${1:-}" in
  "") deb=$(ls -t target/release/bundle/deb/Flow\ Desk_*_amd64.deb 2>/dev/null | head -1 || true) ;;
  --debug) deb=$(ls -t target/debug/bundle/deb/Flow\ Desk_*_amd64.deb 2>/dev/null | head -1 || true) ;;
  *) deb=$1 ;;
esac
[ -n "$deb" ] && [ -f "$deb" ] || { echo "package-test: no .deb found: run \`make deb\` first" >&2; exit 1; }
deb=$(realpath "$deb")
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
pkg=$(dpkg-deb -f "$deb" Package)
bin=/usr/bin/$(dpkg-deb -c "$deb" | awk '$6 ~ /^(\.\/)?usr\/bin\/[^\/]+$/ {n = split($6, p, "/"); print p[n]; exit}')
[ "$bin" != /usr/bin/ ] || { echo "package-test: $deb holds nothing in /usr/bin" >&2; exit 1; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
ok() { echo "package-test: ok: $*"; }

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  fail "$pkg is already installed on this machine; remove it first (this test installs and purges it)"
fi

scratch=$(mktemp -d /tmp/flowdesk-pkgtest.XXXXXX)
app_pid=""; xvfb_pid=""; installed=""
cleanup() {
  if [ -n "$app_pid" ]; then kill -- "-$app_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
  # A failed run leaves nothing installed either.
  if [ -n "$installed" ]; then $SUDO dpkg -P "$pkg" >/dev/null 2>&1 || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

echo "=== install $deb ($(du -h "$deb" | cut -f1))"
installed=1
if ! $SUDO dpkg -i "$deb"; then
  echo "package-test: dpkg -i left dependencies to resolve: apt-get install -f"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >/dev/null
fi
dpkg-query -W -f='${Status}' "$pkg" | grep -q "install ok installed" || fail "$pkg is not installed"
files=$(dpkg-query -L "$pkg" | while read -r f; do if [ -f "$f" ]; then echo "$f"; fi; done)
[ -x "$bin" ] || fail "$bin is missing or not executable"
grep -q '^/usr/share/applications/.*\.desktop$' <<<"$files" || fail "no .desktop entry"
grep -q '^/usr/share/icons/hicolor/' <<<"$files" || fail "no icons"
ok "$pkg installed: $(wc -l <<<"$files") files, $bin, a .desktop entry, icons"

echo "=== start $bin (Xvfb, throwaway HOME, no keychain)"
display=80
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
mkdir -p "$scratch"/{home,data,config,cache,run} && chmod 700 "$scratch/run"
# No D-Bus session at all ("disabled:"): the OS keychain is unavailable, as on a machine
# without one. The app must start anyway and say so.
( cd "$scratch" && exec setsid env -u DBUS_SESSION_BUS_ADDRESS DISPLAY=":$display" NO_AT_BRIDGE=1 \
    DBUS_SESSION_BUS_ADDRESS=disabled: HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" \
    XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run" \
    FLOWDESK_LOG=info NO_COLOR=1 "$bin" >"$scratch/app.log" 2>&1 ) &
app_pid=$!
for _ in $(seq 600); do
  grep -q "flowdesk: ui-ready" "$scratch/app.log" && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$scratch/app.log" >&2; fail "the app exited"; }
  sleep 0.1
done
grep -q "flowdesk: ui-ready" "$scratch/app.log" || { cat "$scratch/app.log" >&2; fail "no ui-ready line within 60 s"; }
ok "the window painted the builder ($(grep -o 'ui-ready [0-9]*' "$scratch/app.log" | cut -d' ' -f2) ms after start)"
DISPLAY=":$display" xwininfo -root -tree | grep -q '"Flow Desk"' || fail "no window titled Flow Desk"
ok "a window titled \"Flow Desk\" is mapped"
grep -q "keychain unavailable" "$scratch/app.log" && ok "started without a keychain (and said so)"
base=$(sed 's/\x1b\[[0-9;]*m//g' "$scratch/app.log" | grep "local sandbox started" | grep -o 'http://127\.0\.0\.1:[0-9]*' | head -1 || true)
[ -n "$base" ] || { cat "$scratch/app.log" >&2; fail "the log does not say the local sandbox started"; }
# Its controls take the credentials in the data folder's sandbox.json (0600), as the API does;
# they go to curl on stdin (-K -), never on its command line.
sbjson="$scratch/data/com.flowdesk.desk/sandbox.json"
[ -f "$sbjson" ] || fail "no $sbjson: the app's data folder has no sandbox credentials"
[ "$(stat -c %a "$sbjson")" = 600 ] || fail "$sbjson is mode $(stat -c %a "$sbjson"), not 600"
field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$sbjson" | head -1; }
printf 'user = "%s:%s"\n' "$(field client_id)" "$(field api_key)" \
  | curl -fsS --noproxy '*' -K - "$base/_sandbox/stats" | grep -q '"requests"' \
  || fail "the local sandbox at $base does not answer"
ok "the local sandbox answers at $base (with the credentials of $sbjson)"
unauth=$(curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' "$base/_sandbox/stats" || true)
[ "$unauth" = 401 ] || fail "the sandbox's controls answered $unauth without credentials (want 401)"
ok "its controls refuse a request without credentials (401)"
kill -- "-$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true
app_pid=""

echo "=== remove and purge"
$SUDO dpkg -r "$pkg" >/dev/null
[ ! -e "$bin" ] || fail "$bin is still there after dpkg -r"
left=$(while read -r f; do if [ -e "$f" ]; then echo "$f"; fi; done <<<"$files")
[ -z "$left" ] || fail "left after dpkg -r: $left"
$SUDO dpkg -P "$pkg" >/dev/null 2>&1 || true   # nothing left to purge when there are no conffiles
! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "installed" || fail "$pkg still known to dpkg after -P"
installed=""
ok "removed and purged: no file of the package is left"
echo "package-test: passed in $((SECONDS - start)) s"
