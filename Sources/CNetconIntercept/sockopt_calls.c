/* getsockopt and setsockopt on virtual sockets: answer as a TCP/UDP socket would, forward what the node
   honours, accept the rest. Kernel sockets (including one with a recorded bind) see the real calls. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "real.h"
#include "result.h"
#include "rpc_client.h"
#include "socket_calls.h"
#include "sockets.h"

static long netcon_put_int(int value, void *out, socklen_t *length) {
    if (out == NULL || length == NULL) return -EFAULT;
    if (*length >= sizeof(int)) {
        memcpy(out, &value, sizeof value);
        *length = sizeof value;
    } else if (*length > 0) {
        *(unsigned char *)out = (unsigned char)value; /* as the kernel does for byte-sized IP options */
        *length = 1;
    }
    return 0;
}

static bool netcon_is_tcp(const struct netcon_socket *entry) {
    return entry->kind == NETCON_RPC_KIND_TCP_CONNECTION || entry->kind == NETCON_RPC_KIND_TCP_LISTENER;
}

static uint32_t netcon_option_bit(int level, int name) {
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_KEEPALIVE: return NETCON_OPTION_KEEPALIVE;
        case SO_REUSEADDR: return NETCON_OPTION_REUSEADDR;
        case SO_REUSEPORT: return NETCON_OPTION_REUSEPORT;
        case SO_BROADCAST: return NETCON_OPTION_BROADCAST;
        }
    }
    if (level == IPPROTO_TCP && name == TCP_NODELAY) return NETCON_OPTION_NODELAY;
    if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) return NETCON_OPTION_V6ONLY;
    if (level == IPPROTO_IP && name == IP_PKTINFO) return NETCON_OPTION_PKTINFO;
    if (level == IPPROTO_IPV6 && name == IPV6_RECVPKTINFO) return NETCON_OPTION_RECVPKTINFO6;
    return 0;
}

/* SO_ERROR: a connection whose connect returned EINPROGRESS learns its outcome now (DESCRIBE waits for it);
   a failure is reported once. */
static int netcon_socket_error(struct netcon_socket *entry) {
    if (entry->kind != NETCON_RPC_KIND_TCP_CONNECTION) return 0;
    if (entry->connecting) {
        int described = netcon_socket_describe(entry);
        if (described < 0) {
            entry->connecting = false;
            entry->pending_error = described == -ENOENT ? ECONNABORTED : ENETUNREACH;
        }
    }
    int error = entry->pending_error;
    if (error != 0 || entry->connecting) {
        entry->pending_error = 0;
        entry->connecting = false;
        netcon_socket_remember(entry);
    }
    return error;
}

static long netcon_tcp_info(const struct netcon_socket *entry, void *out, socklen_t *length) {
    if (out == NULL || length == NULL) return -EFAULT;
    struct tcp_info info;
    memset(&info, 0, sizeof info);
    info.tcpi_state = entry->kind == NETCON_RPC_KIND_TCP_LISTENER ? TCP_LISTEN
                      : entry->connected                          ? TCP_ESTABLISHED
                                                                  : TCP_SYN_SENT;
    socklen_t size = *length < sizeof info ? *length : (socklen_t)sizeof info;
    memcpy(out, &info, size);
    *length = size;
    return 0;
}

