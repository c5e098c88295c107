/* UDP on virtual sockets: an unconnected virtual UDP descriptor carries a netcon_rpc_datagram_header before each
   datagram, added on send and removed on receive with an extra iovec (the payload is never copied). Once
   connected, datagrams are bare and only the addresses need filling in. TCP data needs nothing: the stream
   is the socketpair's. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "address.h"
#include "config.h"
#include "datagram.h"
#include "log.h"
#include "netlink.h"
#include "real.h"
#include "result.h"
#include "routes.h"
#include "rpc_client.h"
#include "socket_calls.h"
#include "sockets.h"
#include "udp.h"

/* The RPC `request` made for the kernel socket fd, whose reply's descriptor then takes fd's place as
   *virtual_socket (its local address the reply's); *entry becomes it. `unreachable`: the errno when no node
   answers. */
static long netcon_take_over(int fd, const netcon_rpc_request *request, struct netcon_socket *virtual_socket,
                             struct netcon_socket *entry, int unreachable) {
    netcon_rpc_reply reply;
    int received;
    int result = netcon_rpc_call(request, &reply, &received, NETCON_RPC_TIMEOUT_SECONDS);
    if (result < 0) return -unreachable;
    if (reply.error != 0) return -reply.error;
    if (received < 0) return -unreachable;
    virtual_socket->local = reply.local;
    result = netcon_socket_adopt(fd, received, virtual_socket);
    if (result < 0) return result;
    *entry = *virtual_socket;
    return 0;
}

long netcon_udp_bind(int fd, struct netcon_socket *entry, const netcon_rpc_address *local) {
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_UDP_BIND);
    request.address = *local;
    request.domain = entry->domain;
    /* What the program set on the kernel socket before binding carries over. */
    bool v6 = entry->domain == AF_INET6;
    bool v6only = v6 && netcon_socket_flag(fd, IPPROTO_IPV6, IPV6_V6ONLY);
    bool reuse_address = netcon_socket_flag(fd, SOL_SOCKET, SO_REUSEADDR);
    bool reuse_port = netcon_socket_flag(fd, SOL_SOCKET, SO_REUSEPORT);
    if (v6only) request.flags |= NETCON_RPC_FLAG_V6ONLY;
    if (reuse_address || reuse_port) request.flags |= NETCON_RPC_FLAG_REUSE;
    if (netcon_config.isolate) request.flags |= NETCON_RPC_FLAG_ISOLATED;
    struct netcon_socket virtual_socket = {
        .kind = NETCON_RPC_KIND_UDP,
        .domain = entry->domain,
        .options = (v6only ? NETCON_OPTION_V6ONLY : 0) |
                   (netcon_socket_flag(fd, SOL_SOCKET, SO_BROADCAST) ? NETCON_OPTION_BROADCAST : 0) |
                   (reuse_address ? NETCON_OPTION_REUSEADDR : 0) | (reuse_port ? NETCON_OPTION_REUSEPORT : 0) |
                   (netcon_socket_flag(fd, IPPROTO_IP, IP_PKTINFO) ? NETCON_OPTION_PKTINFO : 0) |
                   (v6 && netcon_socket_flag(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO) ? NETCON_OPTION_RECVPKTINFO6 : 0),
    };
    return netcon_take_over(fd, &request, &virtual_socket, entry, EADDRNOTAVAIL);
}

long netcon_udp_connect(struct netcon_socket *entry, const netcon_rpc_address *remote) {
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_UDP_CONNECT);
    request.inode = entry->inode;
    request.address = *remote;
    request.domain = entry->domain;
    netcon_rpc_reply reply;
    int received;
    int result = netcon_rpc_call(&request, &reply, &received, NETCON_RPC_TIMEOUT_SECONDS);
    if (received >= 0) close(received);
    if (result < 0) return -ENETUNREACH;
    if (reply.error != 0) return -reply.error;
    entry->connected = remote->family != 0;
    entry->remote = entry->connected ? (reply.remote.family != 0 ? reply.remote : *remote) : (netcon_rpc_address){0};
    if (reply.local.family != 0 || reply.local.port != 0) entry->local = reply.local;
    netcon_socket_remember(entry);
    return 0;
}

