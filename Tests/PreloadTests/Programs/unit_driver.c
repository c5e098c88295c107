/* Checks the preload library's pure parts (addresses, routes, datagram headers, the socket table), compiled
   together with their .c files by PreloadUnitTests. One line per check: "ok NAME" or "FAIL NAME: why". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "address.h"
#include "datagram.h"
#include "dns_message.h"
#include "resolver_services.h"
#include "routes.h"
#include "socket_table.h"

static int failures;

#define CHECK(name, condition)                                                                                 \
    do {                                                                                                       \
        if (condition) printf("ok %s\n", name);                                                               \
        else {                                                                                                 \
            printf("FAIL %s: %s (line %d)\n", name, #condition, __LINE__);                                    \
            failures++;                                                                                        \
        }                                                                                                      \
    } while (0)

static netcon_rpc_address v4(const char *text, uint16_t port) {
    netcon_rpc_address address = {.family = AF_INET, .port = port};
    inet_pton(AF_INET, text, address.bytes);
    return address;
}

static netcon_rpc_address v6(const char *text, uint16_t port) {
    netcon_rpc_address address = {.family = AF_INET6, .port = port};
    inet_pton(AF_INET6, text, address.bytes);
    return address;
}

static void address_checks(void) {
    struct sockaddr_in in4 = {.sin_family = AF_INET, .sin_port = htons(8080)};
    inet_pton(AF_INET, "10.147.17.3", &in4.sin_addr);
    netcon_rpc_address out;
    netcon_rpc_address expected = v4("10.147.17.3", 8080);
    CHECK("address.ipv4", netcon_address_from_sockaddr((struct sockaddr *)&in4, sizeof in4, &out) == 0 &&
                              netcon_address_equal(&out, &expected));
    CHECK("address.ipv4_short", netcon_address_from_sockaddr((struct sockaddr *)&in4, sizeof in4 - 1, &out) == -EINVAL);

    struct sockaddr_in6 mapped = {.sin6_family = AF_INET6, .sin6_port = htons(53)};
    inet_pton(AF_INET6, "::ffff:10.147.17.3", &mapped.sin6_addr);
    expected = v4("10.147.17.3", 53);
    CHECK("address.v4_mapped_unmapped", netcon_address_from_sockaddr((struct sockaddr *)&mapped, sizeof mapped, &out) == 0 &&
                                            out.family == AF_INET && netcon_address_equal(&out, &expected));

    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(443), .sin6_scope_id = 7};
    inet_pton(AF_INET6, "fd80:56c2:e21c::1", &in6.sin6_addr);
    expected = v6("fd80:56c2:e21c::1", 443);
    CHECK("address.ipv6", netcon_address_from_sockaddr((struct sockaddr *)&in6, sizeof in6, &out) == 0 &&
                              netcon_address_equal(&out, &expected) && out.scope_id == 7);
    CHECK("address.ipv6_rfc2133_length", netcon_address_from_sockaddr((struct sockaddr *)&in6, 24, &out) == 0 &&
                                             out.family == AF_INET6 && out.scope_id == 0);
    CHECK("address.ipv6_short", netcon_address_from_sockaddr((struct sockaddr *)&in6, 23, &out) == -EINVAL);

    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    CHECK("address.unspec", netcon_address_from_sockaddr(&unspec, sizeof unspec, &out) == 0 && out.family == 0);
    struct sockaddr unix_family = {.sa_family = AF_UNIX};
    CHECK("address.other_family", netcon_address_from_sockaddr(&unix_family, sizeof unix_family, &out) == -EAFNOSUPPORT);

    struct sockaddr_storage storage;
    netcon_rpc_address peer = v4("10.147.17.9", 1234);
    socklen_t length = netcon_address_to_sockaddr(&peer, AF_INET6, &storage);
    struct sockaddr_in6 *as6 = (struct sockaddr_in6 *)&storage;
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &as6->sin6_addr, text, sizeof text);
    CHECK("address.mapped_for_inet6_socket", length == sizeof(struct sockaddr_in6) && as6->sin6_family == AF_INET6 &&
                                                 strcmp(text, "::ffff:10.147.17.9") == 0 && ntohs(as6->sin6_port) == 1234);
    length = netcon_address_to_sockaddr(&peer, AF_INET, &storage);
    struct sockaddr_in *as4 = (struct sockaddr_in *)&storage;
    CHECK("address.plain_for_inet_socket", length == sizeof(struct sockaddr_in) && as4->sin_family == AF_INET &&
                                               as4->sin_addr.s_addr == htonl(0x0a931109));
    netcon_rpc_address any = {.port = 80};
    length = netcon_address_to_sockaddr(&any, AF_INET6, &storage);
    struct in6_addr zero = IN6ADDR_ANY_INIT;
    CHECK("address.any_keeps_port", length == sizeof(struct sockaddr_in6) && ntohs(as6->sin6_port) == 80 &&
                                        memcmp(&as6->sin6_addr, &zero, sizeof zero) == 0);

    /* Truncation as the kernel does it: copy what fits, report the full size. */
    length = netcon_address_to_sockaddr(&peer, AF_INET6, &storage);
    unsigned char small[8];
    memset(small, 0xee, sizeof small);
    socklen_t given = 4;
    netcon_sockaddr_copy_out(&storage, length, (struct sockaddr *)small, &given);
    CHECK("address.truncated_copy", given == sizeof(struct sockaddr_in6) && memcmp(small, &storage, 4) == 0 &&
                                        small[4] == 0xee);

    netcon_rpc_address wildcard4 = v4("0.0.0.0", 0), wildcard6 = v6("::", 0), loop4 = v4("127.8.9.10", 0),
                       loop6 = v6("::1", 0), other = v4("10.0.0.1", 0);
    CHECK("address.is_any", netcon_address_is_any(&wildcard4) && netcon_address_is_any(&wildcard6) &&
                                netcon_address_is_any(&any) && !netcon_address_is_any(&other));
    CHECK("address.is_loopback", netcon_address_is_loopback(&loop4) && netcon_address_is_loopback(&loop6) &&
                                     !netcon_address_is_loopback(&other) && !netcon_address_is_loopback(&wildcard6));
    netcon_rpc_address other_port = v4("10.0.0.1", 1);
    CHECK("address.equal_needs_port", !netcon_address_equal(&other, &other_port));
}

