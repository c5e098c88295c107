/* connect, bind, listen, accept: where a kernel socket becomes a virtual one. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resolver_services.h"
#include "address.h"
#include "config.h"
#include "log.h"
#include "real.h"
#include "result.h"
#include "routes.h"
#include "rpc_client.h"
#include "socket_calls.h"
#include "sockets.h"
#include "udp.h"

/* The destination of a connect or bind on a kernel socket of `domain`, as the kernel would read it; false
   when the kernel should see the call itself (malformed, family the socket does not take, AF_UNSPEC). */
static bool netcon_parse_for(const struct netcon_socket *entry, const struct sockaddr *address, socklen_t length,
                             netcon_rpc_address *out) {
    if (netcon_address_from_sockaddr(address, length, out) != 0 || out->family == 0) return false;
    if (entry->domain == AF_INET) return address->sa_family == AF_INET;
    /* An AF_INET6 socket takes IPv6 addresses only (v4-mapped ones included, unless IPV6_V6ONLY). */
    return address->sa_family == AF_INET6;
}

static long netcon_tcp_connect(int fd, struct netcon_socket *entry, const netcon_rpc_address *remote) {
    int status_flags = fcntl(fd, F_GETFL);
    bool nonblocking = status_flags >= 0 && (status_flags & O_NONBLOCK);
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_TCP_CONNECT);
    request.address = *remote;
    request.domain = entry->domain;
    uint32_t options = 0;
    if (nonblocking) request.flags |= NETCON_RPC_FLAG_NONBLOCK;
    if (netcon_config.isolate) request.flags |= NETCON_RPC_FLAG_ISOLATED;
    if (netcon_socket_flag(fd, IPPROTO_TCP, TCP_NODELAY)) {
        request.flags |= NETCON_RPC_FLAG_NODELAY;
        options |= NETCON_OPTION_NODELAY;
    }
    if (netcon_socket_flag(fd, SOL_SOCKET, SO_KEEPALIVE)) {
        request.flags |= NETCON_RPC_FLAG_KEEPALIVE;
        options |= NETCON_OPTION_KEEPALIVE;
    }
    if (netcon_socket_flag(fd, SOL_SOCKET, SO_REUSEADDR)) options |= NETCON_OPTION_REUSEADDR;

    netcon_rpc_reply reply;
    int received;
    int result = netcon_rpc_call(&request, &reply, &received,
                                 nonblocking ? NETCON_RPC_TIMEOUT_SECONDS : NETCON_RPC_CONNECT_TIMEOUT_SECONDS);
    if (result < 0) return result == -ETIMEDOUT && !nonblocking ? -ETIMEDOUT : -ENETUNREACH;
    if (reply.error != 0) return -reply.error;
    if (received < 0) return -ENETUNREACH;

    struct netcon_socket virtual_socket = {
        .kind = NETCON_RPC_KIND_TCP_CONNECTION,
        .domain = entry->domain,
        .connecting = (reply.flags & NETCON_RPC_REPLY_CONNECTING) != 0,
        .options = options,
        .local = reply.local,
        .remote = reply.remote.family != 0 ? reply.remote : *remote,
    };
    virtual_socket.connected = !virtual_socket.connecting;
    result = netcon_socket_adopt(fd, received, &virtual_socket);
    if (result < 0) return result;
    return virtual_socket.connecting ? -EINPROGRESS : 0;
}

/* A socket bound to a wildcard address (a client choosing its source port) then connected to the host:
   the recorded bind is made for real first. A virtual local address means nothing to the host: dropped. */
static void netcon_settle_pending_bind(int fd, struct netcon_socket *entry) {
    if (!entry->reserved_port && netcon_address_is_any(&entry->local) && entry->local.port != 0) {
        struct sockaddr_storage any;
        socklen_t length = netcon_address_to_sockaddr(&entry->local, entry->domain, &any);
        NETCON_REAL(bind)(fd, (struct sockaddr *)&any, length);
    }
    entry->pending_bind = false;
    entry->reserved_port = false;
    netcon_socket_remember(entry);
}

