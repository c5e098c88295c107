#!/usr/bin/env bash
# `make bench-programs`: real load generators against real servers, both under `netcon exec` on two nodes of a
# private world on 127.0.0.1, next to the same pair plainly on the kernel's loopback, in one run: wrk against
# nginx (requests/s, p99) and iperf3 (one TCP stream, 8 streams). Prints a table with the ratios.
# Usage: scripts/bench-programs.sh NETCON_BINARY [SECONDS] [INTERCEPT]   (INTERCEPT: auto, preload or seccomp)
set -uo pipefail
netcon=$(realpath "$1")
seconds=${2:-10}
intercept=${3:-auto}
base=$(mktemp -d "${TMPDIR:-/tmp}/netcon-bench-programs-XXXXXX")
chmod 755 "$base"
export PATH="$PATH:/usr/sbin:/sbin"   # nginx
source "$(dirname "$0")/world.sh"
pids=()
cleanup() {
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_background() { "$@" >>"$base/servers.log" 2>&1 & pids+=($!); }
client() { timeout $((seconds * 3 + 30)) "$netcon" exec --home "$base/client" --intercept "$intercept" -- "$@"; }

build_world 10.149.0.0/24 || exit 1

# nginx: the same configuration twice, one under netcon exec on the server node, one plain on 127.0.0.1.
mkdir -p "$base/www"
echo "hello from the virtual network" > "$base/www/index.html"
nginx_conf() {  # NAME LISTEN
  mkdir -p "$base/$1"
  cat > "$base/$1/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $base/$1/nginx.pid;
error_log $base/$1/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $base/$1/body; proxy_temp_path $base/$1/proxy; fastcgi_temp_path $base/$1/fastcgi;
  uwsgi_temp_path $base/$1/uwsgi; scgi_temp_path $base/$1/scgi;
  server { listen $2; root $base/www; }
}
CONF
}
nginx_conf nginx-virtual 8080
nginx_conf nginx-plain 127.0.0.1:8081
in_background "$netcon" exec --home "$base/server" --intercept "$intercept" -- nginx -c "$base/nginx-virtual/nginx.conf" -e "$base/nginx-virtual/error.log"
in_background nginx -c "$base/nginx-plain/nginx.conf" -e "$base/nginx-plain/error.log"
wait_for "client curl -sf --max-time 2 http://$ip4:8080/index.html" 150 || { echo "nginx under netcon exec did not answer"; exit 1; }
wait_for "curl -sf --max-time 2 http://127.0.0.1:8081/index.html" 150 || { echo "plain nginx did not answer"; exit 1; }

wrk_run() {  # prints "requests/s p99(ms)"
  "$@" | python3 -c '
import re, sys
text = sys.stdin.read()
rate = re.search(r"Requests/sec:\s*([\d.]+)", text)
p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)", text, re.M)
scale = {"us": 0.001, "ms": 1, "s": 1000}
print(rate.group(1) if rate else "0", float(p99.group(1)) * scale[p99.group(2)] if p99 else 0)'
}
read -r wrk_virtual wrk_virtual_p99 < <(wrk_run client wrk -t2 -c50 -d"${seconds}s" --latency "http://$ip4:8080/index.html")
read -r wrk_plain wrk_plain_p99 < <(wrk_run wrk -t2 -c50 -d"${seconds}s" --latency "http://127.0.0.1:8081/index.html")

# iperf3: one stream and 8 streams, each way of running.
in_background "$netcon" exec --home "$base/server" --intercept "$intercept" -- iperf3 -s -p 5201
in_background iperf3 -s -p 5202 -B 127.0.0.1
sleep 1
iperf_run() {  # prints Mbit/s received
  "$@" | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' 2>/dev/null || echo 0
}
iperf_virtual=$(iperf_run client iperf3 -c "$ip4" -p 5201 -t "$seconds" -J)
iperf_plain=$(iperf_run iperf3 -c 127.0.0.1 -p 5202 -t "$seconds" -J)
iperf8_virtual=$(iperf_run client iperf3 -c "$ip4" -p 5201 -t "$seconds" -P 8 -J)
iperf8_plain=$(iperf_run iperf3 -c 127.0.0.1 -p 5202 -t "$seconds" -P 8 -J)

ratio() { python3 -c "print(f'{($1) / ($2):.2f}' if ($2) else '—')"; }
echo "Programs under netcon exec --intercept $intercept on two nodes next to the same programs on the kernel's loopback ($seconds s each):"
printf '  %-34s %14s %14s %7s\n' workload "netcon exec" loopback ratio
printf '  %-34s %14s %14s %7s\n' "wrk -c50 → nginx, requests/s" "$wrk_virtual" "$wrk_plain" "$(ratio "$wrk_virtual" "$wrk_plain")"
printf '  %-34s %14s %14s\n' "wrk -c50 → nginx, p99 latency ms" "$wrk_virtual_p99" "$wrk_plain_p99"
printf '  %-34s %14s %14s %7s\n' "iperf3, 1 stream, Mbit/s" "$iperf_virtual" "$iperf_plain" "$(ratio "$iperf_virtual" "$iperf_plain")"
printf '  %-34s %14s %14s %7s\n' "iperf3, 8 streams, Mbit/s" "$iperf8_virtual" "$iperf8_plain" "$(ratio "$iperf8_virtual" "$iperf8_plain")"