static void route_checks(void) {
    netcon_rpc_route routes[4] = {
        {.network = v4("10.147.16.0", 0), .prefix_length = 20},
        {.network = v4("10.147.17.5", 0), .prefix_length = 32, .kind = NETCON_RPC_ROUTE_OWN},
        {.network = v6("fd80:56c2:e21c:0:199:9300::", 0), .prefix_length = 88},
        {.network = v6("fd80:56c2:e21c:0:199:93aa:bbcc:1", 0), .prefix_length = 128, .kind = NETCON_RPC_ROUTE_OWN},
    };
    netcon_rpc_address a = v4("10.147.17.9", 80);
    CHECK("routes.inside_prefix", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_VIRTUAL);
    a = v4("10.147.31.255", 80);
    CHECK("routes.inside_unaligned_prefix", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_VIRTUAL);
    a = v4("10.147.32.1", 80);
    CHECK("routes.outside_unaligned_prefix", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_HOST);
    a = v4("10.147.17.5", 80);
    CHECK("routes.local_address", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_LOCAL);
    a = v6("fd80:56c2:e21c:0:199:9311:2233:4455", 22);
    CHECK("routes.ipv6_prefix", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_VIRTUAL);
    a = v6("fd80:56c2:e21c:0:199:93aa:bbcc:1", 22);
    CHECK("routes.ipv6_local", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_LOCAL);
    a = v6("fd80:56c2:e21c:0:199:9400::1", 22);
    CHECK("routes.ipv6_outside", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_HOST);
    a = v6("::ffff:10.147.17.9", 22); /* as the program wrote it; matched only once unmapped */
    CHECK("routes.mapped_needs_unmapping", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_HOST);
    struct sockaddr_in6 mapped = {.sin6_family = AF_INET6, .sin6_port = htons(22)};
    inet_pton(AF_INET6, "::ffff:10.147.17.9", &mapped.sin6_addr);
    netcon_address_from_sockaddr((struct sockaddr *)&mapped, sizeof mapped, &a);
    CHECK("routes.mapped_unmapped_matches", netcon_routes_match(routes, 4, &a) == NETCON_ROUTE_VIRTUAL);

    netcon_rpc_route everything[2] = {{.network = v4("0.0.0.0", 0), .prefix_length = 0},
                                      {.network = v6("::", 0), .prefix_length = 0}};
    a = v4("198.51.100.7", 53); /* a documentation address: only matched, never contacted */
    CHECK("routes.default_route", netcon_routes_match(everything, 2, &a) == NETCON_ROUTE_VIRTUAL);
    a = v4("127.0.0.1", 53);
    CHECK("routes.loopback_stays_on_host", netcon_routes_match(everything, 2, &a) == NETCON_ROUTE_HOST);
    a = v6("::1", 53);
    CHECK("routes.ipv6_loopback_stays_on_host", netcon_routes_match(everything, 2, &a) == NETCON_ROUTE_HOST);
    a = v4("10.147.17.9", 80);
    CHECK("routes.none", netcon_routes_match(routes, 0, &a) == NETCON_ROUTE_HOST);
    netcon_rpc_route bad_length = {.network = v4("10.0.0.0", 0), .prefix_length = 200};
    a = v4("10.0.0.0", 1);
    netcon_rpc_address b = v4("10.0.0.1", 1);
    CHECK("routes.oversized_prefix_is_host_route", netcon_routes_match(&bad_length, 1, &a) == NETCON_ROUTE_VIRTUAL &&
                                                       netcon_routes_match(&bad_length, 1, &b) == NETCON_ROUTE_HOST);
}