long netcon_call_connect(int fd, const struct sockaddr *address, socklen_t length) {
    if (netcon_is_host_name_service(address, length)) return -ECONNREFUSED;
    struct netcon_socket entry;
    enum netcon_fd_class class = netcon_socket_find(fd, &entry);
    if (class == NETCON_FD_VIRTUAL) {
        switch (entry.kind) {
        case NETCON_RPC_KIND_UDP: {
            netcon_rpc_address remote;
            int parsed = netcon_address_from_sockaddr(address, length, &remote);
            if (parsed < 0) return parsed;
            if (remote.family != 0 && netcon_routes_classify(&remote) <= NETCON_ROUTE_HOST) return -ENETUNREACH;
            return netcon_udp_connect(&entry, &remote);
        }
        case NETCON_RPC_KIND_TCP_CONNECTION: {
            if (!entry.connecting) return -EISCONN;
            /* Connecting again after poll said writable (hiredis does): the node tells the outcome once
               the handshake ended, as the kernel would answer by then. */
            int described = netcon_socket_describe(&entry);
            if (described < 0) return described == -ENOENT ? -ECONNABORTED : described;
            int error = entry.pending_error;
            entry.pending_error = 0;
            entry.connecting = false;
            netcon_socket_remember(&entry);
            return error != 0 ? -error : -EISCONN;
        }
        case NETCON_RPC_KIND_ICMP:
            return -EOPNOTSUPP; /* a connected echo socket is not served: ping sends to an address each time */
        default:
            return -EISCONN;
        }
    }
    netcon_rpc_address remote;
    if (class == NETCON_FD_KERNEL && netcon_socket_is_echo(&entry)) {
        /* Connected, it would send with plain send() straight past the rules: refused towards the virtual
           networks (and under --isolate anywhere else), as the kernel would refuse what it cannot route. */
        if (netcon_address_from_sockaddr(address, length, &remote) != 0 || remote.family == 0)
            return netcon_result(NETCON_PASS(connect)(fd, address, length));
        if (netcon_routes_classify(&remote) > NETCON_ROUTE_HOST) return -EOPNOTSUPP;
        if (netcon_config.isolate) return -ENETUNREACH;
        return netcon_result(NETCON_PASS(connect)(fd, address, length));
    }
    if (class != NETCON_FD_KERNEL || !netcon_socket_is_candidate(&entry) ||
        !netcon_parse_for(&entry, address, length, &remote))
        return netcon_result(NETCON_PASS(connect)(fd, address, length));

    char text[64];
    netcon_address_format(&remote, text, sizeof text);
    int route = netcon_routes_classify(&remote);
    if (route <= NETCON_ROUTE_HOST) {
        if (netcon_config.isolate) {
            netcon_debug("connect fd %d to %s: not on a virtual network, isolated: ENETUNREACH", fd, text);
            return -ENETUNREACH;
        }
        netcon_debug("connect fd %d to %s: host", fd, text);
        if (entry.pending_bind) netcon_settle_pending_bind(fd, &entry);
        return netcon_result(NETCON_PASS(connect)(fd, address, length));
    }
    netcon_debug("connect fd %d to %s: virtual (%s)", fd, text, entry.type == SOCK_STREAM ? "tcp" : "udp");
    if (entry.type == SOCK_STREAM) return netcon_tcp_connect(fd, &entry, &remote);
    netcon_rpc_address any = {0};
    long result = netcon_udp_bind(fd, &entry, &any);
    return result < 0 ? result : netcon_udp_connect(&entry, &remote);
}

/* A stream socket bound to port 0 must report its port at once (Python's socketserver asks before listen):
   the kernel socket is really bound to a free host port, which the virtual listener then takes. */
static void netcon_reserve_port(int fd, struct netcon_socket *entry) {
    struct sockaddr_storage any;
    netcon_rpc_address wildcard = {0};
    socklen_t length = netcon_address_to_sockaddr(&wildcard, entry->domain, &any);
    if (NETCON_REAL(bind)(fd, (struct sockaddr *)&any, length) != 0) return;
    struct sockaddr_storage bound;
    length = sizeof bound;
    netcon_rpc_address chosen;
    if (NETCON_REAL(getsockname)(fd, (struct sockaddr *)&bound, &length) != 0 ||
        netcon_address_from_sockaddr((struct sockaddr *)&bound, length, &chosen) != 0)
        return;
    entry->local.port = chosen.port;
    entry->reserved_port = true;
}

