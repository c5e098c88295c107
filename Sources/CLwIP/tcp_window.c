#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/priv/tcp_priv.h>
#include <string.h>

/* Segment size and window beyond what Debian's lwipopts.h fixes (TCP_MSS 1460, TCP_WND 64 KiB, window
   scale 1), without touching lwIP's code: lwIP segments by pcb->mss and never checks the size of what it
   receives, computes the advertised window from pcb->rcv_wnd and pcb->rcv_scale, and takes snd_buf as a
   counter. What it writes into SYN options (its constants) is rewritten on the way out, so the peer sends
   segments and reads windows as this side then uses them. Everything here runs with the core held. */

_Static_assert(LWIP_WND_SCALE && TCP_RCV_SCALE == 1, "netcon rewrites the window-scale option lwIP sends (1)");
_Static_assert(sizeof(tcpwnd_size_t) == 4, "windows above 64 KiB need lwIP's 32-bit window type");

/* ---- What the peer's SYN offered: its MSS (lwIP clamps it to TCP_MSS) and SACK (lwIP ignores it) ------- */

enum { PEER_MSS_SLOTS = 64 };
typedef struct {
    uint8_t remote[16];
    uint16_t remote_port, local_port, mss;
    uint8_t version;
    uint8_t sack_permitted;
    uint8_t used;
} peer_mss_slot;
static peer_mss_slot peer_mss[PEER_MSS_SLOTS];
static unsigned peer_mss_next;

typedef struct {
    uint16_t mss;
    uint8_t sack_permitted;
} syn_offer;

static void note_offer(tcp_view *v, uint8_t kind, uint8_t *value, uint8_t length, void *context) {
    (void)v;
    syn_offer *offer = context;
    if (kind == 2 && length == 2) offer->mss = (uint16_t)((value[0] << 8) | value[1]);
    if (kind == 4 && length == 0) offer->sack_permitted = 1;
}

void netcon_tcp_note_incoming_syn(tcp_view *v) {
    syn_offer offer = {0, 0};
    netcon_tcp_each_option(v, note_offer, &offer);
    if (offer.mss <= TCP_MSS && !offer.sack_permitted) return;
    peer_mss_slot *slot = &peer_mss[peer_mss_next++ % PEER_MSS_SLOTS];
    memset(slot, 0, sizeof *slot);
    memcpy(slot->remote, v->source, v->version == 4 ? 4 : 16);
    slot->version = (uint8_t)v->version;
    slot->remote_port = (uint16_t)((v->tcp[0] << 8) | v->tcp[1]);
    slot->local_port = (uint16_t)((v->tcp[2] << 8) | v->tcp[3]);
    slot->mss = offer.mss;
    slot->sack_permitted = offer.sack_permitted;
    slot->used = 1;
}

static peer_mss_slot *find_offer(int version, const uint8_t *remote, uint16_t remote_port, uint16_t local_port) {
    for (unsigned i = 0; i < PEER_MSS_SLOTS; i++) {
        peer_mss_slot *slot = &peer_mss[i];
        if (slot->used && slot->version == version && slot->remote_port == remote_port &&
            slot->local_port == local_port && memcmp(slot->remote, remote, version == 4 ? 4 : 16) == 0) return slot;
    }
    return NULL;
}

static syn_offer take_offer(const struct tcp_pcb *pcb) {
    uint8_t remote[16] = {0};
    int version = netcon_lwip_ip_read(&pcb->remote_ip, remote);
    peer_mss_slot *slot = find_offer(version, remote, pcb->remote_port, pcb->local_port);
    if (slot == NULL) return (syn_offer){0, 0};
    slot->used = 0;
    return (syn_offer){slot->mss, slot->sack_permitted};
}

/* ---- Outgoing SYN options -------------------------------------------------------------------------------- */

/* RFC 1624: the checksum after one 16-bit word of what it covers changed from `old` to `new`. */
static void adjust_checksum(uint8_t *tcp, uint16_t old, uint16_t new) {
    uint32_t sum = (uint16_t)~((tcp[16] << 8) | tcp[17]);
    sum += (uint16_t)~old;
    sum += new;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    uint16_t checksum = (uint16_t)~sum;
    tcp[16] = (uint8_t)(checksum >> 8);
    tcp[17] = (uint8_t)checksum;
}

