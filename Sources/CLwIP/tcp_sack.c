#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/priv/tcp_priv.h>
#include <string.h>

/* Selective acknowledgements at the link layer (see CLwIP.h). Connections that negotiated SACK are found by
   their addresses in a hash table of their recovery states; everything here runs with the core held. */

enum { BUCKETS = 1024, SACK_KIND = 5, MAX_BLOCKS = 4 };
static netcon_tcp_recovery *buckets[BUCKETS];

static size_t address_width(const netcon_tcp_flow_key *key) { return key->version == 4 ? 4 : 16; }

static unsigned bucket_of(const netcon_tcp_flow_key *key) {
    uint32_t hash = 2166136261u;
    size_t width = address_width(key);
    for (size_t i = 0; i < width; i++) hash = (hash ^ key->local[i]) * 16777619u;
    for (size_t i = 0; i < width; i++) hash = (hash ^ key->remote[i]) * 16777619u;
    hash = (hash ^ key->local_port) * 16777619u;
    hash = (hash ^ key->remote_port) * 16777619u;
    return hash % BUCKETS;
}

static int same_flow(const netcon_tcp_flow_key *a, const netcon_tcp_flow_key *b) {
    return a->version == b->version && a->local_port == b->local_port && a->remote_port == b->remote_port &&
           memcmp(a->local, b->local, address_width(a)) == 0 && memcmp(a->remote, b->remote, address_width(a)) == 0;
}

static netcon_tcp_recovery *lookup(const netcon_tcp_flow_key *key) {
    for (netcon_tcp_recovery *r = buckets[bucket_of(key)]; r != NULL; r = r->next_in_bucket) {
        if (same_flow(&r->key, key)) return r;
    }
    return NULL;
}

void netcon_tcp_sack_register(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    memset(&r->key, 0, sizeof r->key);
    r->key.version = (uint8_t)netcon_lwip_ip_read(&pcb->local_ip, r->key.local);
    netcon_lwip_ip_read(&pcb->remote_ip, r->key.remote);
    r->key.local_port = pcb->local_port;
    r->key.remote_port = pcb->remote_port;
    r->pcb = pcb;
    r->sack = 1;
    unsigned bucket = bucket_of(&r->key);
    r->next_in_bucket = buckets[bucket];
    buckets[bucket] = r;
}

void netcon_tcp_recovery_stop(netcon_tcp_recovery *r) {
    if (!r->sack) return;
    for (netcon_tcp_recovery **link = &buckets[bucket_of(&r->key)]; *link != NULL; link = &(*link)->next_in_bucket) {
        if (*link == r) {
            *link = r->next_in_bucket;
            break;
        }
    }
    r->sack = 0;
    r->pcb = NULL;
    r->next_in_bucket = NULL;
}

/* The connection a segment belongs to: `outgoing` when this side sent it. */
static netcon_tcp_recovery *flow_of(const tcp_view *v, int outgoing, netcon_tcp_flow_key *key) {
    memset(key, 0, sizeof *key);
    key->version = (uint8_t)v->version;
    size_t width = address_width(key);
    memcpy(key->local, outgoing ? v->source : v->destination, width);
    memcpy(key->remote, outgoing ? v->destination : v->source, width);
    uint16_t source_port = (uint16_t)((v->tcp[0] << 8) | v->tcp[1]), destination_port = (uint16_t)((v->tcp[2] << 8) | v->tcp[3]);
    key->local_port = outgoing ? source_port : destination_port;
    key->remote_port = outgoing ? destination_port : source_port;
    return lookup(key);
}

static int is_pure_ack(const tcp_view *v) {
    return (v->tcp[13] & (TCP_SYN | TCP_FIN | TCP_RST | TCP_ACK)) == TCP_ACK && v->tcp_length == v->header_length;
}

/* ---- Receiving: blocks on the ACKs this side sends ---------------------------------------------------- */

int netcon_tcp_sack_may_grow(const uint8_t *frame, size_t length) {
    tcp_view v;
    if (!netcon_view_tcp_frame((uint8_t *)frame, length, &v)) return 0;
    if (v.tcp[13] & TCP_SYN) return 1; /* netcon_tcp_rewrite_outgoing_syn may add SACK-permitted */
    if (!is_pure_ack(&v)) return 0;
    netcon_tcp_flow_key key;
    const netcon_tcp_recovery *r = flow_of(&v, 1, &key);
    return r != NULL && (r->pcb->ooseq != NULL || r->dsack_pending);
}

