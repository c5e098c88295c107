#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/priv/tcp_priv.h>
#include <string.h>

/* TIME-WAIT as busy machines need it. Debian's lwIP keeps every closed connection's pcb for 2 MSL (2 minutes)
   and never reuses its 4-tuple: a new SYN that meets one is answered with a bare ACK, so a client that comes
   back from a port it used before cannot connect until the old pcb expires; and with pcbs from malloc (no
   pool to run out of) they pile up until the 16384 ephemeral ports are all taken. Both are fixed the way the
   kernel fixes them, without touching lwIP's code: a SYN whose sequence number lies beyond what the old
   connection received opens a new one in its place (RFC 1122 4.2.2.13), and beyond a bound the oldest pcbs in
   TIME-WAIT go (as tcp_max_tw_buckets does). Everything here runs with the core held. */

static uint32_t time_wait_limit = 4096;

void netcon_tcp_set_time_wait_limit(uint32_t limit) { time_wait_limit = limit; }

/* Everything after `keep` in the list is older than what stays. */
static void drop_older_than(struct tcp_pcb *keep) {
    while (keep->next != NULL) tcp_abort(keep->next); /* a TIME-WAIT pcb goes without a RST */
}

void netcon_tcp_limit_time_wait(void) {
    uint32_t count = 0;
    /* Newest first: tcp_tw_pcbs is a stack. */
    for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb != NULL; pcb = pcb->next) {
        if (++count == time_wait_limit) {
            drop_older_than(pcb);
            return;
        }
    }
}

static int same_address(const ip_addr_t *address, int version, const uint8_t *bytes) {
    if (version == 4) return IP_IS_V4(address) && memcmp(&ip_2_ip4(address)->addr, bytes, 4) == 0;
    return IP_IS_V6(address) && memcmp(ip_2_ip6(address)->addr, bytes, 16) == 0;
}

void netcon_tcp_time_wait_on_request(const tcp_view *v) {
    uint16_t remote_port = (uint16_t)((v->tcp[0] << 8) | v->tcp[1]);
    uint16_t local_port = (uint16_t)((v->tcp[2] << 8) | v->tcp[3]);
    uint32_t seqno = (uint32_t)v->tcp[4] << 24 | (uint32_t)v->tcp[5] << 16 | (uint32_t)v->tcp[6] << 8 | v->tcp[7];
    /* One pass, newest first (tcp_tw_pcbs is a stack): the pcb of the SYN's 4-tuple goes when the SYN is a later
       incarnation (a duplicate from the old connection's past stays answered as lwIP does), and everything older
       than the limit-th goes (the 4-tuple's own pcb too, when it is that old). */
    uint32_t count = 0;
    for (struct tcp_pcb *pcb = tcp_tw_pcbs, *next; pcb != NULL; pcb = next) {
        next = pcb->next;
        if (pcb->local_port == local_port && pcb->remote_port == remote_port && TCP_SEQ_GT(seqno, pcb->rcv_nxt) &&
            same_address(&pcb->remote_ip, v->version, v->source) && same_address(&pcb->local_ip, v->version, v->destination)) {
            tcp_abort(pcb);
            continue;
        }
        if (++count == time_wait_limit) {
            drop_older_than(pcb);
            return;
        }
    }
}
