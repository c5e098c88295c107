#include "datagram.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "socket_table.h"

void netcon_datagram_pack(netcon_rpc_datagram_header *header, const netcon_rpc_address *peer) {
    memset(header, 0, sizeof *header);
    header->peer = *peer;
}

int netcon_datagram_unpack(const netcon_rpc_datagram_header *header, netcon_rpc_address *peer,
                           netcon_rpc_address *local) {
    if (header->peer.family != AF_INET && header->peer.family != AF_INET6) return -EPROTO;
    *peer = header->peer;
    if (local != NULL) {
        bool named = header->local.family == AF_INET || header->local.family == AF_INET6;
        if (named) *local = header->local;
        else memset(local, 0, sizeof *local);
    }
    return 0;
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

int netcon_datagram_source(const struct msghdr *message, netcon_rpc_address *source) {
    memset(source, 0, sizeof *source);
    if (message->msg_control == NULL || message->msg_controllen < sizeof(struct cmsghdr)) return 0;
    struct msghdr *walked = (struct msghdr *)message;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(walked); header != NULL; header = CMSG_NXTHDR(walked, header)) {
        if (header->cmsg_level == IPPROTO_UDP && header->cmsg_type == UDP_SEGMENT) return -EOPNOTSUPP;
        if (header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_PKTINFO &&
            header->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
            struct in_pktinfo info;
            memcpy(&info, CMSG_DATA(header), sizeof info);
            if (info.ipi_spec_dst.s_addr != 0) {
                source->family = AF_INET;
                memcpy(source->bytes, &info.ipi_spec_dst, 4);
            }
        } else if (header->cmsg_level == IPPROTO_IPV6 && header->cmsg_type == IPV6_PKTINFO &&
                   header->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
            struct in6_pktinfo info;
            memcpy(&info, CMSG_DATA(header), sizeof info);
            if (IN6_IS_ADDR_UNSPECIFIED(&info.ipi6_addr)) continue;
            if (IN6_IS_ADDR_V4MAPPED(&info.ipi6_addr)) {
                source->family = AF_INET;
                memcpy(source->bytes, &info.ipi6_addr.s6_addr[12], 4);
            } else {
                source->family = AF_INET6;
                memcpy(source->bytes, &info.ipi6_addr, 16);
            }
        }
    }
    return 0;
}

/* The virtual interface is no kernel device, so no kernel index names it; the loopback's (1 on Linux) is the one
   index every namespace has, and programs that look it up find an interface that exists. */
#define NETCON_DATAGRAM_INTERFACE_INDEX 1

static bool netcon_append_control(struct msghdr *message, size_t *used, int level, int type, const void *data,
                                  size_t length) {
    size_t space = CMSG_SPACE(length);
    if (message->msg_control == NULL || *used + space > message->msg_controllen) {
        message->msg_flags |= MSG_CTRUNC;
        return false;
    }
    struct cmsghdr *header = (struct cmsghdr *)((char *)message->msg_control + *used);
    memset(header, 0, space);
    header->cmsg_level = level;
    header->cmsg_type = type;
    header->cmsg_len = CMSG_LEN(length);
    memcpy(CMSG_DATA(header), data, length);
    *used += space;
    return true;
}

void netcon_datagram_packet_info(struct msghdr *message, const netcon_rpc_address *local, int domain, uint32_t options) {
    size_t used = 0;
    if (local->family == AF_INET && (options & NETCON_OPTION_PKTINFO)) {
        struct in_pktinfo info;
        memset(&info, 0, sizeof info);
        info.ipi_ifindex = NETCON_DATAGRAM_INTERFACE_INDEX;
        memcpy(&info.ipi_spec_dst, local->bytes, 4);
        memcpy(&info.ipi_addr, local->bytes, 4);
        netcon_append_control(message, &used, IPPROTO_IP, IP_PKTINFO, &info, sizeof info);
    }
    if (domain == AF_INET6 && (options & NETCON_OPTION_RECVPKTINFO6) && local->family != 0) {
        struct in6_pktinfo info;
        memset(&info, 0, sizeof info);
        info.ipi6_ifindex = NETCON_DATAGRAM_INTERFACE_INDEX;
        if (local->family == AF_INET6) {
            memcpy(&info.ipi6_addr, local->bytes, 16);
        } else { /* an IPv4 datagram on a dual-stack socket: v4-mapped, as the kernel shows it */
            info.ipi6_addr.s6_addr[10] = 0xff;
            info.ipi6_addr.s6_addr[11] = 0xff;
            memcpy(&info.ipi6_addr.s6_addr[12], local->bytes, 4);
        }
        netcon_append_control(message, &used, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info);
    }
    message->msg_controllen = used;
}

void netcon_datagram_vectors(struct iovec *out, netcon_rpc_datagram_header *header, const struct iovec *payload,
                             size_t count) {
    out[0].iov_base = header;
    out[0].iov_len = sizeof *header;
    if (count > 0) memcpy(out + 1, payload, count * sizeof *payload);
}

ssize_t netcon_datagram_payload_length(ssize_t received) {
    if (received < (ssize_t)sizeof(netcon_rpc_datagram_header)) return -EPROTO;
    return received - (ssize_t)sizeof(netcon_rpc_datagram_header);
}