static void datagram_checks(void) {
    netcon_rpc_datagram_header header;
    netcon_rpc_address peer = v6("fd80::7", 5353), back;
    netcon_datagram_pack(&header, &peer);
    CHECK("datagram.round_trip", netcon_datagram_unpack(&header, &back, NULL) == 0 && netcon_address_equal(&back, &peer));
    CHECK("datagram.header_size", sizeof header == 48);
    netcon_rpc_address local = v4("10.1.2.3", 53), said;
    header.local = local;
    CHECK("datagram.local_unpacked", netcon_datagram_unpack(&header, &back, &said) == 0 && netcon_address_equal(&said, &local));
    memset(&header.local, 0, sizeof header.local);
    CHECK("datagram.no_local_is_family_0", netcon_datagram_unpack(&header, &back, &said) == 0 && said.family == 0);

    union {
        char bytes[128];
        struct cmsghdr align;
    } control;
    struct msghdr message = {.msg_control = control.bytes, .msg_controllen = sizeof control.bytes};
    netcon_datagram_packet_info(&message, &local, AF_INET, NETCON_OPTION_PKTINFO);
    struct cmsghdr *first = CMSG_FIRSTHDR(&message);
    struct in_pktinfo info4;
    if (first != NULL) memcpy(&info4, CMSG_DATA(first), sizeof info4);
    CHECK("datagram.ip_pktinfo", first != NULL && first->cmsg_level == IPPROTO_IP && first->cmsg_type == IP_PKTINFO &&
                                     memcmp(&info4.ipi_addr, local.bytes, 4) == 0 && info4.ipi_ifindex == 1 &&
                                     CMSG_NXTHDR(&message, first) == NULL);
    message.msg_controllen = sizeof control.bytes;
    netcon_datagram_packet_info(&message, &local, AF_INET6, NETCON_OPTION_RECVPKTINFO6);
    first = CMSG_FIRSTHDR(&message);
    struct in6_pktinfo info6;
    if (first != NULL) memcpy(&info6, CMSG_DATA(first), sizeof info6);
    CHECK("datagram.ipv6_pktinfo_v4_mapped", first != NULL && first->cmsg_level == IPPROTO_IPV6 &&
                                                 first->cmsg_type == IPV6_PKTINFO && IN6_IS_ADDR_V4MAPPED(&info6.ipi6_addr) &&
                                                 memcmp(&info6.ipi6_addr.s6_addr[12], local.bytes, 4) == 0);
    message.msg_controllen = 8;
    message.msg_flags = 0;
    netcon_datagram_packet_info(&message, &local, AF_INET, NETCON_OPTION_PKTINFO);
    CHECK("datagram.pktinfo_truncated", message.msg_controllen == 0 && (message.msg_flags & MSG_CTRUNC));
    message.msg_controllen = sizeof control.bytes;
    netcon_datagram_packet_info(&message, &local, AF_INET, 0);
    CHECK("datagram.no_option_no_pktinfo", message.msg_controllen == 0);

    /* a sendmsg's IP_PKTINFO names the source; UDP_SEGMENT is refused */
    struct in_pktinfo asked = {.ipi_ifindex = 0};
    memcpy(&asked.ipi_spec_dst, local.bytes, 4);
    message.msg_controllen = sizeof control.bytes;
    first = CMSG_FIRSTHDR(&message);
    first->cmsg_level = IPPROTO_IP;
    first->cmsg_type = IP_PKTINFO;
    first->cmsg_len = CMSG_LEN(sizeof asked);
    memcpy(CMSG_DATA(first), &asked, sizeof asked);
    message.msg_controllen = CMSG_SPACE(sizeof asked);
    netcon_rpc_address source;
    CHECK("datagram.pktinfo_source", netcon_datagram_source(&message, &source) == 0 && source.family == AF_INET &&
                                         memcmp(source.bytes, local.bytes, 4) == 0);
    first->cmsg_level = IPPROTO_UDP;
    first->cmsg_type = 103; /* UDP_SEGMENT */
    CHECK("datagram.segment_refused", netcon_datagram_source(&message, &source) == -EOPNOTSUPP);
    message.msg_control = NULL;
    message.msg_controllen = 0;
    CHECK("datagram.no_control_no_source", netcon_datagram_source(&message, &source) == 0 && source.family == 0);
    memset(&header, 0, sizeof header);
    CHECK("datagram.unpack_rejects_no_family", netcon_datagram_unpack(&header, &back, NULL) == -EPROTO);

    char one[3] = "abc", two[2] = "de";
    struct iovec payload[2] = {{one, 3}, {two, 2}}, vectors[3];
    netcon_datagram_vectors(vectors, &header, payload, 2);
    CHECK("datagram.vectors", vectors[0].iov_base == &header && vectors[0].iov_len == sizeof header &&
                                  vectors[1].iov_base == one && vectors[1].iov_len == 3 && vectors[2].iov_base == two &&
                                  vectors[2].iov_len == 2);
    CHECK("datagram.payload_length", netcon_datagram_payload_length(48 + 1400) == 1400 &&
                                         netcon_datagram_payload_length(48) == 0 &&
                                         netcon_datagram_payload_length(47) == -EPROTO);
}

