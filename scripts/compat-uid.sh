# Sourced by compat.sh on both paths, as root: programs that change uid inside `netcon exec` keep the virtual
# network (their right to it is the exec session — the supervisor, or the preload library's session socket —
# not their uid): a client and a server after setpriv, a client after su (a static one on the seccomp path),
# postgres as the postgres user, vsftpd after an anonymous login.

# setpriv: a server that serves as nobody, and a dynamic client that became nobody (Debian's python3: a
# python3 earlier in PATH may live where nobody cannot read)
start_server python-nobody setpriv --reuid=nobody --regid=nogroup --clear-groups -- /usr/bin/python3 -m http.server 8200 --bind :: --directory "$base/www"
wait_for "client -- curl -sf --max-time 2 http://$ip4:8200/index.html" 100
record "a server that became nobody (python3 http.server)" "$big_sum" "$(client -- curl -s "http://$ip4:8200/big.txt" 2>/dev/null | sha256sum | cut -d' ' -f1)"
record "setpriv to nobody, then curl" "hello from the virtual network" \
  "$(client -- setpriv --reuid=nobody --regid=nogroup --clear-groups -- curl -s "http://$ip4:8200/index.html" 2>/dev/null)"
su_client="busybox wget -q -O-"; [ "$intercept" = preload ] && su_client="curl -s"
record "su to nobody, then a client (${su_client%% *}, IPv6)" "hello from the virtual network" \
  "$(client -- su -s /bin/sh nobody -c "$su_client 'http://[$ip6]:8200/index.html'" 2>/dev/null)"
stop_server

# postgres run as the postgres user (initdb outside exec: it needs no network)
postgres_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$postgres_bin" ] || ! id postgres >/dev/null 2>&1; then
  record "postgres as the postgres user + psql" "installed" "postgresql is missing"
else
  mkdir -p "$base/pg/sock" && chown -R postgres:postgres "$base/pg"
  su postgres -s /bin/sh -c "'$postgres_bin/initdb' -D '$base/pg/data' -A trust -U postgres" >"$base/pg/initdb.log" 2>&1
  printf 'host all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n' >> "$base/pg/data/pg_hba.conf"
  start_server postgres setpriv --reuid=postgres --regid=postgres --init-groups -- "$postgres_bin/postgres" -D "$base/pg/data" \
    -p 5433 -c listen_addresses='*' -c unix_socket_directories="$base/pg/sock"
  wait_for "client -- psql -h $ip4 -p 5433 -U postgres -d postgres -Atc 'select 1'" 150
  client -- psql -h "$ip4" -p 5433 -U postgres -d postgres -qAtc \
    "create table notes(body text); insert into notes values ('written over netcon'), ('and read back')" >/dev/null 2>&1
  record "postgres as the postgres user + psql (rows written, read back)" "written over netcon,and read back" \
    "$(client -- psql -h "$ip4" -p 5433 -U postgres -d postgres -Atc "select string_agg(body, ',' order by body desc) from notes" 2>/dev/null)"
  record "psql over IPv6" "2" "$(client -- psql -h "$ip6" -p 5433 -U postgres -d postgres -Atc "select count(*) from notes" 2>/dev/null)"
  stop_server
fi

# vsftpd: it drops to the ftp user after an anonymous login; passive-mode data connections both ways
if ! command -v vsftpd >/dev/null || ! id ftp >/dev/null 2>&1; then
  record "vsftpd passive upload and download after login" "installed" "vsftpd is missing"
else
  mkdir -p "$base/ftp/root/upload" "$base/ftp/empty"
  chmod 555 "$base/ftp/root"
  chown ftp:ftp "$base/ftp/root/upload"
  cat > "$base/ftp/vsftpd.conf" <<CONF
listen=YES
listen_port=2121
background=NO
anonymous_enable=YES
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_umask=022
anon_root=$base/ftp/root
no_anon_password=YES
pasv_enable=YES
pasv_min_port=30100
pasv_max_port=30110
secure_chroot_dir=$base/ftp/empty
xferlog_enable=NO
CONF
  start_server vsftpd vsftpd "$base/ftp/vsftpd.conf"
  sleep 1
  client -- curl -s -T "$base/www/big.txt" "ftp://$ip4:2121/upload/big.txt" >/dev/null 2>&1
  record "vsftpd passive upload after login (stored by the ftp user)" "$big_sum ftp" \
    "$(sha256sum < "$base/ftp/root/upload/big.txt" 2>/dev/null | cut -d' ' -f1) $(stat -c %U "$base/ftp/root/upload/big.txt" 2>/dev/null)"
  record "vsftpd passive download" "$big_sum" "$(client -- curl -s "ftp://$ip4:2121/upload/big.txt" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  stop_server
fi

# Nobody else on the machine gets in: another user can use neither the node's control socket nor its RPC socket
# (the home is 0700, the sockets 0600, and the node checks each caller's uid).
record "another user cannot reach the node's sockets" "control.sock EACCES|rpc.sock EACCES" \
  "$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- /usr/bin/python3 -c "
import errno, socket
results = []
for name in ('control.sock', 'rpc.sock'):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET if name == 'rpc.sock' else socket.SOCK_STREAM)
    try:
        s.connect('$base/client/' + name)
        results.append(name + ' connected')
    except OSError as error:
        results.append(name + ' ' + errno.errorcode[error.errno])
print('|'.join(results))" 2>&1)"
# ... and not because of the file modes alone: with the home and the RPC socket opened up for the check, the node
# still answers its own user's request and drops another user's.
chmod 711 "$base/client"; chmod 666 "$base/client/rpc.sock"
routes_request() {  # prints how a ROUTES request over the RPC socket went
  /usr/bin/python3 -c "
import socket, struct
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect('$base/client/rpc.sock')
s.settimeout(5)
try:  # the node may close the connection before the request is even sent
    s.send(struct.pack('=II', 0x4e435231, 1) + bytes(48))  # magic, ROUTES
    print('answered' if len(s.recv(4096)) > 0 else 'dropped')
except (ConnectionResetError, BrokenPipeError): print('dropped')" 2>&1 | tail -1
}
record "the node answers its own user over an opened-up RPC socket" "answered" "$(routes_request)"
record "the node drops another user over an opened-up RPC socket" "dropped" \
  "$(export -f routes_request; base="$base" setpriv --reuid=nobody --regid=nogroup --clear-groups -- bash -c routes_request)"
chmod 600 "$base/client/rpc.sock"; chmod 700 "$base/client"