long netcon_call_bind(int fd, const struct sockaddr *address, socklen_t length) {
    struct netcon_socket entry;
    enum netcon_fd_class class = netcon_socket_find(fd, &entry);
    if (class == NETCON_FD_VIRTUAL) return -EINVAL;
    netcon_rpc_address local;
    if (class != NETCON_FD_KERNEL || !netcon_socket_is_candidate(&entry) ||
        !netcon_parse_for(&entry, address, length, &local))
        return netcon_result(NETCON_PASS(bind)(fd, address, length));
    if (entry.pending_bind) return -EINVAL;

    char text[64];
    netcon_address_format(&local, text, sizeof text);
    if (!netcon_address_is_any(&local) && netcon_routes_classify(&local) != NETCON_ROUTE_LOCAL) {
        if (netcon_config.isolate) {
            netcon_debug("bind fd %d to %s: a host address, isolated: EADDRNOTAVAIL", fd, text);
            return -EADDRNOTAVAIL;
        }
        netcon_debug("bind fd %d to %s: host", fd, text);
        return netcon_result(NETCON_PASS(bind)(fd, address, length));
    }
    /* The RPC names "any address" with family 0. */
    if (netcon_address_is_any(&local)) {
        uint16_t port = local.port;
        memset(&local, 0, sizeof local);
        local.port = port;
    }
    if (entry.type == SOCK_DGRAM) {
        netcon_debug("bind fd %d to %s: virtual udp", fd, text);
        return netcon_udp_bind(fd, &entry, &local);
    }
    struct sockaddr_storage bound;
    socklen_t bound_length = sizeof bound;
    netcon_rpc_address current;
    if (NETCON_REAL(getsockname)(fd, (struct sockaddr *)&bound, &bound_length) == 0 &&
        netcon_address_from_sockaddr((struct sockaddr *)&bound, bound_length, &current) == 0 && current.port != 0)
        return -EINVAL; /* really bound already */
    entry.pending_bind = true;
    entry.local = local;
    if (local.port == 0) netcon_reserve_port(fd, &entry);
    netcon_debug("bind fd %d to %s: recorded for a virtual listener (port %u)", fd, text, (unsigned)entry.local.port);
    netcon_socket_remember(&entry);
    return 0;
}

/* A kernel socket bound only to reserve a port gives the port back before the node takes it (the node may
   listen on the host too). The fresh socket takes the pending bind over. */
static int netcon_release_reservation(int fd, struct netcon_socket *entry) {
    int fresh = socket(entry->domain, SOCK_STREAM, 0);
    if (fresh < 0) return -errno;
    int v6only = netcon_socket_flag(fd, IPPROTO_IPV6, IPV6_V6ONLY);
    if (entry->domain == AF_INET6) NETCON_REAL(setsockopt)(fresh, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    entry->reserved_port = false;
    struct netcon_socket kernel_socket = *entry;
    kernel_socket.kind = NETCON_RPC_KIND_NONE;
    int result = netcon_socket_adopt(fd, fresh, &kernel_socket);
    if (result == 0) *entry = kernel_socket;
    return result;
}

long netcon_call_listen(int fd, int backlog) {
    struct netcon_socket entry;
    enum netcon_fd_class class = netcon_socket_find(fd, &entry);
    if (class == NETCON_FD_VIRTUAL) {
        if (entry.kind == NETCON_RPC_KIND_TCP_LISTENER) return 0;
        return netcon_kind_has_datagrams(entry.kind) ? -EOPNOTSUPP : -EINVAL;
    }
    if (class != NETCON_FD_KERNEL || !netcon_socket_is_candidate(&entry) || entry.type != SOCK_STREAM)
        return netcon_result(NETCON_PASS(listen)(fd, backlog));
    if (!entry.pending_bind) {
        struct sockaddr_storage bound;
        socklen_t length = sizeof bound;
        netcon_rpc_address current;
        if (NETCON_REAL(getsockname)(fd, (struct sockaddr *)&bound, &length) == 0 &&
            netcon_address_from_sockaddr((struct sockaddr *)&bound, length, &current) == 0 && current.port != 0) {
            netcon_debug("listen fd %d: bound on the host, host listener", fd);
            return netcon_result(NETCON_PASS(listen)(fd, backlog));
        }
        memset(&entry.local, 0, sizeof entry.local);
    }

    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_TCP_LISTEN);
    request.address = entry.local;
    request.domain = entry.domain;
    request.backlog = backlog;
    if (netcon_config.listen_host) request.flags |= NETCON_RPC_FLAG_LISTEN_HOST;
    uint32_t options = netcon_socket_flag(fd, SOL_SOCKET, SO_REUSEADDR) ? NETCON_OPTION_REUSEADDR : 0;
    /* SO_REUSEPORT shares the port with the other listeners that set it (SO_REUSEADDR on a TCP listener is
       only about TIME_WAIT, which a virtual port never has). */
    if (netcon_socket_flag(fd, SOL_SOCKET, SO_REUSEPORT)) {
        request.flags |= NETCON_RPC_FLAG_REUSE;
        options |= NETCON_OPTION_REUSEPORT;
    }
    if (entry.domain == AF_INET6 && netcon_socket_flag(fd, IPPROTO_IPV6, IPV6_V6ONLY)) {
        request.flags |= NETCON_RPC_FLAG_V6ONLY;
        options |= NETCON_OPTION_V6ONLY;
    }
    if (entry.reserved_port) {
        int released = netcon_release_reservation(fd, &entry);
        if (released < 0) return released;
    }
    char text[64];
    netcon_address_format(&entry.local, text, sizeof text);
    netcon_rpc_reply reply;
    int received;
    int result = netcon_rpc_call(&request, &reply, &received, NETCON_RPC_TIMEOUT_SECONDS);
    if (result < 0) return -EADDRNOTAVAIL;
    if (reply.error != 0) {
        netcon_debug("listen fd %d on %s: %s", fd, text, strerror(reply.error));
        return -reply.error;
    }
    if (received < 0) return -EADDRNOTAVAIL;
    struct netcon_socket listener = {
        .kind = NETCON_RPC_KIND_TCP_LISTENER,
        .domain = entry.domain,
        .options = options,
        .local = reply.local,
    };
    netcon_debug("listen fd %d on %s: virtual listener", fd, text);
    return netcon_socket_adopt(fd, received, &listener);
}