static void table_checks(void) {
    struct netcon_socket_table table = NETCON_SOCKET_TABLE_INITIALIZER;
    struct netcon_socket entry = {.inode = 42, .kind = NETCON_RPC_KIND_TCP_CONNECTION, .domain = AF_INET6,
                                  .connected = true, .remote = v4("10.147.17.9", 80)}, found;
    CHECK("table.empty_lookup", !netcon_table_get(&table, 42, &found));
    CHECK("table.put", netcon_table_put(&table, &entry) != 0 && netcon_table_count(&table) == 1);
    CHECK("table.get", netcon_table_get(&table, 42, &found) && found.kind == NETCON_RPC_KIND_TCP_CONNECTION &&
                           found.domain == AF_INET6 && netcon_address_equal(&found.remote, &entry.remote));
    entry.connected = false;
    entry.pending_error = ECONNREFUSED;
    netcon_table_put(&table, &entry);
    CHECK("table.replace", netcon_table_count(&table) == 1 && netcon_table_get(&table, 42, &found) &&
                               !found.connected && found.pending_error == ECONNREFUSED);
    struct netcon_socket zero = {.inode = 0};
    CHECK("table.rejects_inode_zero", netcon_table_put(&table, &zero) == 0 && netcon_table_count(&table) == 1);
    netcon_table_forget(&table, 42);
    CHECK("table.forget", !netcon_table_get(&table, 42, &found) && netcon_table_count(&table) == 0);

    /* Many inserts and deletes against a reference: every survivor stays reachable through grown tables and
       backward-shift deletions. */
    enum { N = 5000 };
    static bool present[N];
    srand(7);
    for (int i = 0; i < 4 * N; i++) {
        uint64_t inode = 1 + (uint64_t)(rand() % N);
        if (rand() % 3 == 0) {
            netcon_table_forget(&table, inode);
            present[inode - 1] = false;
        } else {
            struct netcon_socket e = {.inode = inode, .domain = (uint16_t)(inode % 1000)};
            netcon_table_put(&table, &e);
            present[inode - 1] = true;
        }
    }
    size_t expected = 0;
    bool consistent = true;
    for (uint64_t inode = 1; inode <= N; inode++) {
        bool has = netcon_table_get(&table, inode, &found);
        if (present[inode - 1]) expected++;
        if (has != present[inode - 1] || (has && found.domain != inode % 1000)) consistent = false;
    }
    CHECK("table.random_operations", consistent && netcon_table_count(&table) == expected);

    /* The sweep: sockets not in the live list go, unless they were added after the scan. */
    uint64_t scanned_at = netcon_table_generation(&table);
    struct netcon_socket late = {.inode = N + 10};
    netcon_table_put(&table, &late);
    uint64_t live[] = {2, 3, 5, 7, 11, 13};
    netcon_table_retain(&table, live, 6, scanned_at);
    size_t kept = 0;
    for (size_t i = 0; i < 6; i++) kept += present[live[i] - 1];
    CHECK("table.retain_live", netcon_table_count(&table) == kept + 1 && netcon_table_get(&table, N + 10, &found) &&
                                   !netcon_table_get(&table, 4, &found));
    bool live_found = true;
    for (size_t i = 0; i < 6; i++)
        if (present[live[i] - 1] && !netcon_table_get(&table, live[i], &found)) live_found = false;
    CHECK("table.retain_keeps_reachable", live_found);
}

