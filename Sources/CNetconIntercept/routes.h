#ifndef NETCON_PRELOAD_ROUTES_H
#define NETCON_PRELOAD_ROUTES_H
/* Which destinations the virtual networks serve. */
#include <stddef.h>

#include "netcon_rpc.h"

enum netcon_route_match {
    NETCON_ROUTE_HOST = 0,    /* not on a virtual network: the host's stack */
    NETCON_ROUTE_VIRTUAL = 1, /* inside a virtual network's prefix */
    NETCON_ROUTE_LOCAL = 2,   /* one of the node's own virtual addresses */
    NETCON_ROUTE_RESOLVER = 3, /* port 53 of a host name server: the node's resolver answers there */
};

#define NETCON_RESOLVER_PORT 53

/* Pure: matches address against routes (the port matters only for the resolver: a name server's port 53).
   Other loopback addresses always belong to the host, whatever the routes say (a default route must not
   swallow 127.0.0.1). */
enum netcon_route_match netcon_routes_match(const netcon_rpc_route *routes, size_t count,
                                            const netcon_rpc_address *address);

/* The node's routes, fetched with ROUTES and cached for about a second (failures too). Returns the match,
   or -errno when the node cannot be reached. */
int netcon_routes_classify(const netcon_rpc_address *address);

/* The node's routes and own addresses (fetched as for classify): copies at most `capacity` into out and returns
   how many, or -errno. */
int netcon_routes_copy(netcon_rpc_route *out, size_t capacity);

/* pthread_atfork handlers (sockets.c installs them): the cache lock is taken around fork and the child's is
   fresh. */
void netcon_routes_lock_for_fork(void);
void netcon_routes_unlock_after_fork(void);
void netcon_routes_reset_after_fork(void);

#endif
