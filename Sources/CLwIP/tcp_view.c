#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/prot/ethernet.h>
#include <lwip/prot/ip.h>
#include <string.h>

int netcon_view_tcp(uint16_t ether_type, uint8_t *ip, size_t ip_length, tcp_view *v) {
    if (ip_length < 40) return 0;
    if (ether_type == ETHTYPE_IP) {
        size_t header = (size_t)(ip[0] & 0x0f) * 4;
        if ((ip[0] >> 4) != 4 || ip[9] != IP_PROTO_TCP || header < 20 || (((ip[6] & 0x3f) << 8) | ip[7]) != 0) return 0;
        size_t total = (size_t)((ip[2] << 8) | ip[3]);
        if (total > ip_length || total < header + 20) return 0;
        v->tcp = ip + header;
        v->tcp_length = total - header;
        v->version = 4;
        v->source = ip + 12;
        v->destination = ip + 16;
    } else if (ether_type == ETHTYPE_IPV6) {
        if ((ip[0] >> 4) != 6 || ip[6] != IP_PROTO_TCP) return 0;
        size_t payload = (size_t)((ip[4] << 8) | ip[5]);
        if (payload + 40 > ip_length || payload < 20) return 0;
        v->tcp = ip + 40;
        v->tcp_length = payload;
        v->version = 6;
        v->source = ip + 8;
        v->destination = ip + 24;
    } else {
        return 0;
    }
    v->header_length = (size_t)(v->tcp[12] >> 4) * 4;
    return v->header_length >= 20 && v->header_length <= v->tcp_length;
}

int netcon_view_tcp_frame(uint8_t *frame, size_t length, tcp_view *v) {
    if (length < SIZEOF_ETH_HDR) return 0;
    return netcon_view_tcp((uint16_t)((frame[12] << 8) | frame[13]), frame + SIZEOF_ETH_HDR, length - SIZEOF_ETH_HDR, v);
}

static uint32_t sum_words(const uint8_t *p, size_t n, uint32_t sum) {
    size_t i = 0;
    for (; i + 1 < n; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (i < n) sum += (uint32_t)p[i] << 8;
    return sum;
}

static uint16_t folded(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

void netcon_tcp_fill_checksum(tcp_view *v) {
    size_t width = v->version == 4 ? 4 : 16;
    v->tcp[16] = v->tcp[17] = 0;
    uint32_t sum = sum_words(v->source, width, 0);
    sum = sum_words(v->destination, width, sum);
    sum += IP_PROTO_TCP;
    sum += (uint32_t)(v->tcp_length >> 16) + (uint32_t)(v->tcp_length & 0xffff);
    sum = sum_words(v->tcp, v->tcp_length, sum);
    uint16_t checksum = (uint16_t)~folded(sum);
    v->tcp[16] = (uint8_t)(checksum >> 8);
    v->tcp[17] = (uint8_t)checksum;
}

int netcon_tcp_append_options(uint8_t *frame, size_t *length, size_t capacity, const uint8_t *options, size_t count) {
    tcp_view v;
    if (count == 0 || count % 4 != 0 || !netcon_view_tcp_frame(frame, *length, &v)) return 0;
    size_t end_of_segment = (size_t)(v.tcp - frame) + v.tcp_length;
    if (end_of_segment > *length) return 0;
    *length = end_of_segment; /* without any Ethernet padding */
    if (v.header_length + count > 60 || *length + count > capacity) return 0;
    uint8_t *options_end = v.tcp + v.header_length;
    memmove(options_end + count, options_end, v.tcp_length - v.header_length);
    memcpy(options_end, options, count);
    v.header_length += count;
    v.tcp_length += count;
    v.tcp[12] = (uint8_t)((v.header_length / 4) << 4 | (v.tcp[12] & 0x0f));
    uint8_t *ip = frame + SIZEOF_ETH_HDR;
    if (v.version == 4) {
        size_t total = (size_t)((ip[2] << 8) | ip[3]) + count;
        ip[2] = (uint8_t)(total >> 8);
        ip[3] = (uint8_t)total;
        ip[10] = ip[11] = 0;
        uint16_t checksum = (uint16_t)~folded(sum_words(ip, (size_t)(ip[0] & 0x0f) * 4, 0));
        ip[10] = (uint8_t)(checksum >> 8);
        ip[11] = (uint8_t)checksum;
    } else {
        size_t payload = (size_t)((ip[4] << 8) | ip[5]) + count;
        ip[4] = (uint8_t)(payload >> 8);
        ip[5] = (uint8_t)payload;
    }
    *length += count;
    netcon_tcp_fill_checksum(&v);
    return 1;
}

void netcon_tcp_each_option(tcp_view *v, void (*visit)(tcp_view *, uint8_t kind, uint8_t *value, uint8_t length, void *),
                            void *context) {
    size_t end = v->header_length;
    size_t i = 20;
    while (i < end) {
        uint8_t kind = v->tcp[i];
        if (kind == 0) return;
        if (kind == 1) { i++; continue; }
        if (i + 1 >= end) return;
        uint8_t length = v->tcp[i + 1];
        if (length < 2 || i + length > end) return;
        visit(v, kind, v->tcp + i + 2, (uint8_t)(length - 2), context);
        i += length;
    }
}
