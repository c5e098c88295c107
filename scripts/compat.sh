#!/usr/bin/env bash
# Compatibility suite: real programs from Debian under `netcon exec`, a server on one node and its client on
# another, over a private world on 127.0.0.1. Each check compares payload bytes, not just exit codes.
# Prints a table of OK/FAIL per program; exits 1 if any failed.
# Usage: scripts/compat.sh NETCON_BINARY [INTERCEPT]
#   INTERCEPT: auto (default; the seccomp path) or preload. Only the seccomp path serves static and Go programs,
#   and only it is asked to: their section runs for auto and seccomp.
set -uo pipefail
netcon=$(realpath "$1")
intercept=${2:-auto}
base=$(mktemp -d "${TMPDIR:-/tmp}/netcon-compat-XXXXXX")
chmod 755 "$base"
export PATH="$PATH:/usr/sbin:/sbin"   # nginx and sshd
source "$(dirname "$0")/world.sh"
pids=()
results=()
failed=0
cleanup() {
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${NETCON_COMPAT_KEEP:-}" ] && echo "kept $base" || rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server() { "$netcon" exec --home "$base/server" --intercept "$intercept" "$@"; }
client() { timeout 60 "$netcon" exec --home "$base/client" --intercept "$intercept" "$@"; }
record() {  # NAME EXPECTED ACTUAL [DETAIL]
  if [ "$2" = "$3" ]; then results+=("OK    $1"); else results+=("FAIL  $1 ${4:-}"); failed=1
    printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3" >&2; fi
}
start_server() {  # NAME PROGRAM ARGS... (in the background, under netcon exec on the server node)
  local name=$1; shift
  "$netcon" exec --home "$base/server" --intercept "$intercept" -- "$@" >"$base/$name.log" 2>&1 &   # not through a function: $! must be netcon
  pids+=($!)
}
stop_server() { local pid=${pids[-1]}; kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; unset 'pids[-1]'; }

# The host's name server, as the nodes see it: one of the test's own on 127.0.0.1 (NETCON_TEST_HOST_RESOLVER), so
# no query ever leaves this machine; it answers host-only.example and logs what it is asked.
host_resolver_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host_resolver_log="$base/host-resolver.log"
touch "$host_resolver_log"
dnsmasq -k --no-resolv --no-hosts --port "$host_resolver_port" --listen-address=127.0.0.1 --bind-interfaces \
  --address=/host-only.example/192.0.2.7 --log-queries --log-facility="$host_resolver_log" --pid-file= --user="$(id -un)" \
  >"$base/host-resolver.out" 2>&1 &
pids+=($!)
export NETCON_TEST_HOST_RESOLVER="127.0.0.1/$host_resolver_port"

# The world: root + controller, a server node and a client node (daemons), one network.
build_world 10.148.0.0/24 || exit 1
echo "server node: $ip4 $ip6"
client_status=$("$netcon" status --home "$base/client" --json)
client_ip4=$(python3 -c 'import json,sys; print(next(a.split("/")[0] for n in json.load(sys.stdin)["networks"] for a in n["assignedAddresses"] if "." in a))' <<<"$client_status")
client_ip6=$(python3 -c 'import json,sys; print(next(a.split("/")[0] for n in json.load(sys.stdin)["networks"] for a in n["assignedAddresses"] if ":" in a))' <<<"$client_status")

mkdir -p "$base/www"
head -c 300000 /dev/urandom | base64 > "$base/www/big.txt"
echo "hello from the virtual network" > "$base/www/index.html"
big_sum=$(sha256sum < "$base/www/big.txt" | cut -d' ' -f1)

# python3 http.server + curl (IPv4 and IPv6)
start_server python python3 -m http.server 8000 --bind :: --directory "$base/www"
wait_for "client -- curl -sf --max-time 2 http://$ip4:8000/index.html" 100
record "python3 http.server + curl" "hello from the virtual network" "$(client -- curl -s http://$ip4:8000/index.html 2>/dev/null)"
record "python3 http.server + curl (300 KB, sha256)" "$big_sum" "$(client -- curl -s http://$ip4:8000/big.txt 2>/dev/null | sha256sum | cut -d' ' -f1)"
record "python3 http.server + curl (IPv6)" "hello from the virtual network" "$(client -- curl -s "http://[$ip6]:8000/index.html" 2>/dev/null)"
stop_server

# --listen-host: the same wildcard listener also serves the host's network
"$netcon" exec --home "$base/server" --intercept "$intercept" --listen-host -- python3 -m http.server 8001 --directory "$base/www" >"$base/listen-host.log" 2>&1 &
pids+=($!)
wait_for "curl -sf --max-time 2 http://127.0.0.1:8001/index.html" 150
record "--listen-host: host curl to 127.0.0.1" "hello from the virtual network" "$(curl -s --max-time 5 http://127.0.0.1:8001/index.html)"
record "--listen-host: virtual client too" "hello from the virtual network" "$(client -- curl -s http://$ip4:8001/index.html 2>/dev/null)"
stop_server

# nginx with worker processes + curl and wget
mkdir -p "$base/nginx"
cat > "$base/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
master_process on;
pid $base/nginx/nginx.pid;
error_log $base/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $base/nginx/body; proxy_temp_path $base/nginx/proxy; fastcgi_temp_path $base/nginx/fastcgi;
  uwsgi_temp_path $base/nginx/uwsgi; scgi_temp_path $base/nginx/scgi;
  server { listen 8080; listen [::]:8080; root $base/www; }
}
CONF
start_server nginx nginx -c "$base/nginx/nginx.conf" -e "$base/nginx/error.log"
wait_for "client -- curl -sf --max-time 2 http://$ip4:8080/index.html" 100
record "nginx (2 workers) + curl" "$big_sum" "$(client -- curl -s http://$ip4:8080/big.txt 2>/dev/null | sha256sum | cut -d' ' -f1)"
record "nginx (2 workers) + wget" "hello from the virtual network" "$(client -- wget -qO- http://$ip4:8080/index.html 2>/dev/null)"
record "nginx + curl (IPv6)" "hello from the virtual network" "$(client -- curl -s "http://[$ip6]:8080/index.html" 2>/dev/null)"
stop_server

