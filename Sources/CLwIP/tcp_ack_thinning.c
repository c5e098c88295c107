#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/priv/tcp_priv.h>
#include <string.h>

/* A pure acknowledgement says "everything before `ack`" and nothing else, so among the frames a batch sends,
   one that a later pure acknowledgement of the same connection moves past carries no information: the
   later one says it too, with a newer window. Dropping those is what a kernel's receive offload does to
   its ACKs: about one per connection and batch instead of one per two segments (seen live: one per nine).
   Duplicate acknowledgements (the same `ack` again) are kept: the sender counts them to retransmit early;
   so are acknowledgements with a D-SACK block. */

/* Options mean SACK blocks (lwIP's own ACKs carry none). Those of a superseded ACK are stale too (the later
   ACK reports lwIP's out-of-order queue as it is then), but a D-SACK is said once: its ACK is kept. */
static int carries_dsack(tcp_view *v) {
    if (v->header_length <= 20) return 0;
    netcon_sack_blocks blocks;
    netcon_tcp_read_sack_blocks(v, &blocks);
    return netcon_sack_first_is_dsack(netcon_read32(v->tcp + 8), &blocks);
}

int netcon_tcp_pure_ack(uint16_t ether_type, const uint8_t *ip, size_t ip_length, netcon_tcp_ack *ack) {
    tcp_view v;
    if (!netcon_view_tcp(ether_type, (uint8_t *)ip, ip_length, &v)) return 0;
    uint8_t flags = v.tcp[13];
    if ((flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_PSH | TCP_URG | TCP_ACK)) != TCP_ACK) return 0;
    if (v.tcp_length != v.header_length || carries_dsack(&v)) return 0;
    memset(ack, 0, sizeof *ack);
    size_t width = v.version == 4 ? 4 : 16;
    memcpy(ack->addresses, v.source, width);
    memcpy(ack->addresses + 16, v.destination, width);
    memcpy(ack->ports, v.tcp, 4);
    ack->version = (uint8_t)v.version;
    ack->ack = (uint32_t)v.tcp[8] << 24 | (uint32_t)v.tcp[9] << 16 | (uint32_t)v.tcp[10] << 8 | v.tcp[11];
    return 1;
}

size_t netcon_tcp_thin_acks(const netcon_tcp_ack *acks, size_t count, uint8_t *superseded) {
    /* Walking backwards, `latest` holds each connection's nearest later pure ACK; a handful of connections
       is the usual batch, and beyond the table's size a connection's ACKs are simply all kept. */
    enum { CONNECTIONS = 32 };
    const netcon_tcp_ack *latest[CONNECTIONS];
    size_t known = 0, dropped = 0;
    for (size_t i = count; i-- > 0;) {
        superseded[i] = 0;
        const netcon_tcp_ack *ack = &acks[i];
        if (ack->version == 0) continue;
        size_t j = 0;
        while (j < known && !(latest[j]->version == ack->version && memcmp(latest[j]->addresses, ack->addresses, 32) == 0 &&
                              memcmp(latest[j]->ports, ack->ports, 4) == 0)) j++;
        if (j == known) {
            if (known < CONNECTIONS) latest[known++] = ack;
        } else if (TCP_SEQ_GT(latest[j]->ack, ack->ack)) {
            superseded[i] = 1;
            dropped++;
        } else {
            latest[j] = ack;
        }
    }
    return dropped;
}