static void set_byte(uint8_t *tcp, size_t offset, uint8_t value) {
    size_t word = offset & ~(size_t)1;
    uint16_t old = (uint16_t)((tcp[word] << 8) | tcp[word + 1]);
    tcp[offset] = value;
    uint16_t new = (uint16_t)((tcp[word] << 8) | tcp[word + 1]);
    if (old != new) adjust_checksum(tcp, old, new);
}

static void rewrite_option(tcp_view *v, uint8_t kind, uint8_t *value, uint8_t length, void *context) {
    size_t offset = (size_t)(value - v->tcp);
    if (kind == 2 && length == 2) {
        uint16_t mss = *(const uint16_t *)context;
        if (mss > ((value[0] << 8) | value[1])) {
            set_byte(v->tcp, offset, (uint8_t)(mss >> 8));
            set_byte(v->tcp, offset + 1, (uint8_t)mss);
        }
    } else if (kind == 3 && length == 1 && value[0] == TCP_RCV_SCALE) {
        set_byte(v->tcp, offset, NETCON_TCP_RCV_SCALE);
    }
}

size_t netcon_tcp_rewrite_outgoing_syn(uint8_t *frame, size_t length, size_t capacity, uint16_t mtu) {
    tcp_view v;
    if (!netcon_view_tcp_frame(frame, length, &v) || !(v.tcp[13] & TCP_SYN)) return length;
    uint16_t mss = (uint16_t)(mtu - (v.version == 4 ? 40 : 60));
    netcon_tcp_each_option(&v, rewrite_option, &mss);
    /* SACK-permitted: always in a SYN, in a SYN-ACK only in answer to a SYN that carried it (RFC 2018). */
    int offer_sack = 1;
    if (v.tcp[13] & TCP_ACK) {
        const peer_mss_slot *offer = find_offer(v.version, v.destination, (uint16_t)((v.tcp[2] << 8) | v.tcp[3]),
                                                (uint16_t)((v.tcp[0] << 8) | v.tcp[1]));
        offer_sack = offer != NULL && offer->sack_permitted;
    }
    if (offer_sack) {
        static const uint8_t sack_permitted[4] = {1, 1, 4, 2};
        netcon_tcp_append_options(frame, &length, capacity, sack_permitted, sizeof sack_permitted);
    }
    return length;
}

/* ---- An established connection takes them on ---------------------------------------------------------- */

int netcon_lwip_tcp_widen(struct tcp_pcb *pcb) {
    struct netif *netif = pcb->netif_idx != NETIF_NO_INDEX ? netif_get_by_index(pcb->netif_idx)
                                                           : ip_route(&pcb->local_ip, &pcb->remote_ip);
    syn_offer offer = take_offer(pcb);
    uint16_t peer = offer.mss;
    if (netif != NULL && peer > pcb->mss) {
        uint16_t limit = (uint16_t)(IP_IS_V6(&pcb->remote_ip) ? netif->mtu6 - 60 : netif->mtu - 40);
        pcb->mss = LWIP_MIN(peer, limit);
    }
    if (pcb->flags & TF_WND_SCALE) {
        pcb->rcv_scale = NETCON_TCP_RCV_SCALE;
        pcb->rcv_wnd += NETCON_TCP_WND - TCP_WND;
        tcp_update_rcv_ann_wnd(pcb);
    }
    pcb->snd_buf += NETCON_TCP_SND_BUF - TCP_SND_BUF;
    if (pcb->ssthresh < NETCON_TCP_SND_BUF) pcb->ssthresh = NETCON_TCP_SND_BUF;
    return offer.sack_permitted;
}

/* ---- The node's receive budget ------------------------------------------------------------------------- */

enum {
    SHARE_EPOCH_US = 100000,        /* connections that received in this or the previous epoch count */
    SHARE_MINIMUM_SEGMENTS = 4,     /* enough for fast retransmit to work */
};
static uint32_t receive_budget = 4 * NETCON_TCP_WND;
static uint32_t share_epoch = 1, share_epoch_started_us, receivers_now, receivers_before;

void netcon_tcp_set_receive_budget(uint32_t bytes) { receive_budget = bytes; }
uint32_t netcon_tcp_receive_budget(void) { return receive_budget; }

