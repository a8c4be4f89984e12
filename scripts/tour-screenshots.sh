#!/usr/bin/env bash
# Retakes the README's pictures from the real window under Xvfb: every screen and the
# settings drawer, light and dark, into docs/tour/<screen>-<light|dark>.png (1280×800),
# and docs/screenshot.png (the builder, light). Not part of scripts/test.sh.
#
# Needs the debug build (npm run build && cargo build --features custom-protocol) and what
# scripts/setup.sh test installs (Xvfb, tauri-driver, WebKitWebDriver, gnome-keyring).
# Each theme runs on its own scratch HOME and keyring, with a fresh local sandbox that
# tests/e2e/tour.mjs fills (flows, users, a transfer, a webhook delivery, a bulk preview).
#   TOUR_DISPLAY=:98 (default)  TOUR_OUT=docs/tour (default)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${TOUR_OUT:-docs/tour}"
[ -x target/debug/flow-desk ] || { echo "tour: build the app first (npm run build && cargo build --features custom-protocol)" >&2; exit 2; }

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
scratch=$(mktemp -d /tmp/flowdesk-tour.XXXXXX)
export DISPLAY="${TOUR_DISPLAY:-:98}"
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null || true; for d in "$scratch"/*/run/doc; do fusermount -u -z "$d" 2>/dev/null || true; done; rm -rf "$scratch" 2>/dev/null || true' EXIT
deadline=$((SECONDS + 10))
until [ -e "/tmp/.X11-unix/X${DISPLAY#:}" ]; do
  [ $SECONDS -lt $deadline ] || { echo "tour: Xvfb did not start on $DISPLAY" >&2; exit 1; }
  sleep 0.1
done

mkdir -p "$out"
for theme in light dark; do
  dir="$scratch/$theme"
  mkdir -p "$dir/home" "$dir/data" "$dir/config" "$dir/cache" "$dir/run"
  chmod 700 "$dir/run"
  HOME="$dir/home" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" \
    XDG_RUNTIME_DIR="$dir/run" timeout --kill-after=10 300 \
    scripts/with-keyring.sh node tests/e2e/tour.mjs "$theme" "$out" >"$dir/log" 2>&1 \
    || { grep -v '^\[' "$dir/log" | tail -30 >&2; echo "tour: the $theme pass failed" >&2; exit 1; }
  grep '^tour:' "$dir/log"
done
cp "$out/builder-light.png" docs/screenshot.png
du -b "$out"/*.png docs/screenshot.png
du -cb "$out"/*.png | tail -1