size_t netcon_tcp_sack_outgoing(uint8_t *frame, size_t length, size_t capacity) {
    tcp_view v;
    if (!netcon_view_tcp_frame(frame, length, &v) || !is_pure_ack(&v)) return length;
    netcon_tcp_flow_key key;
    netcon_tcp_recovery *r = flow_of(&v, 1, &key);
    if (r == NULL) return length;
    uint32_t ack = netcon_read32(v.tcp + 8);
    uint32_t start[MAX_BLOCKS], end[MAX_BLOCKS];
    unsigned count = 0;
    if (r->dsack_pending) {
        start[count] = r->dsack_start;
        end[count++] = r->dsack_end;
        r->dsack_pending = 0;
    }
    /* What lwIP holds out of order, as ranges; the one with the latest arrival goes first. */
    uint32_t range_start[8], range_end[8];
    unsigned ranges = 0;
    for (struct tcp_seg *seg = r->pcb->ooseq; seg != NULL; seg = seg->next) {
        /* tcp_input turned the header of what it queues to host order (the send queues stay in network order). */
        uint32_t s = seg->tcphdr->seqno, e = s + TCP_TCPLEN(seg);
        if (!TCP_SEQ_GT(e, ack)) continue;
        if (ranges > 0 && TCP_SEQ_GEQ(range_end[ranges - 1], s)) {
            if (TCP_SEQ_GT(e, range_end[ranges - 1])) range_end[ranges - 1] = e;
        } else if (ranges < 8) {
            range_start[ranges] = s;
            range_end[ranges++] = e;
        } else {
            break;
        }
    }
    for (unsigned i = 0; i < ranges && count < MAX_BLOCKS; i++) {
        if (TCP_SEQ_GEQ(r->latest_out_of_order, range_start[i]) && TCP_SEQ_LT(r->latest_out_of_order, range_end[i])) {
            start[count] = range_start[i];
            end[count++] = range_end[i];
            range_end[i] = range_start[i]; /* taken */
        }
    }
    for (unsigned i = 0; i < ranges && count < MAX_BLOCKS; i++) {
        if (range_end[i] == range_start[i]) continue;
        start[count] = range_start[i];
        end[count++] = range_end[i];
    }
    if (count == 0) return length;
    uint8_t option[4 + 8 * MAX_BLOCKS] = {1, 1, SACK_KIND, (uint8_t)(2 + 8 * count)};
    for (unsigned i = 0; i < count; i++) {
        netcon_write32(option + 4 + 8 * i, start[i]);
        netcon_write32(option + 8 + 8 * i, end[i]);
    }
    netcon_tcp_append_options(frame, &length, capacity, option, 4 + 8 * count);
    return length;
}

/* ---- Sending: the peer's blocks -------------------------------------------------------------------- */

static void trim_below(netcon_tcp_recovery *r, uint32_t ack) {
    unsigned kept = 0;
    for (unsigned i = 0; i < r->sacked_count; i++) {
        if (!TCP_SEQ_GT(r->sacked_end[i], ack)) continue;
        r->sacked_start[kept] = TCP_SEQ_LT(r->sacked_start[i], ack) ? ack : r->sacked_start[i];
        r->sacked_end[kept++] = r->sacked_end[i];
    }
    r->sacked_count = (uint8_t)kept;
}

/* Merges [start, end) into the scoreboard (kept sorted, ranges apart); 1 if it told something new. */
static int note_sacked(netcon_tcp_recovery *r, uint32_t start, uint32_t end) {
    for (unsigned i = 0; i < r->sacked_count; i++) {
        if (TCP_SEQ_LEQ(r->sacked_start[i], start) && TCP_SEQ_GEQ(r->sacked_end[i], end)) return 0;
    }
    if (r->sacked_count == NETCON_SACK_SCOREBOARD) {
        /* Full: the lowest range matters least for what is lost next (it is the first to be acknowledged). */
        memmove(r->sacked_start, r->sacked_start + 1, sizeof r->sacked_start[0] * (NETCON_SACK_SCOREBOARD - 1));
        memmove(r->sacked_end, r->sacked_end + 1, sizeof r->sacked_end[0] * (NETCON_SACK_SCOREBOARD - 1));
        r->sacked_count--;
    }
    unsigned at = r->sacked_count;
    while (at > 0 && TCP_SEQ_GT(r->sacked_start[at - 1], start)) {
        r->sacked_start[at] = r->sacked_start[at - 1];
        r->sacked_end[at] = r->sacked_end[at - 1];
        at--;
    }
    r->sacked_start[at] = start;
    r->sacked_end[at] = end;
    r->sacked_count++;
    unsigned kept = 0;
    for (unsigned i = 1; i < r->sacked_count; i++) {
        if (TCP_SEQ_LEQ(r->sacked_start[i], r->sacked_end[kept])) {
            if (TCP_SEQ_GT(r->sacked_end[i], r->sacked_end[kept])) r->sacked_end[kept] = r->sacked_end[i];
        } else {
            kept++;
            r->sacked_start[kept] = r->sacked_start[i];
            r->sacked_end[kept] = r->sacked_end[i];
        }
    }
    r->sacked_count = (uint8_t)(kept + 1);
    return 1;
}

