#ifndef NETCON_TCP_VIEW_H
#define NETCON_TCP_VIEW_H
#include <stddef.h>
#include <stdint.h>

/* A TCP segment inside an IP packet, as the link-layer helpers (tcp_window.c, tcp_ack_thinning.c) read it. */
typedef struct {
    uint8_t *tcp;        /* the TCP header */
    size_t tcp_length;   /* header and payload */
    size_t header_length;
    int version;         /* 4 or 6 */
    const uint8_t *source, *destination;
} tcp_view;

/* The TCP segment of an unfragmented IPv4 packet or an IPv6 packet without extension headers, `ether_type`
   saying which; 0 for anything else or anything malformed. */
int netcon_view_tcp(uint16_t ether_type, uint8_t *ip, size_t ip_length, tcp_view *v);
/* The same for a whole Ethernet frame. */
int netcon_view_tcp_frame(uint8_t *frame, size_t length, tcp_view *v);

#endif
