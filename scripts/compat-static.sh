# Sourced by compat.sh for the seccomp path: programs the dynamic loader never sees (static busybox, Go with
# and without cgo), and --isolate for them. Every server and client here runs in a network namespace of its own
# with no interface up (unshare -n): a socket netcon failed to serve fails there instead of reaching the host's
# network. Their virtual sockets still reach the nodes, through the nodes' AF_UNIX sockets.

static_server() {  # NAME PROGRAM ARGS...
  local name=$1; shift
  unshare -n "$netcon" exec --home "$base/server" --intercept "$intercept" -- "$@" >"$base/$name.log" 2>&1 &
  pids+=($!)
}
static_client() { timeout 60 unshare -n "$netcon" exec --home "$base/client" --intercept "$intercept" "$@"; }

head -c 1048576 /dev/urandom > "$base/www/blob"
blob_sum=$(sha256sum < "$base/www/blob" | cut -d' ' -f1)

if ! unshare -n true 2>/dev/null; then
  record "unshare -n (a namespace for uninterceptable programs)" "works" "unavailable"
else
  busybox=$(command -v busybox)
  record "busybox is static (busybox-static)" "not a dynamic executable" "$(ldd "$busybox" 2>&1 | grep -o 'not a dynamic executable')"

  # static busybox: httpd + wget (1 MiB), nc both ways
  static_server busybox-httpd busybox httpd -f -p 8180 -h "$base/www"
  wait_for "static_client -- busybox wget -q -O /dev/null http://$ip4:8180/index.html" 100
  record "busybox-static httpd + wget (1 MiB, sha256)" "$blob_sum" "$(static_client -- busybox wget -q -O- "http://$ip4:8180/blob" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  record "busybox-static wget (IPv6)" "hello from the virtual network" "$(static_client -- busybox wget -q -O- "http://[$ip6]:8180/index.html" 2>/dev/null)"
  stop_server
  static_server busybox-nc-out sh -c "echo 'from the server side' | busybox nc -l -p 8181"
  sleep 1
  record "busybox-static nc: server to client" "from the server side" "$(static_client -- busybox nc -w 5 "$ip4" 8181 </dev/null 2>/dev/null)"
  stop_server
  static_server busybox-nc-in sh -c "busybox nc -l -p 8182 > '$base/nc-received'"
  sleep 1
  echo "from the client side" | static_client -- busybox nc -w 2 "$ip4" 8182 >/dev/null 2>&1
  sleep 0.5
  record "busybox-static nc: client to server" "from the client side" "$(cat "$base/nc-received" 2>/dev/null)"
  stop_server
  record "busybox-static ping" "2 packets received" "$(static_client -- busybox ping -c 2 "$ip4" 2>/dev/null | grep -o '2 packets received')"

  # Go: the same few lines built without cgo (static) and with it (dynamic, but the net package still makes its
  # own system calls)
  go_ok=1
  for variant in static cgo; do
    cgo=0; [ $variant = cgo ] && cgo=1
    GOCACHE="$base/go/cache" GOPATH="$base/go/path" GO111MODULE=off CGO_ENABLED=$cgo \
      go build -o "$base/goprobe-$variant" "$(dirname "$0")/../Tests/Programs/goprobe/main.go" >"$base/go-build-$variant.log" 2>&1 ||
      { record "go build ($variant)" "built" "failed: $(tail -1 "$base/go-build-$variant.log")"; go_ok=0; }
  done
  if [ $go_ok = 1 ]; then
    for variant in static cgo; do
      static_server "go-http-$variant" "$base/goprobe-$variant" serve :8190 "$base/www/blob"
      wait_for "static_client -- '$base/goprobe-$variant' get http://$ip4:8190/peer" 100
      record "Go ($variant) HTTP server + client (1 MiB, sha256)" "$blob_sum" "$(static_client -- "$base/goprobe-$variant" get "http://$ip4:8190/" 2>/dev/null)"
      record "Go ($variant) server sees the client's virtual address" "$client_ip4" "$(static_client -- "$base/goprobe-$variant" get "http://$ip4:8190/peer" 2>/dev/null)"
      record "Go ($variant) over IPv6" "$client_ip6" "$(static_client -- "$base/goprobe-$variant" get "http://[$ip6]:8190/peer" 2>/dev/null)"
      stop_server
      static_server "go-udp-$variant" "$base/goprobe-$variant" udp-echo :8191
      sleep 1
      record "Go ($variant) UDP echo" "go datagram" "$(static_client -- "$base/goprobe-$variant" udp-ask "$ip4:8191" "go datagram" 2>/dev/null)"
      record "Go ($variant) UDP echo (IPv6)" "go datagram 6" "$(static_client -- "$base/goprobe-$variant" udp-ask "[$ip6]:8191" "go datagram 6" 2>/dev/null)"
      stop_server
    done
  fi
fi

# --isolate holds for a static program as for a dynamic one: a listener on the host's 127.0.0.1 (this namespace,
# where the programs run too) is unreachable with it, and reached without it (so the refusal is the isolation's).
host_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$host_port" "$base/host-accepted" <<'PY' &
import socket, sys, time
listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1]))); listener.listen(8); listener.settimeout(1)
deadline = time.time() + 60
while time.time() < deadline:
    try: connection, _ = listener.accept()
    except socket.timeout: continue
    with open(sys.argv[2], "a") as log: log.write("accepted\n")
    connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nhost page"); connection.close()
