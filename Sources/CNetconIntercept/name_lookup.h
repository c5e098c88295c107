#ifndef NETCON_INTERCEPT_NAME_LOOKUP_H
#define NETCON_INTERCEPT_NAME_LOOKUP_H
/* Names of the virtual networks looked up through the node's resolver, for the preload library: glibc's resolver
   makes its socket calls inside libc, where no preloaded hook sees them (the seccomp path sees them all). */
#include <stddef.h>

#include "netcon_rpc.h"

/* Not a virtual network's name (or no node to ask): the host resolves it. */
#define NETCON_LOOKUP_NOT_OURS (-1)

/* Asks the node's resolver for `name`'s addresses of `family` (AF_INET, AF_INET6, or AF_UNSPEC for both), for the
   virtual networks' names only. Returns how many it wrote to out (0: the name has none of that family),
   NETCON_LOOKUP_NOT_OURS, -ENOENT (no such name in the network's domain) or -EAGAIN (no answer). */
int netcon_lookup_virtual_name(const char *name, int family, netcon_rpc_address *out, size_t capacity);

#endif
