#!/usr/bin/env bash
# Installs what is missing, builds the UI and starts Flow Desk on its in-process local
# sandbox (no Dots account needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
npm run build
exec cargo run --release --features custom-protocol
