#include "address.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static const uint8_t netcon_v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int netcon_address_from_sockaddr(const struct sockaddr *address, socklen_t length, netcon_rpc_address *out) {
    memset(out, 0, sizeof *out);
    if (address == NULL || length < sizeof(sa_family_t)) return -EINVAL;
    switch (address->sa_family) {
    case AF_UNSPEC:
        return 0;
    case AF_INET: {
        if (length < sizeof(struct sockaddr_in)) return -EINVAL;
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        out->family = AF_INET;
        out->port = ntohs(v4->sin_port);
        memcpy(out->bytes, &v4->sin_addr, 4);
        return 0;
    }
    case AF_INET6: {
        /* The kernel accepts the RFC 2133 layout without sin6_scope_id (24 bytes). */
        if (length < offsetof(struct sockaddr_in6, sin6_scope_id)) return -EINVAL;
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        out->port = ntohs(v6->sin6_port);
        if (memcmp(v6->sin6_addr.s6_addr, netcon_v4_mapped_prefix, sizeof netcon_v4_mapped_prefix) == 0) {
            out->family = AF_INET;
            memcpy(out->bytes, v6->sin6_addr.s6_addr + 12, 4);
        } else {
            out->family = AF_INET6;
            memcpy(out->bytes, v6->sin6_addr.s6_addr, 16);
            if (length >= sizeof(struct sockaddr_in6)) out->scope_id = v6->sin6_scope_id;
        }
        return 0;
    }
    default:
        return -EAFNOSUPPORT;
    }
}

socklen_t netcon_address_to_sockaddr(const netcon_rpc_address *address, int domain, struct sockaddr_storage *out) {
    memset(out, 0, sizeof *out);
    if (domain == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)out;
        v4->sin_family = AF_INET;
        v4->sin_port = htons(address->port);
        if (address->family == AF_INET) memcpy(&v4->sin_addr, address->bytes, 4);
        return sizeof *v4;
    }
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(address->port);
    if (address->family == AF_INET6) {
        memcpy(v6->sin6_addr.s6_addr, address->bytes, 16);
        v6->sin6_scope_id = address->scope_id;
    } else if (address->family == AF_INET) {
        memcpy(v6->sin6_addr.s6_addr, netcon_v4_mapped_prefix, sizeof netcon_v4_mapped_prefix);
        memcpy(v6->sin6_addr.s6_addr + 12, address->bytes, 4);
    }
    return sizeof *v6;
}

void netcon_sockaddr_copy_out(const struct sockaddr_storage *address, socklen_t full_length, struct sockaddr *out,
                              socklen_t *length) {
    if (length == NULL) return;
    if (out != NULL) memcpy(out, address, *length < full_length ? *length : full_length);
    *length = full_length;
}

static bool netcon_all_zero(const uint8_t *bytes, size_t count) {
    for (size_t i = 0; i < count; i++)
        if (bytes[i] != 0) return false;
    return true;
}

bool netcon_address_is_any(const netcon_rpc_address *address) {
    switch (address->family) {
    case 0: return true;
    case AF_INET: return netcon_all_zero(address->bytes, 4);
    case AF_INET6: return netcon_all_zero(address->bytes, 16);
    default: return false;
    }
}

bool netcon_address_is_loopback(const netcon_rpc_address *address) {
    if (address->family == AF_INET) return address->bytes[0] == 127;
    if (address->family == AF_INET6) return netcon_all_zero(address->bytes, 15) && address->bytes[15] == 1;
    return false;
}

bool netcon_address_equal(const netcon_rpc_address *a, const netcon_rpc_address *b) {
    if (a->family != b->family || a->port != b->port) return false;
    size_t size = a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
    return memcmp(a->bytes, b->bytes, size) == 0;
}

void netcon_address_format(const netcon_rpc_address *address, char *buffer, size_t capacity) {
    char text[INET6_ADDRSTRLEN] = "*";
    if (address->family == AF_INET || address->family == AF_INET6)
        inet_ntop(address->family, address->bytes, text, sizeof text);
    snprintf(buffer, capacity, address->family == AF_INET6 ? "[%s]:%u" : "%s:%u", text, (unsigned)address->port);
}