/* ICMP_OPEN on the kernel echo socket fd's behalf and put the virtual socket in its place. */
static long netcon_icmp_open(int fd, struct netcon_socket *entry) {
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_ICMP_OPEN);
    request.domain = entry->domain;
    if (entry->type == SOCK_RAW) request.flags |= NETCON_RPC_FLAG_RAW;
    struct netcon_socket virtual_socket = {
        .kind = NETCON_RPC_KIND_ICMP,
        .domain = entry->domain,
        .type = entry->type,
        .protocol = entry->protocol,
    };
    return netcon_take_over(fd, &request, &virtual_socket, entry, ENETUNREACH);
}

/* The descriptor's socket as a virtual datagram socket that can send to `destination`: a kernel UDP socket
   whose destination is virtual is bound on the virtual network first, a kernel ICMP echo socket opened there.
   Returns 1 when the data call is the library's, 0 when the real call should run, or -errno. */
static long netcon_udp_sender(int fd, struct netcon_socket *entry, const struct sockaddr *destination,
                              socklen_t destination_length) {
    enum netcon_fd_class class = netcon_socket_find(fd, entry);
    if (class == NETCON_FD_VIRTUAL) return netcon_kind_has_datagrams(entry->kind);
    if (class == NETCON_FD_KERNEL && netcon_socket_is_echo(entry) && destination != NULL) {
        netcon_rpc_address remote;
        if (netcon_address_from_sockaddr(destination, destination_length, &remote) != 0 || remote.family == 0) return 0;
        if (netcon_routes_classify(&remote) <= NETCON_ROUTE_HOST) return netcon_config.isolate ? -ENETUNREACH : 0;
        netcon_debug("sendto fd %d: virtual destination, opening a virtual icmp socket", fd);
        long result = netcon_icmp_open(fd, entry);
        return result < 0 ? result : 1;
    }
    if (class != NETCON_FD_KERNEL || !netcon_socket_is_candidate(entry) || entry->type != SOCK_DGRAM ||
        destination == NULL)
        return 0;
    netcon_rpc_address remote;
    if (netcon_address_from_sockaddr(destination, destination_length, &remote) != 0 || remote.family == 0) return 0;
    if (netcon_routes_classify(&remote) <= NETCON_ROUTE_HOST) return netcon_config.isolate ? -ENETUNREACH : 0;
    netcon_debug("sendto fd %d: virtual destination, binding a virtual udp socket", fd);
    netcon_rpc_address any = {0};
    long result = netcon_udp_bind(fd, entry, &any);
    return result < 0 ? result : 1;
}

/* sendmsg on a virtual UDP socket. */
static long netcon_udp_send(int fd, const struct netcon_socket *entry, const struct msghdr *message, int flags) {
    if (message->msg_iovlen > IOV_MAX - 1) return -EMSGSIZE;
    /* IP control messages mean nothing to the unix socket: IP_PKTINFO's source travels in the datagram header
       (it must be one of the node's addresses, as the kernel wants one of its own), the rest is not passed on. */
    netcon_rpc_address source;
    int controlled = netcon_datagram_source(message, &source);
    if (controlled < 0) return controlled;
    if (source.family != 0 && netcon_routes_classify(&source) != NETCON_ROUTE_LOCAL) return -EINVAL;
    struct msghdr bare = {.msg_iov = message->msg_iov, .msg_iovlen = message->msg_iovlen};
    flags &= ~MSG_OOB;
    netcon_rpc_address destination = {0};
    if (message->msg_name != NULL && message->msg_namelen > 0) {
        int parsed = netcon_address_from_sockaddr(message->msg_name, message->msg_namelen, &destination);
        if (parsed < 0) return parsed;
    }
    if (entry->connected) {
        if (destination.family != 0 && !netcon_address_equal(&destination, &entry->remote)) return -EISCONN;
        return netcon_result(NETCON_REAL(sendmsg)(fd, &bare, flags));
    }
    if (destination.family == 0) return -EDESTADDRREQ;
    if (netcon_routes_classify(&destination) <= NETCON_ROUTE_HOST) return -ENETUNREACH;
    netcon_rpc_datagram_header header;
    netcon_datagram_pack(&header, &destination);
    header.local = source;
    struct iovec vectors[message->msg_iovlen + 1];
    netcon_datagram_vectors(vectors, &header, message->msg_iov, message->msg_iovlen);
    bare.msg_iov = vectors;
    bare.msg_iovlen = message->msg_iovlen + 1;
    ssize_t sent = NETCON_REAL(sendmsg)(fd, &bare, flags);
    if (sent < 0) return -errno;
    return netcon_datagram_payload_length(sent);
}