static long netcon_getsockopt_virtual(int fd, struct netcon_socket *entry, int level, int name, void *value,
                                      socklen_t *length) {
    bool tcp = netcon_is_tcp(entry);
    uint32_t bit = netcon_option_bit(level, name);
    if (bit != 0 && (level != IPPROTO_TCP || tcp)) return netcon_put_int((entry->options & bit) != 0, value, length);
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_ERROR: return netcon_put_int(netcon_socket_error(entry), value, length);
        case SO_TYPE:
            return netcon_put_int(tcp ? SOCK_STREAM : entry->kind == NETCON_RPC_KIND_ICMP ? entry->type : SOCK_DGRAM, value, length);
        case SO_DOMAIN: return netcon_put_int(entry->domain, value, length);
        case SO_PROTOCOL:
            return netcon_put_int(tcp ? IPPROTO_TCP : entry->kind == NETCON_RPC_KIND_ICMP ? entry->protocol : IPPROTO_UDP, value, length);
        case SO_ACCEPTCONN: return netcon_put_int(entry->kind == NETCON_RPC_KIND_TCP_LISTENER, value, length);
        case SO_LINGER: {
            if (value == NULL || length == NULL) return -EFAULT;
            struct linger linger = {(entry->options & NETCON_OPTION_LINGER_ABORT) != 0, 0};
            socklen_t size = *length < sizeof linger ? *length : (socklen_t)sizeof linger;
            memcpy(value, &linger, size);
            *length = size;
            return 0;
        }
        default: /* buffer sizes, timeouts, SO_RCVLOWAT...: the unix socket's own */
            return netcon_result(NETCON_PASS(getsockopt)(fd, level, name, value, length));
        }
    }
    if (level == IPPROTO_TCP) {
        if (!tcp) return -EOPNOTSUPP;
        switch (name) {
        case TCP_INFO: return netcon_tcp_info(entry, value, length);
        case TCP_MAXSEG: return netcon_put_int(1460, value, length); /* lwIP's MSS */
        case TCP_KEEPIDLE: return netcon_put_int(7200, value, length);
        case TCP_KEEPINTVL: return netcon_put_int(75, value, length);
        case TCP_KEEPCNT: return netcon_put_int(9, value, length);
        default: return netcon_put_int(0, value, length);
        }
    }
    if (level == IPPROTO_IP || level == IPPROTO_IPV6 || level == IPPROTO_UDP) {
        if (level == IPPROTO_IP && name == IP_TTL) return netcon_put_int(64, value, length);
        if (level == IPPROTO_IP && name == IP_OPTIONS) {  /* none: sshd drops connections that carry any */
            if (length == NULL) return -EFAULT;
            *length = 0;
            return 0;
        }
        if (level == IPPROTO_IPV6 && name == IPV6_UNICAST_HOPS) return netcon_put_int(64, value, length);
        return netcon_put_int(0, value, length);
    }
    return netcon_result(NETCON_PASS(getsockopt)(fd, level, name, value, length));
}

long netcon_call_getsockopt(int fd, int level, int name, void *value, socklen_t *length) {
    struct netcon_socket entry;
    if (netcon_socket_find(fd, &entry) == NETCON_FD_VIRTUAL)
        return netcon_getsockopt_virtual(fd, &entry, level, name, value, length);
    return netcon_result(NETCON_PASS(getsockopt)(fd, level, name, value, length));
}

static long netcon_setsockopt_rpc(const struct netcon_socket *entry, int option, int value) {
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_SETSOCKOPT);
    request.inode = entry->inode;
    request.option = option;
    request.value = value;
    netcon_rpc_reply reply;
    int received;
    int result = netcon_rpc_call(&request, &reply, &received, NETCON_RPC_TIMEOUT_SECONDS);
    if (received >= 0) close(received);
    /* Best effort: these options tune a connection that works without them, and a process that cannot reach
       the node (nginx's workers after setuid) must not see its connections fail for it. Listeners remember
       the option for getsockopt whether or not the node applies it to them. */
    if (result < 0) return 0;
    if (reply.error != 0 && reply.error != ENOENT && entry->kind == NETCON_RPC_KIND_TCP_CONNECTION) return -reply.error;
    return 0;
}

/* IP-level options a virtual socket takes without serving them differently from the kernel's defaults that
   matter to a program (type of service, hop limits, path MTU discovery, error queues: the node's stack decides). */
static bool netcon_ip_option_accepted(int level, int name) {
    if (level == IPPROTO_IP) {
        switch (name) {
        case IP_TOS: case IP_TTL: case IP_MTU_DISCOVER: case IP_RECVERR: case IP_RECVTOS: case IP_RECVTTL:
        case IP_FREEBIND: case IP_BIND_ADDRESS_NO_PORT: case IP_MULTICAST_TTL: case IP_MULTICAST_LOOP:
        case IP_MULTICAST_ALL: return true;
        }
    } else if (level == IPPROTO_IPV6) {
        switch (name) {
        case IPV6_TCLASS: case IPV6_UNICAST_HOPS: case IPV6_MTU_DISCOVER: case IPV6_RECVERR: case IPV6_RECVTCLASS:
        case IPV6_MULTICAST_HOPS: case IPV6_MULTICAST_LOOP: case IPV6_ADDR_PREFERENCES: case IPV6_AUTOFLOWLABEL:
        case IPV6_DONTFRAG: case IPV6_FREEBIND: case IPV6_RECVHOPLIMIT: return true;
        }
    }
    return false;
}

/* The ICMP type filters of raw echo sockets (ping sets them): the node delivers only echo replies and errors. */
static bool netcon_is_icmp_filter(const struct netcon_socket *entry, int level, int name) {
    return entry->kind == NETCON_RPC_KIND_ICMP && ((level == SOL_RAW && name == ICMP_FILTER) ||
                                                   (level == IPPROTO_ICMPV6 && name == ICMP6_FILTER));
}

