#!/usr/bin/env bash
# The README's demo. Everything happens in a temporary home on this machine; no packet leaves it.
# Usage: scripts/demo.sh NETCON_BINARY
set -euo pipefail
netcon=$(realpath "$1")
home=$(mktemp -d "${TMPDIR:-/tmp}/netcon-demo-XXXXXX")
daemon=""
cleanup() {
  if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then kill -TERM "$daemon"; wait "$daemon" || true; fi
  rm -rf "$home"
}
trap cleanup EXIT INT TERM

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "netcon run --home $home --port 0 &"
"$netcon" run --home "$home" --port 0 &
daemon=$!
for _ in $(seq 1 600); do [ -S "$home/control.sock" ] && break; sleep 0.1; done
[ -S "$home/control.sock" ] || { echo "the daemon did not come up"; exit 1; }

step "netcon join 8056c2e21c000001 --home $home"
"$netcon" join 8056c2e21c000001 --home "$home"
step "netcon status --home $home"
"$netcon" status --home "$home"
step "netcon leave 8056c2e21c000001 --home $home"
"$netcon" leave 8056c2e21c000001 --home "$home"
step "kill -TERM <daemon>"
kill -TERM "$daemon"; wait "$daemon"; daemon=""
echo "daemon stopped cleanly"
step "netcon status --home $home   # no daemon: exit status 1, identity still shown"
"$netcon" status --home "$home" || echo "(exit status $?)"
