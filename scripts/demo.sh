#!/usr/bin/env bash
# The README's demo: a private ZeroTier world on this machine, and a web server that lives only on it.
#   - "root": the world's only root (a planet made by `netcon planet create`) and the network's controller
#   - "web":  `netcon exec -- python3 -m http.server 80`: a node inside the exec process, the server's
#             sockets on its user-space stack (port 80, no root needed: the port is virtual)
#   - "client": `netcon exec -- curl http://IP/`: a second such container fetches the page
# Everything lives in temporary homes on 127.0.0.1; no packet leaves the machine. Ctrl-C stops it cleanly
# (without a terminal the demo stops by itself after the fetch).
# Usage: scripts/demo.sh NETCON_BINARY
set -euo pipefail
netcon=$(realpath "$1")
base=$(mktemp -d "${TMPDIR:-/tmp}/netcon-demo-XXXXXX")
export NETCON_FORBID_DEFAULT_PLANET=1   # a home without our private planet must never reach the public roots
pids=()
cleanup() {
  trap - EXIT INT TERM
  echo; echo "stopping: the web server and its node, then the root"
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null || true; wait "${pids[$i]}" 2>/dev/null || true; done
  rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
wait_for() { for _ in $(seq 1 600); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "timed out: $1"; exit 1; }
address_of() { cut -d: -f1 "$1/identity.public"; }
new_home() { mkdir -p "$base/$1" && chmod 700 "$base/$1" && cp "$base/planet" "$base/$1/planet"; }

root_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

step "netcon identity create --home root && netcon planet create --root root@127.0.0.1/$root_port -o planet"
"$netcon" identity create --home "$base/root" >/dev/null
"$netcon" planet create --root "$base/root@127.0.0.1/$root_port" -o "$base/planet"
cp "$base/planet" "$base/root/planet"
step "netcon run --home root --port $root_port &   # root of the world and network controller"
"$netcon" run --home "$base/root" --port "$root_port" --log-level warning >"$base/root.log" 2>&1 &
pids+=($!)
wait_for "'$netcon' status --home '$base/root'"

step "netcon network create --home root --name demo --pool 10.147.20.0/24 --rfc4193"
network=$("$netcon" network create --home "$base/root" --name demo --pool 10.147.20.0/24 --rfc4193)
echo "$network"

for home in web client; do
  new_home $home
  "$netcon" identity create --home "$base/$home" >/dev/null
  "$netcon" member authorize "$network" "$(address_of "$base/$home")" --home "$base/root" >/dev/null
done
echo "authorized web $(address_of "$base/web") and client $(address_of "$base/client")"

mkdir -p "$base/site"
echo "<h1>Hello from a netcon container</h1>" > "$base/site/index.html"
step "netcon exec --home web --join $network -- python3 -m http.server 80 &"
"$netcon" exec --home "$base/web" --join "$network" -- python3 -m http.server 80 --directory "$base/site" >"$base/web.log" 2>&1 &
pids+=($!)
wait_for "'$netcon' status --home '$base/web' --json | grep -q '10.147.20'"
ip=$("$netcon" status --home "$base/web" --json | python3 -c 'import json,sys; print(next(a.split("/")[0] for n in json.load(sys.stdin)["networks"] for a in n["assignedAddresses"] if "." in a))')

echo
printf '\033[1mUp and running at %s\033[0m  (http://%s/ on network %s)\n' "$ip" "$ip" "$network"
echo "Fetch the page from a second netcon container:"
echo "  $netcon exec --home $base/client --join $network -- curl http://$ip/"

step "netcon exec --home client --join $network -- curl -s http://$ip/"
for attempt in 1 2 3 4 5; do
  if page=$("$netcon" exec --home "$base/client" --join "$network" -- curl -s --max-time 10 "http://$ip/" 2>"$base/client.log"); then break; fi
  sleep 1
done
echo "$page"
[[ "$page" == *"Hello from a netcon container"* ]] || { echo "the page did not arrive"; cat "$base/client.log"; exit 1; }

if [ -t 0 ]; then
  echo; echo "The web server keeps running; press Ctrl-C to stop."
  wait "${pids[-1]}"
fi
