# Sourced by compat.sh on both paths: the socket options real servers use. iperf3 -u (a second UDP socket on
# the server's port, SO_REUSEADDR), nginx with `listen ... reuseport` (connections spread over the workers),
# dnsmasq in its default wildcard mode (IP_PKTINFO / IPV6_RECVPKTINFO on its UDP socket; over TCP its check that the
# connection's local address is one of the interfaces' in an rtnetlink address dump), and options netcon cannot
# honour failing with an errno instead of a silent success.

start_server iperf3-udp iperf3 -s -p 5210 -1
sleep 1
iperf_udp=$(client -- iperf3 -u -b 100M -t 2 -c "$ip4" -p 5210 -J 2>/dev/null | python3 -c '
import json, sys
try:
    end = json.load(sys.stdin)["end"]["sum"]
    print("done", round(end["bits_per_second"] / 1e6), round(end["lost_percent"], 2))
except Exception as error:
    print("failed", error)')
read -r iperf_state iperf_mbits iperf_lost <<<"$iperf_udp"
record "iperf3 -u at 100 Mbit/s (loss reported)" "done" "$iperf_state" "$iperf_udp"
echo "iperf3 -u: ${iperf_mbits:-?} Mbit/s, ${iperf_lost:-?} % lost"
stop_server

mkdir -p "$base/nginx-reuseport"
cat > "$base/nginx-reuseport/nginx.conf" <<CONF
worker_processes 2;
daemon off;
master_process on;
pid $base/nginx-reuseport/nginx.pid;
error_log $base/nginx-reuseport/error.log;
events { worker_connections 64; }
http {
  log_format worker '\$pid';
  access_log $base/nginx-reuseport/access.log worker;
  client_body_temp_path $base/nginx-reuseport/body; proxy_temp_path $base/nginx-reuseport/proxy;
  fastcgi_temp_path $base/nginx-reuseport/fastcgi; uwsgi_temp_path $base/nginx-reuseport/uwsgi;
  scgi_temp_path $base/nginx-reuseport/scgi;
  server { listen 8085 reuseport; listen [::]:8085 reuseport; root $base/www; }
}
CONF
start_server nginx-reuseport nginx -c "$base/nginx-reuseport/nginx.conf" -e "$base/nginx-reuseport/error.log"
wait_for "client -- curl -sf --max-time 2 http://$ip4:8085/index.html" 100
answers=""
for _ in 1 2 3 4 5 6 7 8; do answers+=$(client -- curl -s "http://$ip4:8085/index.html" 2>/dev/null | head -c 5); done
record "nginx reuseport: every request answered" "$(printf 'hello%.0s' 1 2 3 4 5 6 7 8)" "$answers"
record "nginx reuseport: both workers took connections" "2" "$(sort -u "$base/nginx-reuseport/access.log" 2>/dev/null | wc -l | tr -d ' ')"
stop_server

if command -v dnsmasq >/dev/null && command -v dig >/dev/null; then
  # dnsmasq closes every descriptor it inherited, then drops to its own user: on the preload path the library
  # then has neither the session's socket nor the uid the node accepts, so there it keeps the uid it started with.
  keep_user=(); [ "$intercept" = preload ] && keep_user=(--user="$(id -un)")
  start_server dnsmasq dnsmasq -k --no-resolv --no-hosts --port 5353 --address=/netcon.test/10.1.2.3 \
    --address=/netcon.test/fd00::1234 --pid-file="$base/dnsmasq.pid" --log-facility=- "${keep_user[@]}"
  sleep 1
  record "dnsmasq (wildcard mode) + dig over UDP" "10.1.2.3" "$(client -- dig +short +time=2 +tries=2 @"$ip4" -p 5353 netcon.test A 2>/dev/null)"
  record "dnsmasq (wildcard mode) + dig over UDP (IPv6)" "fd00::1234" "$(client -- dig +short +time=2 +tries=2 @"$ip6" -p 5353 netcon.test AAAA 2>/dev/null)"
  # over TCP dnsmasq accepts a connection only to an address of one of the host's interfaces (rtnetlink)
  record "dnsmasq (wildcard mode) + dig over TCP" "10.1.2.3" "$(client -- dig +short +tcp +time=2 +tries=2 @"$ip4" -p 5353 netcon.test A 2>/dev/null)"
  record "dnsmasq (wildcard mode) + dig over TCP (IPv6)" "10.1.2.3" "$(client -- dig +short +tcp +time=2 +tries=2 @"$ip6" -p 5353 netcon.test A 2>/dev/null)"
  stop_server
else
  record "dnsmasq + dig" "installed" "dnsmasq or dig is missing"
fi

record "socket options: served, refused or accepted honestly" \
  "bindtodevice ENODEV|join EOPNOTSUPP|tos ok|pktinfo 1|segment ENOPROTOOPT|own-source ok|foreign-source EINVAL|segment-message EOPNOTSUPP" \
  "$(client -- /usr/bin/python3 -c "
import errno, socket, struct
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'x', ('$ip4', 9))  # a virtual destination: the socket is served by the node from here on
def attempt(name, call):
    try: call(); return name + ' ok'
    except OSError as error: return name + ' ' + ('EOPNOTSUPP' if error.errno == errno.EOPNOTSUPP else errno.errorcode[error.errno])
