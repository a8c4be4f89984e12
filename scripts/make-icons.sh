#!/usr/bin/env bash
# Regenerates every icon the bundlers use from the one source image, offline:
# PNGs for Linux (.deb) and the window, icon.icns (macOS), icon.ico (Windows: 16–256 px),
# and the Square*/StoreLogo PNGs (Windows Store / MSIX). The Android and iOS sets that
# `tauri icon` also makes are dropped: Flow Desk ships no mobile app.
#   scripts/make-icons.sh [SOURCE.png]     default icons/source.png (square, 1024 px, RGBA)
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-icons/source.png}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npx tauri icon "$src" -o "$tmp" >/dev/null
find "$tmp" -maxdepth 1 -type f -exec cp {} icons/ \;
echo "make-icons: $(find "$tmp" -maxdepth 1 -type f | wc -l) icons written to icons/ from $src"
