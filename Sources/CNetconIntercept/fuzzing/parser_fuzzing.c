/*
 * The intercept rules' parsers of bytes they do not control, on one input, for the fuzzer (Sources/NetconFuzz):
 * socket addresses, control messages and netlink requests from the program; replies and datagram headers from
 * the node. Each must refuse or succeed and keep its own promise; a broken promise aborts, which the fuzzer
 * reports like a crash.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "datagram.h"
#include "dns_message.h"
#include "netcon_intercept.h"
#include "netlink.h"
#include "rpc_client.h"
#include "socket_table.h"

#define NETCON_FUZZ_REQUIRE(condition)                                                                     \
    do {                                                                                                   \
        if (!(condition)) {                                                                                \
            fprintf(stderr, "netcon intercept fuzz check failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
            abort();                                                                                       \
        }                                                                                                  \
    } while (0)

/* The input as a copy of at most `capacity` bytes, zero-padded: parsers see exactly what a program could pass. */
static size_t netcon_fuzz_copy(void *out, size_t capacity, const uint8_t *data, size_t size) {
    size_t count = size < capacity ? size : capacity;
    memset(out, 0, capacity);
    memcpy(out, data, count);
    return count;
}

static void netcon_fuzz_addresses(const uint8_t *data, size_t size) {
    struct sockaddr_storage given;
    size_t length = netcon_fuzz_copy(&given, sizeof given, data, size);
    netcon_rpc_address parsed;
    int result = netcon_address_from_sockaddr((const struct sockaddr *)&given, (socklen_t)length, &parsed);
    NETCON_FUZZ_REQUIRE(result == 0 || result == -EINVAL || result == -EAFNOSUPPORT);
    if (result != 0 || parsed.family == 0) return;
    NETCON_FUZZ_REQUIRE(parsed.family == AF_INET || parsed.family == AF_INET6);

    /* What the rules hand back to the program reads back as the same endpoint. */
    struct sockaddr_storage shown;
    socklen_t shown_length = netcon_address_to_sockaddr(&parsed, parsed.family, &shown);
    netcon_rpc_address again;
    NETCON_FUZZ_REQUIRE(netcon_address_from_sockaddr((const struct sockaddr *)&shown, shown_length, &again) == 0);
    NETCON_FUZZ_REQUIRE(netcon_address_equal(&parsed, &again));

    /* Copying out never writes past the length the program gave, and always says the full length. */
    uint8_t out[sizeof(struct sockaddr_storage) + 8];
    memset(out, 0xa5, sizeof out);
    socklen_t room = (socklen_t)(data[0] % (sizeof(struct sockaddr_storage) + 1));
    netcon_sockaddr_copy_out(&shown, shown_length, (struct sockaddr *)out, &room);
    NETCON_FUZZ_REQUIRE(room == shown_length);
    size_t written = (size_t)(data[0] % (sizeof(struct sockaddr_storage) + 1));
    if (written > shown_length) written = shown_length;
    for (size_t i = written; i < sizeof out; i++) NETCON_FUZZ_REQUIRE(out[i] == 0xa5);

    char text[64];
    netcon_address_format(&parsed, text, sizeof text);
    NETCON_FUZZ_REQUIRE(memchr(text, 0, sizeof text) != NULL);
}

static void netcon_fuzz_reply(const uint8_t *data, size_t size) {
    netcon_rpc_reply reply;
    size_t received = netcon_fuzz_copy(&reply, sizeof reply, data, size);
    uint32_t op = size > 0 ? data[size - 1] % 10 : 0;
    if (netcon_rpc_reply_is_valid(&reply, received, op)) {
        NETCON_FUZZ_REQUIRE(reply.route_count <= NETCON_RPC_MAX_ROUTES);
        NETCON_FUZZ_REQUIRE(offsetof(netcon_rpc_reply, routes) + reply.route_count * sizeof(netcon_rpc_route) <= received);
    }
}

static void netcon_fuzz_datagram(const uint8_t *data, size_t size) {
    netcon_rpc_datagram_header header;
    netcon_fuzz_copy(&header, sizeof header, data, size);
    netcon_rpc_address peer, local;
    if (netcon_datagram_unpack(&header, &peer, &local) == 0) {
        NETCON_FUZZ_REQUIRE(peer.family == AF_INET || peer.family == AF_INET6);
        NETCON_FUZZ_REQUIRE(local.family == 0 || local.family == AF_INET || local.family == AF_INET6);
    }
    NETCON_FUZZ_REQUIRE(netcon_datagram_payload_length((ssize_t)size) == (size < sizeof header ? -EPROTO
                                                                          : (ssize_t)(size - sizeof header)));
}

/* sendmsg control messages as the program wrote them, and the receive side's own control messages into a buffer
   of the program's size. */
