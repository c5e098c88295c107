# Sourced by compat.sh: names under netcon exec. A network's DNS pushed by its controller, answered by a member's
# dnsmasq (a server the config names) and then by the controller itself (set-dns --self: member names and
# addresses); glibc's getaddrinfo and gethostbyname, programs that read resolv.conf themselves (dig, Go's resolver,
# busybox) and a program connecting by name must all get the same answer. Host names go to the host's name server
# (here the test's own, $host_resolver_log records what it was asked), except under --isolate. The clients run
# without a network of their own (unshare -n): a query netcon failed to serve fails instead of reaching the host.

names_client() { timeout 60 unshare -n "$netcon" exec --home "$base/client" --intercept "$intercept" "$@"; }
dns_status() { sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
wait_for_dns() {  # DOMAIN: until the client's node has the network's DNS for DOMAIN
  wait_for "'$netcon' status --home '$base/client' | grep -q '^dns $network: $1 via'" 100
}

if ! unshare -n true 2>/dev/null; then
  record "unshare -n (a namespace for the name clients)" "works" "unavailable"
else
  # 1. a server the network's config names: dnsmasq on a member, port 53 of the virtual network
  keep_user=(); [ "$intercept" = preload ] && keep_user=(--user="$(id -un)")
  start_server names-dnsmasq dnsmasq -k --no-resolv --no-hosts --port 53 --address=/svc.lab.test/10.148.0.250 \
    --address=/svc.lab.test/fd00::250 --pid-file="$base/names-dnsmasq.pid" --log-facility=- "${keep_user[@]}"
  "$netcon" network set-dns "$network" --domain lab.test --server "$ip4" --home "$base/root" >/dev/null
  wait_for_dns lab.test
  wait_for "names_client -- dig +short +time=1 +tries=1 svc.lab.test A | grep -q 10.148.0.250" 50
  record "pushed DNS server: dig (reads resolv.conf)" "10.148.0.250" "$(names_client -- dig +short +time=2 +tries=2 svc.lab.test A 2>/dev/null)"
  record "pushed DNS server: glibc getaddrinfo" "10.148.0.250" "$(names_client -- getent ahostsv4 svc.lab.test 2>/dev/null | awk 'NR==1{print $1}')"
  record "pushed DNS server: glibc gethostbyname" "10.148.0.250" \
    "$(names_client -- python3 -c 'import socket; print(socket.gethostbyname("svc.lab.test"))' 2>/dev/null)"
  record "pushed DNS server: AAAA" "fd00::250" "$(names_client -- dig +short +time=2 +tries=2 svc.lab.test AAAA 2>/dev/null)"
  stop_server

  # 2. the controller's own names
  server_address=$(address_of "$base/server")
  "$netcon" network set-dns "$network" --domain names.test --self --home "$base/root" >/dev/null
  "$netcon" member set-name "$network" "$server_address" web --home "$base/root" >/dev/null
  wait_for_dns names.test
  wait_for "names_client -- dig +short +time=1 +tries=1 web.names.test A | grep -q '$ip4'" 50
  record "controller's names: dig <name>.<domain>" "$ip4" "$(names_client -- dig +short +time=2 +tries=2 web.names.test 2>/dev/null)"
  record "controller's names: dig <address>.<domain> AAAA" "$ip6" \
    "$(names_client -- dig +short +time=2 +tries=2 "$server_address.names.test" AAAA 2>/dev/null)"
  record "controller's names: dig over TCP" "$ip4" "$(names_client -- dig +short +tcp +time=2 +tries=2 web.names.test 2>/dev/null)"
  record "controller's names: glibc getaddrinfo" "$ip4" "$(names_client -- getent ahostsv4 web.names.test 2>/dev/null | awk 'NR==1{print $1}')"
  record "controller's names: glibc gethostbyname2 (IPv6)" "$ip6" "$(names_client -- getent hosts web.names.test 2>/dev/null | awk '{print $1}')"
  record "controller's names: an unknown name" "NXDOMAIN" "$(names_client -- dig +time=2 +tries=2 nothere.names.test 2>/dev/null | dns_status)"
  record "controller's names: a reverse lookup (dig -x)" "web.names.test." "$(names_client -- dig +short +time=2 +tries=2 -x "$ip4" 2>/dev/null)"
  record "controller's names: a reverse lookup of IPv6 (dig -x)" "web.names.test." "$(names_client -- dig +short +time=2 +tries=2 -x "$ip6" 2>/dev/null)"
  record "controller's names: getaddrinfo of an unknown name fails" "2" "$(names_client -- getent ahosts nothere.names.test >/dev/null 2>&1; echo $?)"
  start_server names-http python3 -m http.server 8000 --bind :: --directory "$base/www"
  wait_for "names_client -- curl -sf --max-time 2 http://web.names.test:8000/index.html" 100
  record "curl http://<name>.<domain>/ (resolve, then connect)" "hello from the virtual network" \
    "$(names_client -- curl -s --max-time 5 http://web.names.test:8000/index.html 2>/dev/null)"
  stop_server

  record "the host's unix-socket name services (nscd, systemd-resolved) are refused" "ECONNREFUSED ECONNREFUSED" \
    "$(names_client -- python3 -c '
import errno, socket
for path in ["/run/nscd/socket", "/run/systemd/resolve/io.systemd.Resolve"]:
    try: socket.socket(socket.AF_UNIX).connect(path); print("connected", end=" ")
    except OSError as error: print(errno.errorcode[error.errno], end=" ")
' 2>/dev/null | sed 's/ $//')"

  if [ "$intercept" != preload ]; then
    # glibc's reverse lookup (gethostbyaddr), whose queries the preload library does not see
    record "controller's names: glibc gethostbyaddr" "web.names.test" "$(names_client -- getent hosts "$ip4" 2>/dev/null | awk '{print $2}')"
    # Programs with their own resolver, which only the seccomp path serves
    record "busybox-static nslookup" "$ip4" "$(names_client -- busybox nslookup -type=a web.names.test 2>/dev/null | awk '/^Address/ && !/#/{print $2}' | tail -1)"
    for variant in static cgo; do
      [ -x "$base/goprobe-$variant" ] || continue
      record "Go ($variant) resolver" "$ip4" "$(names_client -- "$base/goprobe-$variant" resolve4 web.names.test 2>/dev/null)"
    done

    # 3. host names: through the host's name server (the glibc path of the preload library never sees these)
    record "a host name resolves as the host resolves it" "192.0.2.7" "$(names_client -- dig +short +time=2 +tries=2 host-only.example 2>/dev/null)"
    record "the host's name server was asked" "1" "$(grep -c 'query\[A\] host-only.example' "$host_resolver_log")"

    # 4. --isolate: the networks' names still resolve, nothing else reaches the host's name server
    record "--isolate: the network's names resolve" "$ip4" "$(names_client --isolate -- dig +short +time=2 +tries=2 web.names.test 2>/dev/null)"
    record "--isolate: glibc getaddrinfo of a network name" "$ip4" "$(names_client --isolate -- getent ahostsv4 web.names.test 2>/dev/null | awk 'NR==1{print $1}')"
    record "--isolate: a host name is refused" "REFUSED" "$(names_client --isolate -- dig +time=2 +tries=2 isolated-dig.example 2>/dev/null | dns_status)"
    names_client --isolate -- getent ahosts isolated-glibc.example >/dev/null 2>&1
    [ -x "$base/goprobe-static" ] && names_client --isolate -- "$base/goprobe-static" resolve4 isolated-go.example >/dev/null 2>&1
    names_client --isolate -- dig +tcp +time=2 +tries=1 isolated-tcp.example >/dev/null 2>&1
    record "--isolate: the host's name server heard none of it" "0" "$(grep -c 'isolated-' "$host_resolver_log")"
  fi
fi
