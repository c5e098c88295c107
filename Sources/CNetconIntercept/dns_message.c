#include "dns_message.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

int netcon_dns_build_query(uint16_t id, const char *name, uint16_t type, uint8_t *out, size_t capacity) {
    if (capacity < NETCON_DNS_QUERY_MAX) return -EINVAL;
    size_t length = strlen(name);
    if (length > 0 && name[length - 1] == '.') length--;
    if (length == 0 || length > 253) return -EINVAL;
    /* id, flags RD, one question */
    uint8_t header[12] = {(uint8_t)(id >> 8), (uint8_t)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    memcpy(out, header, sizeof header);
    size_t used = sizeof header;
    size_t start = 0;
    while (start <= length) {
        size_t end = start;
        while (end < length && name[end] != '.') end++;
        size_t label = end - start;
        if (label == 0 || label > 63) return -EINVAL;
        out[used++] = (uint8_t)label;
        memcpy(out + used, name + start, label);
        used += label;
        start = end + 1;
    }
    out[used++] = 0;
    out[used++] = (uint8_t)(type >> 8);
    out[used++] = (uint8_t)type;
    out[used++] = 0;
    out[used++] = 1; /* IN */
    return (int)used;
}

/* Moves *offset past the name there (labels, maybe ending in a compression pointer). */
static int netcon_dns_skip_name(const uint8_t *message, size_t length, size_t *offset) {
    size_t at = *offset;
    for (int labels = 0; labels < 128; labels++) {
        if (at >= length) return -EPROTO;
        uint8_t byte = message[at];
        if (byte == 0) {
            *offset = at + 1;
            return 0;
        }
        if ((byte & 0xc0) == 0xc0) {
            if (at + 2 > length) return -EPROTO;
            *offset = at + 2;
            return 0;
        }
        if ((byte & 0xc0) != 0) return -EPROTO;
        at += 1 + byte;
    }
    return -EPROTO;
}

static uint16_t netcon_dns_u16(const uint8_t *bytes) { return (uint16_t)(bytes[0] << 8 | bytes[1]); }

int netcon_dns_parse_response(const uint8_t *message, size_t length, uint16_t id, int *code, netcon_rpc_address *out,
                              size_t capacity) {
    if (length < 12 || netcon_dns_u16(message) != id || (message[2] & 0x80) == 0) return -EPROTO;
    *code = message[3] & 0x0f;
    unsigned questions = netcon_dns_u16(message + 4), answers = netcon_dns_u16(message + 6);
    size_t offset = 12;
    for (unsigned i = 0; i < questions; i++) {
        if (netcon_dns_skip_name(message, length, &offset) < 0 || offset + 4 > length) return -EPROTO;
        offset += 4;
    }
    size_t found = 0;
    for (unsigned i = 0; i < answers; i++) {
        if (netcon_dns_skip_name(message, length, &offset) < 0 || offset + 10 > length) return -EPROTO;
        uint16_t type = netcon_dns_u16(message + offset), class = netcon_dns_u16(message + offset + 2);
        uint16_t data_length = netcon_dns_u16(message + offset + 8);
        offset += 10;
        if (offset + data_length > length) return -EPROTO;
        bool address = class == 1 && ((type == NETCON_DNS_TYPE_A && data_length == 4) ||
                                      (type == NETCON_DNS_TYPE_AAAA && data_length == 16));
        if (address && found < capacity) {
            netcon_rpc_address *entry = &out[found++];
            memset(entry, 0, sizeof *entry);
            entry->family = type == NETCON_DNS_TYPE_A ? AF_INET : AF_INET6;
            memcpy(entry->bytes, message + offset, data_length);
        }
        offset += data_length;
    }
    return (int)found;
}
