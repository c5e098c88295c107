#ifndef NETCON_TCP_VIEW_H
#define NETCON_TCP_VIEW_H
#include <stddef.h>
#include <stdint.h>

struct tcp_pcb;
struct netcon_tcp_recovery;

/* A TCP segment inside an IP packet, as the link-layer helpers (tcp_window.c, tcp_sack.c, tcp_ack_thinning.c)
   read it. */
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
/* Appends `count` bytes of options (a multiple of 4) after the segment's options in a frame of `*length`
   bytes that has room up to `capacity`: moves the payload, updates the data offset, the IP length (and
   IPv4 header checksum) and the TCP checksum. 0, changing nothing, when it does not fit. */
int netcon_tcp_append_options(uint8_t *frame, size_t *length, size_t capacity, const uint8_t *options, size_t count);
/* Calls `visit` with the kind, value and value length (after kind and length) of each well-formed option;
   stops at the end-of-options or the first malformed one. */
void netcon_tcp_each_option(tcp_view *v, void (*visit)(tcp_view *, uint8_t kind, uint8_t *value, uint8_t length, void *),
                            void *context);
/* The SACK blocks of a segment (RFC 2018), at most four, malformed ones (start not below end) left out. */
typedef struct {
    uint32_t start[4], end[4];
    unsigned count;
} netcon_sack_blocks;
void netcon_tcp_read_sack_blocks(tcp_view *v, netcon_sack_blocks *blocks);
/* Whether the first block reports a duplicate (RFC 2883): at or below the ACK, or inside the second block. */
int netcon_sack_first_is_dsack(uint32_t ack, const netcon_sack_blocks *blocks);
/* Recomputes the TCP checksum of the segment (pseudo-header included). */
void netcon_tcp_fill_checksum(tcp_view *v);
static inline uint32_t netcon_read32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void netcon_write32(uint8_t *p, uint32_t value) {
    p[0] = (uint8_t)(value >> 24); p[1] = (uint8_t)(value >> 16); p[2] = (uint8_t)(value >> 8); p[3] = (uint8_t)value;
}

/* Between SACK's link layer (tcp_sack.c) and loss recovery (tcp_recovery.c), core held. */
void netcon_tcp_sack_register(struct netcon_tcp_recovery *r, struct tcp_pcb *pcb);
void netcon_tcp_recovery_sack_repair(struct netcon_tcp_recovery *r, struct tcp_pcb *pcb);
void netcon_tcp_recovery_dsack(struct netcon_tcp_recovery *r, struct tcp_pcb *pcb, uint32_t start);

/* For each SYN received (core held, before ethernet_input): remembers the MSS and SACK it offers beyond what
   lwIP takes (tcp_window.c). */
void netcon_tcp_note_incoming_syn(tcp_view *v);
/* For each connection request received (a SYN without ACK or RST; core held, before ethernet_input): the TIME-WAIT
   connection of its 4-tuple is replaced when the SYN's sequence number is later, and TIME-WAIT is kept within its
   limit (tcp_time_wait.c). */
void netcon_tcp_time_wait_on_request(const tcp_view *v);

#endif
