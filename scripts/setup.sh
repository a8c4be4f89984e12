#!/usr/bin/env bash
# Installs what is missing on a Debian 12 machine (as root): system packages, npm
# packages and tauri-driver. Idempotent: a second run installs nothing.
#   scripts/setup.sh app    what building and running the app needs
#   scripts/setup.sh test   that plus what every test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}

app_pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev pkg-config)
test_pkgs=(xvfb xauth imagemagick webkit2gtk-driver gnome-keyring dbus dbus-x11 chromium)

pkgs=("${app_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, exactly as locked. Browsers come from Debian, never downloaded.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ "$what" = test ] && ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --locked --version '^2'
fi