# redis-server + redis-cli
start_server redis redis-server --port 6400 --bind "0.0.0.0 ::" --protected-mode no --save "" --appendonly no --dir "$base"
wait_for "client -- redis-cli -h $ip4 -p 6400 ping | grep -q PONG" 100
client -- redis-cli -h "$ip4" -p 6400 set greeting "hi from redis" >/dev/null 2>&1
record "redis-server + redis-cli" "hi from redis" "$(client -- redis-cli -h "$ip4" -p 6400 get greeting 2>/dev/null)"
stop_server

# node http server + curl
if command -v node >/dev/null; then
  start_server node node -e "require('http').createServer((q, s) => s.end('node says ' + q.url)).listen(8090)"
  wait_for "client -- curl -sf --max-time 2 http://$ip4:8090/x" 100
  record "node http + curl" "node says /virtual" "$(client -- curl -s http://$ip4:8090/virtual 2>/dev/null)"
  stop_server
fi

# socat UDP echo + ncat UDP client
start_server socat socat UDP6-RECVFROM:5300,fork EXEC:cat   # dual-stack: IPv4 arrives v4-mapped
sleep 1
# the clients quit when stdin ends: keep it open while the echo comes back
record "socat UDP echo + ncat" "echo over udp" "$( (echo 'echo over udp'; sleep 2) | client -- ncat -u "$ip4" 5300 2>/dev/null | head -n1)"
record "socat UDP echo + socat (IPv6)" "v6 datagram" "$( (echo 'v6 datagram'; sleep 2) | client -- socat -T 3 - "UDP6:[$ip6]:5300" 2>/dev/null | head -n1)"
stop_server

# openssh-server + ssh (a command) and scp
if [ -x /usr/sbin/sshd ]; then
  mkdir -p "$base/ssh" && chmod 700 "$base/ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$base/ssh/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$base/ssh/user_key"
  cp "$base/ssh/user_key.pub" "$base/ssh/authorized_keys"
  chmod 600 "$base/ssh/authorized_keys"
  cat > "$base/ssh/sshd_config" <<CONF
Port 2222
HostKey $base/ssh/host_key
AuthorizedKeysFile $base/ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $base/ssh/sshd.pid
Subsystem sftp internal-sftp
CONF
  [ "$(id -u)" = 0 ] && mkdir -p /run/sshd
  start_server sshd /usr/sbin/sshd -D -e -f "$base/ssh/sshd_config"
  ssh_options=(-p 2222 -i "$base/ssh/user_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR)
  wait_for "client -- ssh ${ssh_options[*]} $(id -un)@$ip4 true" 100
  record "openssh-server + ssh (command)" "ran on $(hostname)" "$(client -- ssh "${ssh_options[@]}" "$(id -un)@$ip4" 'echo ran on $(hostname)' 2>/dev/null)"
  client -- scp -q -P 2222 -i "$base/ssh/user_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
    "$base/www/big.txt" "$(id -un)@$ip4:$base/copied.txt" >/dev/null 2>&1
  record "openssh-server + scp (300 KB)" "$big_sum" "$(sha256sum < "$base/copied.txt" 2>/dev/null | cut -d' ' -f1)"
  stop_server
fi

source "$(dirname "$0")/compat-sockets.sh"
[ "$intercept" != preload ] && source "$(dirname "$0")/compat-static.sh"
source "$(dirname "$0")/compat-names.sh"
if [ "$(id -u)" = 0 ]; then source "$(dirname "$0")/compat-uid.sh"
else echo "not root: the uid-change checks (setpriv, su, postgres, vsftpd) need root and were not run"; fi

echo
echo "netcon exec compatibility, --intercept $intercept (server and client on two nodes, private world on 127.0.0.1)"
printf '%s\n' "${results[@]}"
exit $failed
