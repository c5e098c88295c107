#ifndef NETCON_PRELOAD_ADDRESS_H
#define NETCON_PRELOAD_ADDRESS_H
/* Conversions between the program's socket addresses and the RPC's netcon_rpc_address (pure functions). */
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "netcon_rpc.h"

/* Reads a sockaddr_in / sockaddr_in6 (a v4-mapped IPv6 address becomes IPv4) or AF_UNSPEC (family 0).
   Returns 0, -EINVAL (too short) or -EAFNOSUPPORT. */
int netcon_address_from_sockaddr(const struct sockaddr *address, socklen_t length, netcon_rpc_address *out);

/* The sockaddr a socket of `domain` shows for `address`: IPv4 on an AF_INET6 socket becomes v4-mapped; family 0
   becomes the domain's any address (keeping the port). Returns the sockaddr's length. */
socklen_t netcon_address_to_sockaddr(const netcon_rpc_address *address, int domain, struct sockaddr_storage *out);

/* Copies a socket address to the program's buffer the way the kernel does: at most *length bytes, and *length
   set to the full size so the program can tell it was truncated. */
void netcon_sockaddr_copy_out(const struct sockaddr_storage *address, socklen_t full_length, struct sockaddr *out,
                              socklen_t *length);

bool netcon_address_is_any(const netcon_rpc_address *address);
bool netcon_address_is_loopback(const netcon_rpc_address *address);
/* Same family, bytes and port (scope ignored). */
bool netcon_address_equal(const netcon_rpc_address *a, const netcon_rpc_address *b);

/* "10.1.2.3:80", "[fd00::1]:80" or "*:80" for debug lines. */
void netcon_address_format(const netcon_rpc_address *address, char *buffer, size_t capacity);

#endif
