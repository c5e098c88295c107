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

/* ---- The peer's MSS, which lwIP clamps to TCP_MSS when it parses the SYN ------------------------------- */

enum { PEER_MSS_SLOTS = 64 };
typedef struct {
    uint8_t remote[16];
    uint16_t remote_port, local_port, mss;
    uint8_t version;
} peer_mss_slot;
static peer_mss_slot peer_mss[PEER_MSS_SLOTS];
static unsigned peer_mss_next;

/* Calls `visit` with each option's kind, length and bytes (after kind and length) of a SYN. */
static void each_option(tcp_view *v, void (*visit)(tcp_view *, uint8_t kind, uint8_t *value, uint8_t length, void *), void *context) {
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

static void note_mss(tcp_view *v, uint8_t kind, uint8_t *value, uint8_t length, void *context) {
    (void)v;
    if (kind == 2 && length == 2) *(uint16_t *)context = (uint16_t)((value[0] << 8) | value[1]);
}

void netcon_tcp_note_incoming_syn(const struct pbuf *p) {
    if (p->next != NULL) return; /* a SYN is small: lwIP's input pbufs hold a frame in one piece */
    tcp_view v;
    if (!netcon_view_tcp_frame((uint8_t *)p->payload, p->len, &v) || !(v.tcp[13] & TCP_SYN)) return;
    uint16_t mss = 0;
    each_option(&v, note_mss, &mss);
    if (mss <= TCP_MSS) return;
    peer_mss_slot *slot = &peer_mss[peer_mss_next++ % PEER_MSS_SLOTS];
    memset(slot, 0, sizeof *slot);
    memcpy(slot->remote, v.source, v.version == 4 ? 4 : 16);
    slot->version = (uint8_t)v.version;
    slot->remote_port = (uint16_t)((v.tcp[0] << 8) | v.tcp[1]);
    slot->local_port = (uint16_t)((v.tcp[2] << 8) | v.tcp[3]);
    slot->mss = mss;
}

static uint16_t take_peer_mss(const struct tcp_pcb *pcb) {
    uint8_t remote[16] = {0};
    int version = netcon_lwip_ip_read(&pcb->remote_ip, remote);
    for (unsigned i = 0; i < PEER_MSS_SLOTS; i++) {
        peer_mss_slot *slot = &peer_mss[i];
        if (slot->mss != 0 && slot->version == version && slot->remote_port == pcb->remote_port &&
            slot->local_port == pcb->local_port && memcmp(slot->remote, remote, version == 4 ? 4 : 16) == 0) {
            uint16_t mss = slot->mss;
            slot->mss = 0;
            return mss;
        }
    }
    return 0;
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

void netcon_tcp_rewrite_outgoing_syn(uint8_t *frame, size_t length, uint16_t mtu) {
    tcp_view v;
    if (!netcon_view_tcp_frame(frame, length, &v) || !(v.tcp[13] & TCP_SYN)) return;
    uint16_t mss = (uint16_t)(mtu - (v.version == 4 ? 40 : 60));
    each_option(&v, rewrite_option, &mss);
}

/* ---- An established connection takes them on ---------------------------------------------------------- */

void netcon_lwip_tcp_widen(struct tcp_pcb *pcb) {
    struct netif *netif = pcb->netif_idx != NETIF_NO_INDEX ? netif_get_by_index(pcb->netif_idx)
                                                           : ip_route(&pcb->local_ip, &pcb->remote_ip);
    uint16_t peer = take_peer_mss(pcb);
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
}

void netcon_lwip_tcp_recved(struct tcp_pcb *pcb, uint32_t length) {
    uint32_t limit = pcb->rcv_scale == NETCON_TCP_RCV_SCALE ? NETCON_TCP_WND : TCP_WND;  /* widened or not */
    uint32_t window = pcb->rcv_wnd + length;
    pcb->rcv_wnd = window > limit || window < pcb->rcv_wnd ? limit : window;
    if (tcp_update_rcv_ann_wnd(pcb) >= TCP_WND_UPDATE_THRESHOLD) {
        tcp_ack_now(pcb);
        tcp_output(pcb);
    }
}

void netcon_lwip_tcp_narrow_for_close(struct tcp_pcb *pcb) {
    /* At or past the widened window (lwIP adds one for a FIN it received) means nothing is left unread. */
    if (pcb->rcv_wnd >= NETCON_TCP_WND) pcb->rcv_wnd = TCP_WND;
}

int netcon_lwip_tcp_has_data_in_flight(const struct tcp_pcb *pcb) {
    for (const struct tcp_seg *seg = pcb->unacked; seg != NULL; seg = seg->next) if (seg->len > 0) return 1;
    for (const struct tcp_seg *seg = pcb->unsent; seg != NULL; seg = seg->next) if (seg->len > 0) return 1;
    return 0;
}