static void netcon_fill_name(struct msghdr *message, const netcon_rpc_address *peer, int domain) {
    if (message->msg_name == NULL) {
        message->msg_namelen = 0;
        return;
    }
    struct sockaddr_storage name;
    socklen_t full = netcon_address_to_sockaddr(peer, domain, &name);
    netcon_sockaddr_copy_out(&name, full, message->msg_name, &message->msg_namelen);
}

/* recvmsg on a virtual UDP socket. */
static long netcon_udp_receive(int fd, const struct netcon_socket *entry, struct msghdr *message, int flags) {
    if (message->msg_iovlen > IOV_MAX - 1) return -EMSGSIZE;
    struct msghdr bare = {.msg_iov = message->msg_iov, .msg_iovlen = message->msg_iovlen};
    void *control = message->msg_control;
    size_t control_capacity = message->msg_controllen;
    message->msg_controllen = 0;
    if (entry->connected) {
        ssize_t received = NETCON_REAL(recvmsg)(fd, &bare, flags);
        if (received < 0) return -errno;
        if (received == 0) { /* the node delivers no empty datagrams: its end is gone */
            netcon_socket_silence(fd, SOCK_DGRAM, "UDP socket");
            return netcon_result(NETCON_PASS(recvmsg)(fd, &bare, flags));
        }
        message->msg_flags = bare.msg_flags;
        netcon_fill_name(message, &entry->remote, entry->domain);
        return received;
    }
    netcon_rpc_datagram_header header;
    struct iovec vectors[message->msg_iovlen + 1];
    netcon_datagram_vectors(vectors, &header, message->msg_iov, message->msg_iovlen);
    bare.msg_iov = vectors;
    bare.msg_iovlen = message->msg_iovlen + 1;
    ssize_t received = NETCON_REAL(recvmsg)(fd, &bare, flags);
    if (received < 0) return -errno;
    if (received == 0) { /* every datagram carries its header: the node's end is gone */
        netcon_socket_silence(fd, SOCK_DGRAM, "UDP socket");
        return netcon_result(NETCON_PASS(recvmsg)(fd, &bare, flags));
    }
    netcon_rpc_address peer, local;
    ssize_t payload = netcon_datagram_payload_length(received);
    if (payload < 0 || netcon_datagram_unpack(&header, &peer, &local) < 0) return -EPROTO;
    message->msg_flags = bare.msg_flags;
    netcon_fill_name(message, &peer, entry->domain);
    message->msg_controllen = control_capacity;
    message->msg_control = control;
    netcon_datagram_packet_info(message, &local, entry->domain, entry->options);
    return payload;
}

long netcon_call_sendmsg(int fd, const struct msghdr *message, int flags) {
    struct netcon_socket entry;
    long ours = netcon_udp_sender(fd, &entry, message->msg_name, message->msg_namelen);
    if (ours < 0) return ours;
    if (ours == 0 && netcon_netlink_is_route(&entry)) netcon_netlink_note_request(entry.inode, message);
    if (ours == 0) {
        if (entry.kind == NETCON_RPC_KIND_TCP_CONNECTION && message->msg_name != NULL) {
            /* TCP ignores a destination; a unix stream socket would refuse it. */
            struct msghdr bare = *message;
            bare.msg_name = NULL;
            bare.msg_namelen = 0;
            return netcon_result(NETCON_REAL(sendmsg)(fd, &bare, flags));
        }
        return netcon_result(NETCON_PASS(sendmsg)(fd, message, flags));
    }
    return netcon_udp_send(fd, &entry, message, flags);
}