PY
pids+=($!)
sleep 0.5
isolated() { timeout 30 "$netcon" exec --home "$base/client" --intercept "$intercept" --isolate "$@"; }
record "--isolate: static busybox wget to 127.0.0.1" "Network is unreachable" "$(isolated -- busybox wget -q -O- "http://127.0.0.1:$host_port/" 2>&1 | grep -o 'Network is unreachable')"
record "--isolate: dynamic curl to 127.0.0.1" "Couldn't connect" "$(isolated -- curl -sS --max-time 5 "http://127.0.0.1:$host_port/" 2>&1 | grep -o "Couldn't connect")"
[ -x "$base/goprobe-static" ] && record "--isolate: static Go to 127.0.0.1" "network is unreachable" "$(isolated -- "$base/goprobe-static" get "http://127.0.0.1:$host_port/" 2>&1 | grep -o 'network is unreachable')"
record "--isolate: a ping of 127.0.0.1 is refused" "Network is unreachable" "$(isolated -- ping -c 1 -W 1 127.0.0.1 2>&1 | grep -o 'Network is unreachable' | head -1)"
record "--isolate: no packet socket" "Address family not supported by protocol" \
  "$(isolated -- /usr/bin/python3 -c "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)" 2>&1 | grep -o 'Address family not supported by protocol' | head -1)"
record "--isolate: no raw TCP socket" "Permission denied" \
  "$(isolated -- /usr/bin/python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)" 2>&1 | grep -o 'Permission denied' | head -1)"
record "--isolate: the host listener was never reached" "" "$(cat "$base/host-accepted" 2>/dev/null)"
record "without --isolate a static program reaches the host" "host page" "$(timeout 30 "$netcon" exec --home "$base/client" --intercept "$intercept" -- busybox wget -q -O- "http://127.0.0.1:$host_port/" 2>/dev/null)"
kill "${pids[-1]}" 2>/dev/null; wait "${pids[-1]}" 2>/dev/null; unset 'pids[-1]'

# A program that hands the kernel bad pointers and lengths gets the kernel's errnos from the supervisor, and
# netcon goes on serving (the check after it is a fresh exec against the same node)
record "bad pointers and lengths: the kernel's errnos" \
  "connect EFAULT|bind EINVAL|getsockname EFAULT|sendto EFAULT|sendmsg EFAULT|recvfrom EFAULT|setsockopt EFAULT" \
  "$(static_client -- /usr/bin/python3 "$(dirname "$0")/bad-pointers.py" "$ip4" 2>/dev/null)"

# getifaddrs() (glibc asks rtnetlink with its own internal calls, which only the seccomp path sees) lists the
# node's virtual addresses, on the loopback device
record "getifaddrs lists the virtual addresses" "lo $client_ip4|lo $client_ip6" "$(client -- /usr/bin/python3 -c "
import ctypes, socket
class Address(ctypes.Structure): _fields_ = [('family', ctypes.c_ushort), ('data', ctypes.c_ubyte * 26)]
class Interface(ctypes.Structure): pass
Interface._fields_ = [('next', ctypes.POINTER(Interface)), ('name', ctypes.c_char_p), ('flags', ctypes.c_uint),
                      ('address', ctypes.POINTER(Address))]
libc = ctypes.CDLL(None)
head = ctypes.POINTER(Interface)()
libc.getifaddrs(ctypes.byref(head))
found, item = [], head
while item:
    address = item.contents.address
    if address and address.contents.family == socket.AF_INET:
        found.append(item.contents.name.decode() + ' ' + socket.inet_ntop(socket.AF_INET, bytes(address.contents.data[2:6])))
    elif address and address.contents.family == socket.AF_INET6:
        found.append(item.contents.name.decode() + ' ' + socket.inet_ntop(socket.AF_INET6, bytes(address.contents.data[6:22])))
    item = item.contents.next
print('|'.join(line for line in found if line.split(' ')[1] in ('$client_ip4', '$client_ip6')))" 2>/dev/null)"

# Where the kernel (or a sandbox) refuses seccomp filters: a static program and --isolate are refused with exit 69,
# never run unserved; a dynamically linked program falls back to the preload library and says so.
without_seccomp=$(dirname "$0")/without-seccomp.py
start_server python-fallback python3 -m http.server 8210 --bind :: --directory "$base/www"
wait_for "client -- curl -sf --max-time 2 http://$ip4:8210/index.html" 100
record "no seccomp: a static program is refused (exit 69)" "69" \
  "$(timeout 30 unshare -n "$without_seccomp" "$netcon" exec --home "$base/client" -- busybox wget -q -O- "http://$ip4:8210/index.html" >/dev/null 2>&1; echo $?)"
record "no seccomp: --isolate is refused (exit 69)" "69" \
  "$(timeout 30 "$without_seccomp" "$netcon" exec --home "$base/client" --isolate -- true >/dev/null 2>&1; echo $?)"
record "no seccomp: a dynamic program falls back to the preload library" "hello from the virtual network" \
  "$(timeout 30 unshare -n "$without_seccomp" "$netcon" exec --home "$base/client" -- curl -s "http://$ip4:8210/index.html" 2>/dev/null)"
stop_server
