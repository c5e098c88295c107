#include "routes.h"

#include <netinet/in.h>
#include <string.h>

#include "address.h"

static bool netcon_prefix_contains(const netcon_rpc_address *network, unsigned prefix_length,
                                   const netcon_rpc_address *address) {
    if (network->family != address->family) return false;
    unsigned bits = network->family == AF_INET ? 32 : 128;
    if (prefix_length > bits) prefix_length = bits;
    unsigned whole = prefix_length / 8, rest = prefix_length % 8;
    if (memcmp(network->bytes, address->bytes, whole) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (network->bytes[whole] & mask) == (address->bytes[whole] & mask);
}

enum netcon_route_match netcon_routes_match(const netcon_rpc_route *routes, size_t count,
                                            const netcon_rpc_address *address) {
    if (address->family != AF_INET && address->family != AF_INET6) return NETCON_ROUTE_HOST;
    if (address->port == NETCON_RESOLVER_PORT) {
        for (size_t i = 0; i < count; i++) {
            const netcon_rpc_route *route = &routes[i];
            if (route->kind == NETCON_RPC_ROUTE_RESOLVER &&
                netcon_prefix_contains(&route->network, route->prefix_length, address))
                return NETCON_ROUTE_RESOLVER;
        }
    }
    if (netcon_address_is_loopback(address)) return NETCON_ROUTE_HOST;
    enum netcon_route_match match = NETCON_ROUTE_HOST;
    for (size_t i = 0; i < count; i++) {
        const netcon_rpc_route *route = &routes[i];
        if (route->kind == NETCON_RPC_ROUTE_RESOLVER ||
            !netcon_prefix_contains(&route->network, route->prefix_length, address))
            continue;
        if (route->kind == NETCON_RPC_ROUTE_OWN) return NETCON_ROUTE_LOCAL;
        match = NETCON_ROUTE_VIRTUAL;
    }
    return match;
}
