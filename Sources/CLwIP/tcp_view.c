#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/prot/ethernet.h>
#include <lwip/prot/ip.h>

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