static long netcon_accept_virtual(int fd, const struct netcon_socket *listener, struct sockaddr *address,
                                  socklen_t *length, int flags) {
    netcon_rpc_accepted accepted;
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec vector = {&accepted, sizeof accepted};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    ssize_t received = NETCON_REAL(recvmsg)(fd, &message, (flags & SOCK_CLOEXEC) ? MSG_CMSG_CLOEXEC : 0);
    if (received < 0) return -errno;
    if (received == 0) { /* the node closed the listener */
        netcon_socket_silence(fd, SOCK_SEQPACKET, "listening socket");
        return netcon_result(NETCON_PASS(accept4)(fd, address, length, flags));
    }
    int connection = -1;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (header != NULL && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS &&
        header->cmsg_len >= CMSG_LEN(sizeof(int)))
        memcpy(&connection, CMSG_DATA(header), sizeof connection);
    /* The kernel drops a descriptor it cannot install and says so with MSG_CTRUNC. */
    if (connection < 0) return (message.msg_flags & MSG_CTRUNC) ? -EMFILE : -ECONNABORTED;
    if (received != (ssize_t)sizeof accepted || accepted.magic != NETCON_RPC_MAGIC) {
        close(connection);
        return -ECONNABORTED;
    }
    int status_flags = fcntl(connection, F_GETFL);
    if (status_flags >= 0)
        fcntl(connection, F_SETFL, (flags & SOCK_NONBLOCK) ? status_flags | O_NONBLOCK : status_flags & ~O_NONBLOCK);
    struct stat status;
    if (fstat(connection, &status) == 0) {
        struct netcon_socket entry = {
            .inode = status.st_ino,
            .kind = NETCON_RPC_KIND_TCP_CONNECTION,
            .domain = listener->domain,
            .connected = true,
            .local = accepted.local,
            .remote = accepted.remote,
        };
        netcon_socket_remember(&entry);
    }
    if (address != NULL && length != NULL) {
        struct sockaddr_storage remote;
        socklen_t full = netcon_address_to_sockaddr(&accepted.remote, listener->domain, &remote);
        netcon_sockaddr_copy_out(&remote, full, address, length);
    }
    return connection;
}

long netcon_call_accept(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    struct netcon_socket entry;
    if (netcon_socket_find(fd, &entry) == NETCON_FD_VIRTUAL) {
        if (entry.kind == NETCON_RPC_KIND_TCP_LISTENER) return netcon_accept_virtual(fd, &entry, address, length, flags);
        return netcon_kind_has_datagrams(entry.kind) ? -EOPNOTSUPP : -EINVAL;
    }
    return netcon_result(NETCON_PASS(accept4)(fd, address, length, flags));
}