/* Multicast memberships and interfaces: the virtual networks' multicast is not offered to programs. */
static bool netcon_is_multicast_option(int level, int name) {
    if (level == IPPROTO_IP) {
        switch (name) {
        case IP_ADD_MEMBERSHIP: case IP_DROP_MEMBERSHIP: case IP_ADD_SOURCE_MEMBERSHIP: case IP_DROP_SOURCE_MEMBERSHIP:
        case IP_BLOCK_SOURCE: case IP_UNBLOCK_SOURCE: case IP_MULTICAST_IF: case MCAST_JOIN_GROUP: case MCAST_LEAVE_GROUP:
        case MCAST_JOIN_SOURCE_GROUP: case MCAST_LEAVE_SOURCE_GROUP: return true;
        }
    } else if (level == IPPROTO_IPV6) {
        switch (name) {
        case IPV6_ADD_MEMBERSHIP: case IPV6_DROP_MEMBERSHIP: case IPV6_MULTICAST_IF: case MCAST_JOIN_GROUP:
        case MCAST_LEAVE_GROUP: case MCAST_JOIN_SOURCE_GROUP: case MCAST_LEAVE_SOURCE_GROUP: return true;
        }
    }
    return false;
}

static long netcon_setsockopt_virtual(int fd, struct netcon_socket *entry, int level, int name, const void *value,
                                      socklen_t length) {
    bool tcp = netcon_is_tcp(entry);
    if (level == SOL_SOCKET && name == SO_BINDTODEVICE) {
        /* The virtual network is no kernel device: a name is refused as the kernel refuses an unknown device;
           an empty one (no device) is what the socket already has. */
        if (value == NULL || length == 0 || *(const char *)value == '\0') return 0;
        return -ENODEV;
    }
    if (netcon_is_multicast_option(level, name)) return -EOPNOTSUPP;
    if (netcon_is_icmp_filter(entry, level, name)) return 0;
    if (level == SOL_SOCKET && name == SO_LINGER) {
        if (value == NULL || length < sizeof(struct linger)) return -EINVAL;
        struct linger linger;
        memcpy(&linger, value, sizeof linger);
        bool abort_on_close = linger.l_onoff != 0 && linger.l_linger == 0;
        if (tcp && entry->kind == NETCON_RPC_KIND_TCP_CONNECTION) {
            long result = netcon_setsockopt_rpc(entry, NETCON_RPC_OPTION_LINGER_ABORT, abort_on_close);
            if (result < 0) return result;
        }
        entry->options = abort_on_close ? entry->options | NETCON_OPTION_LINGER_ABORT
                                        : entry->options & ~(uint32_t)NETCON_OPTION_LINGER_ABORT;
        netcon_socket_remember(entry);
        return 0;
    }
    uint32_t bit = netcon_option_bit(level, name);
    if (bit != 0) {
        if (level == IPPROTO_TCP && !tcp) return -ENOPROTOOPT;
        if (value == NULL || length < sizeof(int)) return -EINVAL;
        int flag;
        memcpy(&flag, value, sizeof flag);
        if (tcp && (bit == NETCON_OPTION_NODELAY || bit == NETCON_OPTION_KEEPALIVE)) {
            long result = netcon_setsockopt_rpc(
                entry, bit == NETCON_OPTION_NODELAY ? NETCON_RPC_OPTION_NODELAY : NETCON_RPC_OPTION_KEEPALIVE, flag != 0);
            if (result < 0) return result;
        }
        entry->options = flag != 0 ? entry->options | bit : entry->options & ~bit;
        netcon_socket_remember(entry);
        return 0;
    }
    if (level == SOL_SOCKET) {
        long result = netcon_result(NETCON_REAL(setsockopt)(fd, level, name, value, length));
        /* Options a unix socket has no use for (SO_PRIORITY, SO_BINDTODEVICE...) are accepted and ignored. */
        return result == -ENOPROTOOPT || result == -EOPNOTSUPP ? 0 : result;
    }
    if (level == IPPROTO_TCP) return tcp ? 0 : -ENOPROTOOPT; /* TCP_KEEPIDLE, TCP_DEFER_ACCEPT...: the node decides */
    if (level == IPPROTO_IP || level == IPPROTO_IPV6) return netcon_ip_option_accepted(level, name) ? 0 : -ENOPROTOOPT;
    return -ENOPROTOOPT; /* UDP_SEGMENT, UDP_GRO, IP_TRANSPARENT...: not served, and said so */
}

long netcon_call_setsockopt(int fd, int level, int name, const void *value, socklen_t length) {
    struct netcon_socket entry;
    if (netcon_socket_find(fd, &entry) == NETCON_FD_VIRTUAL)
        return netcon_setsockopt_virtual(fd, &entry, level, name, value, length);
    return netcon_result(NETCON_PASS(setsockopt)(fd, level, name, value, length));
}
