#ifndef NETCON_INTERCEPT_NETLINK_H
#define NETCON_INTERCEPT_NETLINK_H
/*
 * The virtual networks' addresses in the kernel's address dumps. A virtual network is no kernel device, so a
 * program that asks rtnetlink for the host's addresses (getifaddrs, `ip addr`, dnsmasq checking that a TCP
 * connection's local address is one of its interfaces') would not find the addresses its sockets have. The
 * answer to an RTM_GETADDR dump is therefore received by the rules, which add the node's own virtual addresses
 * (on the loopback device, index 1: the interface IP_PKTINFO names too) before its NLMSG_DONE.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "socket_table.h"

/* A kernel NETLINK_ROUTE socket. */
bool netcon_netlink_is_route(const struct netcon_socket *entry);

/* A program sends `data` on such a socket: an address dump it asks for is remembered. */
void netcon_netlink_note_request(uint64_t inode, const struct msghdr *message);

/* Whether the socket's next receive is the rules' (a dump is on its way, or a datagram is kept for it). */
bool netcon_netlink_has_pending(uint64_t inode);

/* Whether a datagram is kept for the socket's next receive (nothing to wait for in the kernel). */
bool netcon_netlink_has_kept(uint64_t inode);

/* recvmsg on such a socket: the kernel's next datagram, with the virtual addresses added to a dump's end. */
long netcon_netlink_receive(int fd, uint64_t inode, struct msghdr *message, int flags);

/* Pure: builds the RTM_NEWADDR messages for `routes`' local addresses of `family` (0: both) into out, with
   seq and pid as given. Returns the bytes written (whole messages only). */
size_t netcon_netlink_address_messages(const void *routes, size_t route_count, int family, uint32_t seq,
                                       uint32_t pid, char *out, size_t capacity);

#endif
