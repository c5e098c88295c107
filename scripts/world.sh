# A private world on 127.0.0.1 for the scripts that run real programs under `netcon exec`: a root that is
# also the network's controller, a server node and a client node (daemons), one network with both members.
# Sourced; expects $netcon (the binary) and $base (a scratch directory) and appends the daemons to $pids.
# Sets $network, $ip4 and $ip6 (the server node's addresses). Never touches ZeroTier's public roots.
export NETCON_FORBID_DEFAULT_PLANET=1

wait_for() { for _ in $(seq 1 "${2:-300}"); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
address_of() { cut -d: -f1 "$1/identity.public"; }

build_world() {  # POOL (an IPv4 prefix for the network)
  local root_port home port
  root_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$netcon" identity create --home "$base/root" >/dev/null
  "$netcon" planet create --root "$base/root@127.0.0.1/$root_port" -o "$base/planet" >/dev/null
  for home in root server client; do mkdir -p "$base/$home"; chmod 700 "$base/$home"; cp "$base/planet" "$base/$home/planet"; done
  for home in server client; do "$netcon" identity create --home "$base/$home" >/dev/null; done
  for home in root server client; do
    port=0; [ $home = root ] && port=$root_port
    "$netcon" run --home "$base/$home" --port "$port" --log-level warning >"$base/$home.node.log" 2>&1 &
    pids+=($!)
  done
  for home in server client; do
    wait_for "'$netcon' status --home '$base/$home' --json | grep -q '\"online\" : true'" 600 || { echo "the world did not come up"; return 1; }
  done
  network=$("$netcon" network create --home "$base/root" --name world --pool "$1" --rfc4193)
  for home in server client; do
    "$netcon" member authorize "$network" "$(address_of "$base/$home")" --home "$base/root" >/dev/null || { echo "cannot authorize $home"; return 1; }
    "$netcon" join "$network" --home "$base/$home" --timeout 30 >/dev/null || { echo "$home could not join"; return 1; }
  done
  local addresses
  addresses=$("$netcon" status --home "$base/server" --json)
  ip4=$(python3 -c 'import json,sys; print(next(a.split("/")[0] for n in json.load(sys.stdin)["networks"] for a in n["assignedAddresses"] if "." in a))' <<<"$addresses")
  ip6=$(python3 -c 'import json,sys; print(next(a.split("/")[0] for n in json.load(sys.stdin)["networks"] for a in n["assignedAddresses"] if ":" in a))' <<<"$addresses")
}