/* The host's name servers: port 53 of theirs is the node's resolver, even on loopback; other ports are not. */
static void resolver_route_checks(void) {
    netcon_rpc_route routes[3] = {
        {.network = v4("10.147.16.0", 0), .prefix_length = 20},
        {.network = v4("127.0.0.53", 0), .prefix_length = 32, .kind = NETCON_RPC_ROUTE_RESOLVER},
        {.network = v6("fd00::53", 0), .prefix_length = 128, .kind = NETCON_RPC_ROUTE_RESOLVER},
    };
    netcon_rpc_address a = v4("127.0.0.53", 53);
    CHECK("resolver.loopback_name_server", netcon_routes_match(routes, 3, &a) == NETCON_ROUTE_RESOLVER);
    a = v4("127.0.0.53", 54);
    CHECK("resolver.other_port_is_host", netcon_routes_match(routes, 3, &a) == NETCON_ROUTE_HOST);
    a = v6("fd00::53", 53);
    CHECK("resolver.ipv6", netcon_routes_match(routes, 3, &a) == NETCON_ROUTE_RESOLVER);
    a = v4("127.0.0.54", 53);
    CHECK("resolver.only_the_name_server", netcon_routes_match(routes, 3, &a) == NETCON_ROUTE_HOST);
    a = v4("10.147.17.1", 53);
    CHECK("resolver.virtual_port_53_is_virtual", netcon_routes_match(routes, 3, &a) == NETCON_ROUTE_VIRTUAL);
}

