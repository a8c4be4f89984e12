#!/usr/bin/env bash
# Installs what is missing, then runs every test suite on a throwaway HOME and keyring:
#   Rust unit/property/integration/contract tests (cargo test --workspace),
#   the generated TypeScript bindings check, the UI in real Chromium (Playwright),
#   and end to end in the real app window (Xvfb + tauri-driver + WebKitWebDriver).
# Prints the time each suite took.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/setup.sh test

# Dots' spec for the contract test: never copied into the repo.
if [ -z "${DOTS_OPENAPI_SPEC:-}" ] && [ -f "$root/../shared/dots-openapi/v2.yaml" ]; then
  export DOTS_OPENAPI_SPEC="$root/../shared/dots-openapi/v2.yaml"
fi

# Tests never touch the user's own home, settings or keyring. cargo, rustup and npm
# keep their real homes (caches), the tests get scratch ones.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
scratch=$(mktemp -d /tmp/flowdesk-test.XXXXXX)
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" \
  XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

timings=()
suite() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name"
  "$@"
  timings+=("$(printf '%-34s %4ss' "$name" $((SECONDS - start)))")
}

# CI builds from scratch: incremental caches would only double the disk used.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
# The desktop portal may have mounted its document store (FUSE) in the scratch runtime
# dir: unmount it first, and never let cleanup change the exit status.
trap 'kill $xvfb_pid 2>/dev/null || true; fusermount -u -z "$scratch/run/doc" 2>/dev/null || true; rm -rf "$scratch" 2>/dev/null || true' EXIT

suite "ui typecheck + build" bash -c "npm run typecheck && npm run build"
suite "rust (cargo test --workspace)" scripts/with-keyring.sh cargo test --workspace --locked --features custom-protocol
suite "bindings up to date" scripts/check-bindings.sh
suite "ui-host build (for playwright)" cargo build --locked -p flowdesk-ui-host
suite "ui (playwright, chromium)" npx playwright test
suite "app build (debug)" cargo build --locked --features custom-protocol
# The .deb from that debug build, installed with dpkg, started under Xvfb, checked, purged.
suite "package (.deb install test)" bash -c "npx tauri build --debug --bundles deb --ignore-version-mismatches && scripts/package-test.sh --debug"
# Bounded: a window left open must fail the suite, never hang CI.
suite "e2e (tauri-driver, xvfb)" timeout --kill-after=10 900 scripts/with-keyring.sh node --test --test-concurrency=1 tests/e2e/

echo "=== time per suite"
printf '%s\n' "${timings[@]}"