static void netcon_fuzz_control(const uint8_t *data, size_t size) {
    union {
        uint8_t bytes[1024];
        struct cmsghdr align;
    } control;
    size_t length = netcon_fuzz_copy(control.bytes, sizeof control.bytes, data, size);
    struct msghdr message = {.msg_control = length > 0 ? control.bytes : NULL, .msg_controllen = length};
    netcon_rpc_address source;
    int result = netcon_datagram_source(&message, &source);
    NETCON_FUZZ_REQUIRE(result == 0 || result == -EOPNOTSUPP);
    NETCON_FUZZ_REQUIRE(source.family == 0 || source.family == AF_INET || source.family == AF_INET6);

    if (size < 2) return;
    union {
        uint8_t bytes[256 + 16];
        struct cmsghdr align;
    } room;
    size_t capacity = data[0];
    memset(room.bytes, 0xa5, sizeof room.bytes);
    struct msghdr receiving = {.msg_control = capacity > 0 ? room.bytes : NULL, .msg_controllen = capacity};
    netcon_rpc_address local;
    netcon_fuzz_copy(&local, sizeof local, data + 1, size - 1);
    local.family = (data[1] & 1) ? AF_INET6 : AF_INET;
    netcon_datagram_packet_info(&receiving, &local, (data[1] & 2) ? AF_INET6 : AF_INET,
                                NETCON_OPTION_PKTINFO | NETCON_OPTION_RECVPKTINFO6);
    NETCON_FUZZ_REQUIRE(receiving.msg_controllen <= capacity);
    for (size_t i = capacity; i < sizeof room.bytes; i++) NETCON_FUZZ_REQUIRE(room.bytes[i] == 0xa5);
}

static void netcon_fuzz_netlink(const uint8_t *data, size_t size) {
    /* A program's RTM_GETADDR request: at most remembered, in a bounded table. */
    union {
        uint8_t bytes[512];
        struct nlmsghdr align;
    } request;
    size_t length = netcon_fuzz_copy(request.bytes, sizeof request.bytes, data, size);
    struct iovec vector = {request.bytes, length};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1};
    uint64_t inode = 1 + (size > 0 ? data[0] % 32 : 0);
    netcon_netlink_note_request(inode, &message);
    (void)netcon_netlink_has_pending(inode);

    /* The addresses added to a dump, from the node's routes: whole messages within the room given. */
    netcon_rpc_route routes[NETCON_RPC_MAX_ROUTES];
    size_t count = netcon_fuzz_copy(routes, sizeof routes, data, size) / sizeof routes[0];
    for (size_t i = 0; i < count; i++)
        routes[i].network.family = (routes[i].network.family & 1) ? AF_INET6 : AF_INET;
    char out[4096];
    size_t capacity = size > 1 ? (size_t)data[1] * 16 % sizeof out : sizeof out;
    size_t used = netcon_netlink_address_messages(routes, count, 0, 7, 9, out, capacity);
    NETCON_FUZZ_REQUIRE(used <= capacity);
    for (size_t offset = 0; offset < used;) {
        const struct nlmsghdr *header = (const struct nlmsghdr *)(out + offset);
        NETCON_FUZZ_REQUIRE(header->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)));
        NETCON_FUZZ_REQUIRE(offset + header->nlmsg_len <= used && header->nlmsg_type == RTM_NEWADDR);
        const struct ifaddrmsg *body = NLMSG_DATA(header);
        NETCON_FUZZ_REQUIRE(body->ifa_prefixlen <= (body->ifa_family == AF_INET ? 32 : 128));
        offset += NLMSG_ALIGN(header->nlmsg_len);
    }
}

int netcon_intercept_parse_dns(const uint8_t *data, size_t size) {
    if (data == NULL || size < 2) return 0;
    netcon_rpc_address found[4];
    int code = -1;
    uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
    int count = netcon_dns_parse_response(data, size, id, &code, found, 4);
    NETCON_FUZZ_REQUIRE(count == -EPROTO || (count >= 0 && count <= 4 && code >= 0 && code <= 15));
    for (int i = 0; i < count; i++) NETCON_FUZZ_REQUIRE(found[i].family == AF_INET || found[i].family == AF_INET6);

    /* The input as a name: a query of at most NETCON_DNS_QUERY_MAX bytes whose question reads back. */
    char name[300];
    size_t length = size - 1 < sizeof name - 1 ? size - 1 : sizeof name - 1;
    memcpy(name, data + 1, length);
    name[length] = 0;
    uint8_t query[NETCON_DNS_QUERY_MAX];
    int written = netcon_dns_build_query(id, name, NETCON_DNS_TYPE_A, query, sizeof query);
    NETCON_FUZZ_REQUIRE(written == -EINVAL || (written > 12 + 4 && written <= NETCON_DNS_QUERY_MAX));
    if (written > 0) {
        query[2] |= 0x80; /* as a response to itself: no answers, the question skipped */
        NETCON_FUZZ_REQUIRE(netcon_dns_parse_response(query, (size_t)written, id, &code, found, 4) == 0);
    }
    return 0;
}

int netcon_intercept_parse_one(const uint8_t *data, size_t size) {
    if (data == NULL || size == 0) return 0;
    netcon_fuzz_addresses(data, size);
    netcon_fuzz_reply(data, size);
    netcon_fuzz_datagram(data, size);
    netcon_fuzz_control(data, size);
    netcon_fuzz_netlink(data, size);
    return 0;
}