static void dns_checks(void) {
    uint8_t query[NETCON_DNS_QUERY_MAX];
    int length = netcon_dns_build_query(0x1234, "web.zt.example.", NETCON_DNS_TYPE_AAAA, query, sizeof query);
    static const uint8_t expected[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 2, 'z', 't',
                                       7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 28, 0, 1};
    CHECK("dns.query", length == (int)sizeof expected && memcmp(query, expected, sizeof expected) == 0);
    CHECK("dns.query_empty_label", netcon_dns_build_query(1, "web..example", 1, query, sizeof query) == -EINVAL);
    CHECK("dns.query_empty", netcon_dns_build_query(1, ".", 1, query, sizeof query) == -EINVAL);
    char long_label[80];
    memset(long_label, 'a', 64);
    strcpy(long_label + 64, ".example");
    CHECK("dns.query_long_label", netcon_dns_build_query(1, long_label, 1, query, sizeof query) == -EINVAL);

    /* A response: the question, then an A answer by pointer and an AAAA one. */
    uint8_t response[128];
    memcpy(response, expected, sizeof expected);
    response[2] = 0x81;
    response[3] = 0x80;
    response[7] = 2;
    size_t used = sizeof expected;
    static const uint8_t a_answer[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 147, 17, 5};
    memcpy(response + used, a_answer, sizeof a_answer);
    used += sizeof a_answer;
    static const uint8_t aaaa_answer[] = {0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    memcpy(response + used, aaaa_answer, sizeof aaaa_answer);
    used += sizeof aaaa_answer;
    netcon_rpc_address found[4];
    int code = -1;
    int count = netcon_dns_parse_response(response, used, 0x1234, &code, found, 4);
    CHECK("dns.response", count == 2 && code == NETCON_DNS_NO_ERROR && found[0].family == AF_INET && found[0].bytes[3] == 5 &&
                              found[1].family == AF_INET6 && found[1].bytes[0] == 0xfd && found[1].bytes[15] == 1);
    CHECK("dns.response_capacity", netcon_dns_parse_response(response, used, 0x1234, &code, found, 1) == 1);
    CHECK("dns.response_other_id", netcon_dns_parse_response(response, used, 0x1235, &code, found, 4) == -EPROTO);
    CHECK("dns.response_truncated", netcon_dns_parse_response(response, used - 1, 0x1234, &code, found, 4) == -EPROTO);
    response[3] = 0x83;
    response[7] = 0;
    CHECK("dns.response_name_error", netcon_dns_parse_response(response, sizeof expected, 0x1234, &code, found, 4) == 0 &&
                                         code == NETCON_DNS_NAME_ERROR);
    CHECK("dns.query_is_not_a_response", netcon_dns_parse_response(query, (size_t)length, 0x1234, &code, found, 4) == -EPROTO);
}

static void name_service_checks(void) {
    struct sockaddr_un nscd = {.sun_family = AF_UNIX};
    strcpy(nscd.sun_path, "/var/run/nscd/socket");
    socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(nscd.sun_path) + 1);
    CHECK("name_service.nscd", netcon_is_host_name_service((struct sockaddr *)&nscd, length));
    CHECK("name_service.nscd_without_terminator", netcon_is_host_name_service((struct sockaddr *)&nscd, length - 1));
    CHECK("name_service.prefix_is_not_it", !netcon_is_host_name_service((struct sockaddr *)&nscd, length - 2));
    strcpy(nscd.sun_path, "/run/systemd/resolve/io.systemd.Resolve");
    length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(nscd.sun_path));
    CHECK("name_service.resolved", netcon_is_host_name_service((struct sockaddr *)&nscd, length));
    strcpy(nscd.sun_path, "/run/dbus/system_bus_socket");
    CHECK("name_service.other_socket", !netcon_is_host_name_service((struct sockaddr *)&nscd, sizeof nscd));
    struct sockaddr_in in4 = {.sin_family = AF_INET};
    CHECK("name_service.not_unix", !netcon_is_host_name_service((struct sockaddr *)&in4, sizeof in4));
}

int main(void) {
    address_checks();
    route_checks();
    resolver_route_checks();
    dns_checks();
    name_service_checks();
    datagram_checks();
    table_checks();
    printf("%d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