long netcon_call_sendto(int fd, const void *buffer, size_t length, int flags, const struct sockaddr *address,
                          socklen_t address_length) {
    struct iovec vector = {(void *)buffer, length};
    struct msghdr message = {.msg_name = (void *)address, .msg_namelen = address ? address_length : 0,
                             .msg_iov = &vector, .msg_iovlen = 1};
    return netcon_call_sendmsg(fd, &message, flags);
}

/* Receives from fd into message: the library's work for a virtual UDP socket, the real call otherwise. */
long netcon_call_recvmsg(int fd, struct msghdr *message, int flags) {
    struct netcon_socket entry;
    enum netcon_fd_class class = netcon_socket_find(fd, &entry);
    if (class == NETCON_FD_KERNEL && netcon_netlink_is_route(&entry) && netcon_netlink_has_pending(entry.inode))
        return netcon_netlink_receive(fd, entry.inode, message, flags);
    if (class == NETCON_FD_VIRTUAL) {
        if (netcon_kind_has_datagrams(entry.kind)) return netcon_udp_receive(fd, &entry, message, flags);
        /* A TCP socket gives no source address (the kernel sets the length to 0); a unix one would name its peer. */
        void *name = message->msg_name;
        message->msg_name = NULL;
        long received = netcon_result(NETCON_REAL(recvmsg)(fd, message, flags));
        message->msg_name = name;
        message->msg_namelen = 0;
        return received;
    }
    return netcon_result(NETCON_PASS(recvmsg)(fd, message, flags));
}

long netcon_call_recvfrom(int fd, void *buffer, size_t length, int flags, struct sockaddr *address,
                            socklen_t *address_length) {
    struct netcon_socket entry;
    enum netcon_fd_class class = netcon_socket_find(fd, &entry);
    bool dumping = class == NETCON_FD_KERNEL && netcon_netlink_is_route(&entry) && netcon_netlink_has_pending(entry.inode);
    if (class != NETCON_FD_VIRTUAL && !dumping)
        return netcon_result(NETCON_PASS(recvfrom)(fd, buffer, length, flags, address, address_length));
    struct iovec vector = {buffer, length};
    struct msghdr message = {.msg_name = address_length ? address : NULL,
                             .msg_namelen = address_length ? *address_length : 0, .msg_iov = &vector, .msg_iovlen = 1};
    long received = netcon_call_recvmsg(fd, &message, flags);
    if (received >= 0 && address_length != NULL) *address_length = message.msg_namelen;
    return received;
}

/* The batch calls become one call per message: virtual UDP is not the fast path these calls exist for. */
long netcon_call_sendmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags) {
    struct netcon_socket entry;
    if (count == 0) return 0;
    long ours = netcon_udp_sender(fd, &entry, messages[0].msg_hdr.msg_name, messages[0].msg_hdr.msg_namelen);
    if (ours < 0) return ours;
    if (ours == 0) return netcon_result(NETCON_PASS(sendmmsg)(fd, messages, count, flags));
    unsigned int sent = 0;
    for (; sent < count; sent++) {
        long result = netcon_udp_send(fd, &entry, &messages[sent].msg_hdr, flags);
        if (result < 0) return sent > 0 ? (long)sent : result;
        messages[sent].msg_len = (unsigned int)result;
    }
    return sent;
}

long netcon_call_recvmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags, struct timespec *timeout) {
    struct netcon_socket entry;
    if (netcon_socket_find(fd, &entry) != NETCON_FD_VIRTUAL || !netcon_kind_has_datagrams(entry.kind))
        return netcon_result(NETCON_PASS(recvmmsg)(fd, messages, count, flags, timeout));
    unsigned int received = 0;
    int each = flags & ~MSG_WAITFORONE;
    for (; received < count; received++) {
        long result = netcon_udp_receive(fd, &entry, &messages[received].msg_hdr, each);
        if (result < 0) return received > 0 ? (long)received : result;
        messages[received].msg_len = (unsigned int)result;
        if (flags & MSG_WAITFORONE) each |= MSG_DONTWAIT;
    }
    return received;
}