/* The window a connection that just received may be offered now. */
static uint32_t current_share(struct tcp_pcb *pcb, netcon_tcp_window_share *share, uint32_t limit) {
    uint32_t now = netcon_monotonic_us();
    if (now - share_epoch_started_us >= SHARE_EPOCH_US) {
        /* The last epoch that saw anyone still counts after a pause: the first connection to receive again
           must not take the whole budget before the others show up (they would each get a share on top). */
        receivers_before = receivers_now;
        receivers_now = 0;
        share_epoch++;
        share_epoch_started_us = now;
    }
    if (share->epoch != share_epoch) {
        share->epoch = share_epoch;
        receivers_now++;
    }
    uint32_t receivers = LWIP_MAX(receivers_now, receivers_before);
    uint32_t fair = receive_budget / (receivers == 0 ? 1 : receivers);
    uint32_t floor = SHARE_MINIMUM_SEGMENTS * (uint32_t)pcb->mss;
    return LWIP_MIN(LWIP_MAX(fair, floor), limit);
}

void netcon_lwip_tcp_recved(struct tcp_pcb *pcb, netcon_tcp_window_share *share, uint32_t length) {
    uint32_t limit = pcb->rcv_scale == NETCON_TCP_RCV_SCALE ? NETCON_TCP_WND : TCP_WND;  /* widened or not */
    uint64_t free_space = (uint64_t)pcb->rcv_wnd + share->withheld + length;
    if (free_space > limit) free_space = limit;
    /* What the peer was told it may send stays open: lwIP drops what arrives beyond rcv_wnd. */
    uint32_t announced = TCP_SEQ_GT(pcb->rcv_ann_right_edge, pcb->rcv_nxt) ? pcb->rcv_ann_right_edge - pcb->rcv_nxt : 0;
    uint32_t window = LWIP_MIN((uint32_t)free_space, LWIP_MAX(current_share(pcb, share, limit), announced));
    pcb->rcv_wnd = window;
    share->withheld = (uint32_t)free_space - window;
    if (tcp_update_rcv_ann_wnd(pcb) >= TCP_WND_UPDATE_THRESHOLD) {
        tcp_ack_now(pcb);
        tcp_output(pcb);
    }
}

void netcon_lwip_tcp_narrow_for_close(struct tcp_pcb *pcb, netcon_tcp_window_share *share) {
    /* At or past the widened window (lwIP adds one for a FIN it received) means nothing is left unread. */
    if ((uint64_t)pcb->rcv_wnd + share->withheld >= NETCON_TCP_WND) pcb->rcv_wnd = TCP_WND;
    share->withheld = 0;
}

/* lwIP's timeouts count ticks of its slow timer (TCP_SLOW_INTERVAL, 500 ms). */
enum { SYN_FIRST_TIMEOUT_TICKS = 1000 / TCP_SLOW_INTERVAL, SYN_TIMEOUT_TICKS = 3000 / TCP_SLOW_INTERVAL };

void netcon_lwip_tcp_quick_first_syn(struct tcp_pcb *pcb) {
    if (pcb->state == SYN_SENT && pcb->nrtx == 0) pcb->rto = SYN_FIRST_TIMEOUT_TICKS;
}

/* The same first timeout for a listener's SYN-ACK (lwIP waits 3 s): a connection whose last handshake ACK was lost
   is only completed by the SYN-ACK's retransmission (or the client's first data). A new pcb is the head of
   tcp_active_pcbs, so only that one is looked at, after a SYN went into lwIP. */
void netcon_tcp_quick_first_syn_ack(void) {
    struct tcp_pcb *pcb = tcp_active_pcbs;
    if (pcb != NULL && pcb->state == SYN_RCVD && pcb->nrtx == 0 && pcb->rto > SYN_FIRST_TIMEOUT_TICKS)
        pcb->rto = SYN_FIRST_TIMEOUT_TICKS;
}

int netcon_lwip_tcp_syn_tick(struct tcp_pcb *pcb) {
    if (pcb->state != SYN_SENT) return 0;
    if (pcb->nrtx == 0) return 1;
    pcb->rto = SYN_TIMEOUT_TICKS;
    return 0;
}

int netcon_lwip_tcp_has_data_in_flight(const struct tcp_pcb *pcb) {
    for (const struct tcp_seg *seg = pcb->unacked; seg != NULL; seg = seg->next) if (seg->len > 0) return 1;
    for (const struct tcp_seg *seg = pcb->unsent; seg != NULL; seg = seg->next) if (seg->len > 0) return 1;
    return 0;
}