results = [attempt('bindtodevice', lambda: u.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'eth0')),
           attempt('join', lambda: u.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                                                struct.pack('4s4s', socket.inet_aton('239.1.1.1'), bytes(4)))),
           attempt('tos', lambda: u.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x10))]
u.setsockopt(socket.IPPROTO_IP, 8, 1)  # IP_PKTINFO
results.append('pktinfo %d' % u.getsockopt(socket.IPPROTO_IP, 8))
results.append(attempt('segment', lambda: u.setsockopt(socket.IPPROTO_UDP, 103, 1400)))  # UDP_SEGMENT
def from_source(source):  # sendmsg with IP_PKTINFO naming the source address
    info = struct.pack('I4s4s', 0, socket.inet_aton(source), bytes(4))
    return u.sendmsg([b'y'], [(socket.IPPROTO_IP, 8, info)], 0, ('$ip4', 9))
results.append(attempt('own-source', lambda: from_source('$client_ip4')))
results.append(attempt('foreign-source', lambda: from_source('192.0.2.77')))
results.append(attempt('segment-message', lambda: u.sendmsg([b'z'], [(socket.IPPROTO_UDP, 103, struct.pack('H', 1000))], 0, ('$ip4', 9))))
print('|'.join(results))" 2>/dev/null)"

# ping and ping6 (raw ICMP sockets as root, ping sockets otherwise) of the server node's addresses, in a network
# namespace of their own like every program that might escape
if unshare -n true 2>/dev/null; then
  pinged() { timeout 30 unshare -n "$netcon" exec --home "$base/client" --intercept "$intercept" "$@" 2>/dev/null | grep -o '[0-9]* received' ; }
  record "ping -c 3 of a virtual address" "3 received" "$(pinged -- ping -c 3 -i 0.3 -W 3 "$ip4")"
  record "ping -6 -c 3 of a virtual address" "3 received" "$(pinged -- ping -6 -c 3 -i 0.3 -W 3 "$ip6")"
fi

# The same bad pointers and lengths through libc's functions, which the preload library's hooks answer (on the
# seccomp path the supervisor): the kernel's errnos, and the program goes on to print them
record "bad pointers and lengths through libc: the kernel's errnos" \
  "connect EFAULT|bind EINVAL|getsockname EFAULT|sendto EFAULT|sendmsg EFAULT|recvfrom EFAULT|setsockopt EFAULT" \
  "$(client -- /usr/bin/python3 "$(dirname "$0")/bad-pointers.py" --libc "$ip4" 2>/dev/null)"
