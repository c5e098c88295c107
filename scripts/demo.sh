#!/usr/bin/env bash
# The README's demo: a private ZeroTier world on this machine (a root and two members on 127.0.0.1).
# Everything lives in temporary homes; no packet leaves the machine. Ctrl-C stops it cleanly.
# Usage: scripts/demo.sh NETCON_BINARY
set -euo pipefail
netcon=$(realpath "$1")
base=$(mktemp -d "${TMPDIR:-/tmp}/netcon-demo-XXXXXX")
export NETCON_FORBID_DEFAULT_PLANET=1   # a home without our private planet must never reach the public roots
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$base"
}
trap cleanup EXIT INT TERM

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
wait_for() { for _ in $(seq 1 300); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "timed out: $1"; exit 1; }
address_of() { cut -d: -f1 "$1/identity.public"; }

root_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

step "netcon identity create --home root"
"$netcon" identity create --home "$base/root"
step "netcon planet create --root root@127.0.0.1/$root_port -o planet   # the world's only root"
"$netcon" planet create --root "$base/root@127.0.0.1/$root_port" -o "$base/planet"
for home in root alice bob; do mkdir -p "$base/$home" && chmod 700 "$base/$home" && cp "$base/planet" "$base/$home/planet"; done

for home in root alice bob; do
  port=0; [ $home = root ] && port=$root_port
  step "netcon run --home $home --port $port &"
  "$netcon" run --home "$base/$home" --port "$port" --log-level warning &
  pids+=($!)
done
wait_for "'$netcon' status --home '$base/alice' --json | grep -q '\"online\" : true'"
wait_for "'$netcon' status --home '$base/bob' --json | grep -q '\"online\" : true'"

bob=$(address_of "$base/bob")
step "netcon peer ping $bob --home alice --count 3   # first through the root, then direct"
"$netcon" peer ping "$bob" --home "$base/alice" --count 3
sleep 1
"$netcon" peer ping "$bob" --home "$base/alice"

step "netcon network create --home root --name demo --pool 10.147.20.0/24 --rfc4193   # the root is also the controller"
network=$("$netcon" network create --home "$base/root" --name demo --pool 10.147.20.0/24 --rfc4193)
echo "$network"
step "netcon join $network --home alice   # private: waits for authorization"
"$netcon" join "$network" --home "$base/alice" --timeout 2 || true
alice=$(address_of "$base/alice")
step "netcon member authorize $network $alice --home root"
"$netcon" member authorize "$network" "$alice" --home "$base/root"
"$netcon" join "$network" --home "$base/alice"
step "netcon member authorize $network $bob --home root; netcon join $network --home bob"
"$netcon" member authorize "$network" "$bob" --home "$base/root"
"$netcon" join "$network" --home "$base/bob"
step "netcon member list $network --home root"
"$netcon" member list "$network" --home "$base/root"
step "netcon status --home alice"
"$netcon" status --home "$base/alice"
step "netcon status --home root"
"$netcon" status --home "$base/root"
echo
echo "demo done: stopping the nodes"
