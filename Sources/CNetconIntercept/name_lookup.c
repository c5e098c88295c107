#include "name_lookup.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "datagram.h"
#include "dns_message.h"
#include "real.h"
#include "routes.h"
#include "rpc_client.h"

#define NETCON_LOOKUP_TIMEOUT_MS 5000

/* The first host name server the node routes to its resolver. */
static bool netcon_resolver_address(netcon_rpc_address *out) {
    netcon_rpc_route routes[NETCON_RPC_MAX_ROUTES];
    int count = netcon_routes_copy(routes, NETCON_RPC_MAX_ROUTES);
    for (int i = 0; i < count; i++) {
        if (routes[i].kind != NETCON_RPC_ROUTE_RESOLVER) continue;
        *out = routes[i].network;
        out->port = 53;
        return true;
    }
    return false;
}

static long long netcon_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* A virtual UDP socket the node marks as isolated, so its resolver answers only the virtual networks' names. */
static int netcon_resolver_socket(int domain) {
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_UDP_BIND);
    request.domain = (uint16_t)domain;
    request.flags |= NETCON_RPC_FLAG_ISOLATED;
    netcon_rpc_reply reply;
    int fd = -1;
    int result = netcon_rpc_call(&request, &reply, &fd, NETCON_RPC_TIMEOUT_SECONDS);
    if (result < 0 || reply.error != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

static bool netcon_send_query(int fd, const netcon_rpc_address *resolver, const uint8_t *query, int length) {
    netcon_rpc_datagram_header header;
    netcon_datagram_pack(&header, resolver);
    struct iovec payload = {.iov_base = (void *)query, .iov_len = (size_t)length};
    struct iovec vectors[2];
    netcon_datagram_vectors(vectors, &header, &payload, 1);
    struct msghdr message = {.msg_iov = vectors, .msg_iovlen = 2};
    return NETCON_REAL(sendmsg)(fd, &message, MSG_NOSIGNAL) > 0;
}

int netcon_lookup_virtual_name(const char *name, int family, netcon_rpc_address *out, size_t capacity) {
    netcon_rpc_address resolver;
    if (!netcon_resolver_address(&resolver)) return NETCON_LOOKUP_NOT_OURS;
    uint16_t types[2];
    size_t wanted = 0;
    if (family != AF_INET6) types[wanted++] = NETCON_DNS_TYPE_A;
    if (family != AF_INET) types[wanted++] = NETCON_DNS_TYPE_AAAA;
    uint16_t ids[2];
    if (getrandom(ids, sizeof ids, 0) != (ssize_t)sizeof ids) ids[0] = (uint16_t)getpid(), ids[1] = (uint16_t)(ids[0] + 1);
    if (ids[1] == ids[0]) ids[1]++;

    int fd = netcon_resolver_socket(resolver.family == AF_INET6 ? AF_INET6 : AF_INET);
    if (fd < 0) return NETCON_LOOKUP_NOT_OURS;
    for (size_t i = 0; i < wanted; i++) {
        uint8_t query[NETCON_DNS_QUERY_MAX];
        int length = netcon_dns_build_query(ids[i], name, types[i], query, sizeof query);
        if (length < 0 || !netcon_send_query(fd, &resolver, query, length)) {
            close(fd);
            return NETCON_LOOKUP_NOT_OURS;
        }
    }
    size_t found = 0, answered = 0;
    bool refused = false, missing = true, failed = false;
    long long deadline = netcon_now_ms() + NETCON_LOOKUP_TIMEOUT_MS;
    while (answered < wanted) {
        long long left = deadline - netcon_now_ms();
        struct pollfd ready = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&ready, 1, (int)left) <= 0) break;
        uint8_t message[sizeof(netcon_rpc_datagram_header) + 4096];
        ssize_t received = NETCON_REAL(recv)(fd, message, sizeof message, MSG_DONTWAIT);
        ssize_t payload = netcon_datagram_payload_length(received);
        if (payload <= 0) continue;
        const uint8_t *response = message + sizeof(netcon_rpc_datagram_header);
        for (size_t i = 0; i < wanted; i++) {
            int code;
            int count = netcon_dns_parse_response(response, (size_t)payload, ids[i], &code, out + found, capacity - found);
            if (count < 0) continue;
            ids[i] ^= 0x5a5a; /* answered: a repeat of the same answer no longer matches */
            answered++;
            if (code == NETCON_DNS_REFUSED) refused = true;
            else if (code != NETCON_DNS_NO_ERROR && code != NETCON_DNS_NAME_ERROR) failed = true;
            if (code != NETCON_DNS_NAME_ERROR) missing = false;
            if (code == NETCON_DNS_NO_ERROR) found += (size_t)count;
            break;
        }
    }
    close(fd);
    if (refused) return NETCON_LOOKUP_NOT_OURS;
    if (answered < wanted && found == 0) return -EAGAIN;
    if (found == 0 && failed) return -EAGAIN;
    if (found == 0 && missing) return -ENOENT;
    return (int)found;
}
