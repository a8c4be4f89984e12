#!/usr/bin/env bash
# Runs a command in its own D-Bus session with a fresh, unlocked gnome-keyring (Secret
# Service), so the OS keychain used by tests is real but throwaway. Call it with HOME and
# XDG_DATA_HOME pointing at scratch dirs (scripts/test.sh does).
set -euo pipefail
case "$HOME" in /tmp/*) ;; *) echo "with-keyring: refusing to run on a real HOME ($HOME)" >&2; exit 2 ;; esac
exec dbus-run-session -- bash -c '
  echo -n flowdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' with-keyring "$@"
