#!/usr/bin/env bash
# The TypeScript types in ui/src/bindings are generated from the Rust types by ts-rs on
# `cargo test`. After it, the committed files must be exactly what was generated.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "not a git checkout: skipped"; exit 0; fi
changed=$(git status --porcelain -- ui/src/bindings)
if [ -n "$changed" ]; then
  echo "ui/src/bindings differs from the Rust types (run cargo test and commit):"
  echo "$changed"
  git diff -- ui/src/bindings | head -50
  exit 1
fi
echo "bindings match the Rust types"