static void note_blocks(tcp_view *v, uint8_t kind, uint8_t *value, uint8_t length, void *context) {
    (void)v;
    netcon_sack_blocks *blocks = context;
    if (kind != SACK_KIND || length < 8 || length % 8 != 0) return;
    for (uint8_t b = 0; b + 8 <= length && blocks->count < MAX_BLOCKS; b += 8) {
        uint32_t start = netcon_read32(value + b), end = netcon_read32(value + b + 4);
        if (!TCP_SEQ_LT(start, end)) continue; /* malformed: ignored */
        blocks->start[blocks->count] = start;
        blocks->end[blocks->count++] = end;
    }
}

void netcon_tcp_read_sack_blocks(tcp_view *v, netcon_sack_blocks *blocks) {
    blocks->count = 0;
    netcon_tcp_each_option(v, note_blocks, blocks);
}

int netcon_sack_first_is_dsack(uint32_t ack, const netcon_sack_blocks *blocks) {
    if (blocks->count == 0) return 0;
    return TCP_SEQ_LEQ(blocks->end[0], ack) ||
           (blocks->count > 1 && TCP_SEQ_GEQ(blocks->start[0], blocks->start[1]) && TCP_SEQ_LEQ(blocks->end[0], blocks->end[1]));
}

/* Whether lwIP's out-of-order queue already holds all of [start, end) (its headers are in host order). */
static int held_out_of_order(const struct tcp_pcb *pcb, uint32_t start, uint32_t end) {
    for (const struct tcp_seg *seg = pcb->ooseq; seg != NULL; seg = seg->next) {
        uint32_t s = seg->tcphdr->seqno;
        if (TCP_SEQ_GT(s, start)) return 0;
        if (TCP_SEQ_GEQ(s + seg->len, end)) return 1;
    }
    return 0;
}

int netcon_tcp_sack_incoming(const uint8_t *frame, size_t length, netcon_tcp_flow_key *key) {
    tcp_view v;
    if (!netcon_view_tcp_frame((uint8_t *)frame, length, &v)) return 0;
    netcon_tcp_recovery *r = flow_of(&v, 0, key);
    if (r == NULL) return 0;
    struct tcp_pcb *pcb = r->pcb;
    netcon_tcp_recovery_deflate(r, pcb);
    uint32_t seq = netcon_read32(v.tcp + 4), ack = netcon_read32(v.tcp + 8);
    uint32_t data = (uint32_t)(v.tcp_length - v.header_length);
    if (data > 0 && pcb->state >= ESTABLISHED) {
        if (TCP_SEQ_LEQ(seq + data, pcb->rcv_nxt) || held_out_of_order(pcb, seq, seq + data)) {
            r->dsack_start = seq; /* RFC 2883: report the duplicate once */
            r->dsack_end = seq + data;
            r->dsack_pending = 1;
        } else if (TCP_SEQ_GT(seq, pcb->rcv_nxt)) {
            r->latest_out_of_order = seq;
        }
    }
    if (!(v.tcp[13] & TCP_ACK)) return r->sacked_count > 0;
    if (data == 0 && ack == pcb->lastack && pcb->unacked != NULL && (v.header_length > 20 || r->sacked_count > 0)) {
        /* A duplicate ACK with SACK information: lwIP would retransmit at its third, whatever the
           reordering; the scoreboard decides what is lost instead (netcon_tcp_recovery_sack_repair). */
        pcb->dupacks = 0;
    }
    if (v.header_length <= 20) return r->sacked_count > 0;
    netcon_sack_blocks blocks;
    netcon_tcp_read_sack_blocks(&v, &blocks);
    int news = 0;
    for (unsigned i = 0; i < blocks.count; i++) {
        if (i == 0 && netcon_sack_first_is_dsack(ack, &blocks)) {
            /* D-SACK: the peer got this twice (netcon_tcp_recovery_dsack judges whether a resend was needless). */
            netcon_tcp_recovery_dsack(r, pcb, blocks.start[0]);
            continue;
        }
        if (!TCP_SEQ_GT(blocks.end[i], ack) || TCP_SEQ_GT(blocks.end[i], pcb->snd_nxt)) continue;
        news |= note_sacked(r, TCP_SEQ_LT(blocks.start[i], ack) ? ack : blocks.start[i], blocks.end[i]);
    }
    return news || r->sacked_count > 0;
}

void netcon_tcp_sack_after_incoming(const netcon_tcp_flow_key *key) {
    netcon_tcp_recovery *r = lookup(key);
    if (r == NULL || r->pcb->state < ESTABLISHED) return;
    trim_below(r, r->pcb->lastack);
    netcon_tcp_recovery_sack_repair(r, r->pcb);
    netcon_tcp_recovery_inflate(r, r->pcb);
}
