#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/priv/tcp_priv.h>
#include <string.h>
#include <time.h>

/* Loss recovery on the time scale of the path instead of lwIP's 500 ms timer tick (see CLwIP.h). Everything
   here runs with the core held, on the pcb's own connection state; nothing is allocated. */

enum {
    RTO_MIN_US = 5000,       /* above the reordering a path shows (a late datagram is not a lost one) */
    RTO_INITIAL_US = 200000, /* before the first sample */
    RTO_MAX_BACKOFF = 6,     /* the timeout doubles at most this often (5 ms floor: 320 ms at most) */
    RTO_MAX_US = 200000,     /* and waits no longer than Linux's shortest timeout: queueing that inflated the
                                round trip must not leave a connection whose resends were dropped silent for
                                seconds; lwIP's own timer, with its backoff, still ends a dead path */
    RTO_QUICK_BACKOFF = 3,   /* while below this, lwIP's own timer is held back; past it, it counts again */
    REORDERING_INITIAL = 3,  /* RFC 6675's DupThresh */
    REORDERING_MAX = 300,    /* as Linux bounds what it learns */
    REORDER_WAIT_MIN_US = 1000,
    REORDER_WAIT_MAX_US = 4000, /* below the retransmission timeout's floor */
};

uint32_t netcon_monotonic_us(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint32_t)((uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u);
}

static uint32_t recovery_rto(const netcon_tcp_recovery *r) {
    uint32_t rto = r->srtt_us == 0 ? RTO_INITIAL_US : r->srtt_us + 4 * r->rttvar_us;
    if (rto < RTO_MIN_US) rto = RTO_MIN_US;
    rto <<= r->backoff;
    return rto < RTO_MAX_US ? rto : RTO_MAX_US;
}

static int repair(netcon_tcp_recovery *r, struct tcp_pcb *pcb, uint32_t lost_above);

/* RACK's idea (RFC 8985) on a coarse clock: data SACKed above a hole for this long means the hole is lost,
   however few segments the window lets arrive above it. */
static uint32_t reorder_wait(const netcon_tcp_recovery *r) {
    return LWIP_MAX(r->reorder_wait_us, r->srtt_us / 2);
}

/* What both of lwIP's loss responses do first: half of what may be in flight, at least two segments. */
static void halve_ssthresh(struct tcp_pcb *pcb) {
    tcpwnd_size_t in_flight = LWIP_MIN(pcb->cwnd, pcb->snd_wnd);
    pcb->ssthresh = LWIP_MAX(in_flight >> 1, (tcpwnd_size_t)(pcb->mss << 1));
}

static void start_timing(netcon_tcp_recovery *r, uint32_t seq, uint32_t now) {
    r->timing = 1;
    r->timed_seq = seq;
    r->timed_at_us = now;
}

void netcon_tcp_recovery_start(netcon_tcp_recovery *r, struct tcp_pcb *pcb, int sack_permitted) {
    netcon_tcp_recovery_stop(r);
    memset(r, 0, sizeof *r);
    r->last_ack = pcb->lastack;
    r->acked_to = pcb->lastack;
    r->last_progress_us = netcon_monotonic_us();
    r->seen_ssthresh = pcb->ssthresh;
    r->reordering = REORDERING_INITIAL;
    r->reorder_wait_us = REORDER_WAIT_MIN_US;
    if (sack_permitted) netcon_tcp_sack_register(r, pcb);
}

/* A loss episode begins (its reduction of the window is the caller's). */
static void begin_episode(netcon_tcp_recovery *r, struct tcp_pcb *pcb, uint32_t recover) {
    r->recovering = 1;
    r->recover = recover;
    r->retransmitted_to = pcb->lastack;
    if (r->sack) {
        netcon_tcp_episode *episode = &r->episodes[r->episode_next++ % NETCON_SACK_EPISODES];
        *episode = (netcon_tcp_episode){pcb->lastack, pcb->lastack, 0, 0, 1};
    }
    /* What is not shown needless shrinks the wait for late segments again (Linux's RACK does the same). */
    r->reorder_wait_us -= r->reorder_wait_us / 16;
    if (r->reorder_wait_us < REORDER_WAIT_MIN_US) r->reorder_wait_us = REORDER_WAIT_MIN_US;
}

static void note_retransmit(netcon_tcp_recovery *r, uint32_t start, uint32_t end) {
    if (TCP_SEQ_GT(end, r->retransmitted_to)) r->retransmitted_to = end;
    if (!r->sack) return;
    netcon_tcp_episode *episode = &r->episodes[(uint8_t)(r->episode_next - 1) % NETCON_SACK_EPISODES];
    if (!episode->open) return;
    if (episode->retransmits == 0 || TCP_SEQ_LT(start, episode->from)) episode->from = start;
    if (TCP_SEQ_GT(end, episode->to)) episode->to = end;
    episode->retransmits++;
}

/* A timeout: its go-back-N resends are not counted, so no episode before it can be shown needless. */
static void close_episodes(netcon_tcp_recovery *r) {
    for (unsigned i = 0; i < NETCON_SACK_EPISODES; i++) r->episodes[i].open = 0;
}

/* lwIP's fast retransmit (three duplicate ACKs) or its own timeout since we last looked: Karn's rule, and a
   fast retransmit starts an episode NewReno (RFC 6582) and SACK repair continue. */
static void note_lwip_retransmit(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    if (pcb->ssthresh == r->seen_ssthresh) return;
    r->seen_ssthresh = pcb->ssthresh;
    r->timing = 0;
    if (pcb->flags & TF_RTO) {
        close_episodes(r);
        return;
    }
    if (r->recovering) return;
    /* What was in flight then (about twice the halved ssthresh) is the window being repaired. */
    uint32_t flight = pcb->snd_nxt - r->acked_to;
    begin_episode(r, pcb, r->acked_to + LWIP_MIN(flight, 2 * (uint32_t)pcb->ssthresh));
    if (pcb->unacked != NULL) {
        uint32_t start = lwip_ntohl(pcb->unacked->tcphdr->seqno);
        note_retransmit(r, start, start + TCP_TCPLEN(pcb->unacked));
    }
}

void netcon_tcp_recovery_dsack(netcon_tcp_recovery *r, struct tcp_pcb *pcb, uint32_t start) {
    for (unsigned i = 0; i < NETCON_SACK_EPISODES; i++) {
        netcon_tcp_episode *episode = &r->episodes[i];
        if (!episode->open || TCP_SEQ_LT(start, episode->from) || !TCP_SEQ_LT(start, episode->to)) continue;
        if (++episode->dsacks < episode->retransmits) return;
        /* Every resend of this episode arrived twice: the loss was reordering (RFC 3708). Its halving is
           reversed, and the path's reordering learned: more SACKed data, and longer, before a hole counts lost. */
        episode->open = 0;
        pcb->ssthresh = LWIP_MIN((tcpwnd_size_t)(2 * pcb->ssthresh), (tcpwnd_size_t)NETCON_TCP_WND);
        pcb->cwnd = LWIP_MIN((tcpwnd_size_t)(2 * pcb->cwnd), (tcpwnd_size_t)NETCON_TCP_WND);
        /* Out of lwIP's fast recovery too, or its next ACK sets cwnd to ssthresh at once. */
        tcp_clear_flags(pcb, TF_INFR);
        r->seen_ssthresh = pcb->ssthresh;
        uint32_t learned = (uint32_t)r->hole_distance + 1;
        if (learned > r->reordering) r->reordering = (uint16_t)LWIP_MIN(learned, (uint32_t)REORDERING_MAX);
        r->reorder_wait_us = LWIP_MIN(2 * r->reorder_wait_us, (uint32_t)REORDER_WAIT_MAX_US);
        return;
    }
}

void netcon_tcp_recovery_sent(netcon_tcp_recovery *r, const struct tcp_pcb *pcb, uint32_t snd_nxt_before) {
    if (!r->timing && pcb->snd_nxt != snd_nxt_before) start_timing(r, pcb->snd_nxt, netcon_monotonic_us());
}

static uint32_t sacked_above(const netcon_tcp_recovery *r, uint32_t seq);

/* NewReno's resend on a partial ACK, unless this episode resent that segment already, or the peer's SACK
   blocks show nothing above it (then it is in flight, not lost: the path reorders). */
static int partial_ack_resends(const netcon_tcp_recovery *r, const struct tcp_pcb *pcb) {
    uint32_t start = lwip_ntohl(pcb->unacked->tcphdr->seqno), end = start + TCP_TCPLEN(pcb->unacked);
    if (r->sack && TCP_SEQ_LT(start, r->retransmitted_to)) return 0;
    return !r->sack || r->sacked_count == 0 || sacked_above(r, end) > 0;
}

/* The probe's segment is acknowledged. If the ACK leaves data unacknowledged that the peer does not SACK
   either, that data went before the probe, long ago: unless its ACKs follow at once (the original was only
   late: the peer or a node paused), it was lost with the probed segment, as when a burst of datagrams is
   dropped together (RACK's rule, RFC 8985: sent before a segment that was delivered). The tick resends it
   all after a short wait (tail_lost) instead of one probe per timeout, a segment at a time. */
static void probe_answered(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    r->probing = 0;
    if (pcb->unacked == NULL || r->recovering) return;
    if (r->sacked_count > 0) {
        repair(r, pcb, 1);
        return;
    }
    r->tail_suspect = 1;
}

/* Go-back-N from the first unacknowledged byte at half the window: a loss episode, not a timeout. */
static void tail_lost(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    r->tail_suspect = 0;
    if (tcp_rexmit_rto_prepare(pcb) != ERR_OK) return;
    begin_episode(r, pcb, pcb->snd_nxt);
    halve_ssthresh(pcb);
    pcb->cwnd = pcb->ssthresh;
    uint8_t nrtx = pcb->nrtx;
    tcp_rexmit_rto_commit(pcb);
    pcb->nrtx = nrtx;
    r->seen_ssthresh = pcb->ssthresh;
    r->timing = 0;
}

void netcon_tcp_recovery_acked(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    uint32_t now = netcon_monotonic_us();
    note_lwip_retransmit(r, pcb);
    uint32_t acked = pcb->lastack - r->acked_to;
    r->acked_to = pcb->lastack;
    if (!r->recovering && !(pcb->flags & TF_RTO) && pcb->cwnd < pcb->ssthresh && acked > 2u * pcb->mss) {
        /* lwIP's slow start grows the window by at most two segments per ACK (RFC 3465's limit), and the
           node sends one ACK per batch (tcp_ack_thinning.c): count what the ACK covers, up to ssthresh. */
        pcb->cwnd += LWIP_MIN(acked - 2u * pcb->mss, (uint32_t)(pcb->ssthresh - pcb->cwnd));
    }
    if (r->recovering) {
        if (pcb->unacked == NULL || TCP_SEQ_GEQ(pcb->lastack, r->recover) || (pcb->flags & TF_RTO)) {
            r->recovering = 0;
        } else if (partial_ack_resends(r, pcb)) {
            /* A partial ACK: the next hole is the first unacknowledged segment. lwIP leaves fast recovery
               here and would wait for a timeout; resend it now (tcp_input's tcp_output sends it). */
            uint8_t nrtx = pcb->nrtx;
            if (tcp_rexmit(pcb) == ERR_OK) {
                uint32_t start = lwip_ntohl(pcb->unsent->tcphdr->seqno);
                note_retransmit(r, start, start + TCP_TCPLEN(pcb->unsent));
            }
            pcb->nrtx = nrtx;
        }
    }
    if (r->probing && TCP_SEQ_GEQ(pcb->lastack, r->probe_end)) probe_answered(r, pcb);
    if (r->timing && TCP_SEQ_GEQ(pcb->lastack, r->timed_seq)) {
        /* RFC 6298 with microseconds: SRTT += (R - SRTT) / 8, RTTVAR += (|R - SRTT| - RTTVAR) / 4. */
        uint32_t sample = now - r->timed_at_us;
        if (sample == 0) sample = 1;
        if (r->min_rtt_us == 0 || sample < r->min_rtt_us) r->min_rtt_us = sample;
        if (r->srtt_us == 0) {
            r->srtt_us = sample;
            r->rttvar_us = sample / 2;
        } else {
            uint32_t delta = sample > r->srtt_us ? sample - r->srtt_us : r->srtt_us - sample;
            r->rttvar_us = r->rttvar_us - r->rttvar_us / 4 + delta / 4;
            r->srtt_us = r->srtt_us - r->srtt_us / 8 + sample / 8;
        }
        r->timing = 0;
    }
    /* What is queued goes out right after this callback (tcp_input's own tcp_output): time the byte after it,
       so the sample never counts less than a round trip. */
    if (!r->timing && pcb->unsent != NULL) start_timing(r, pcb->snd_nxt + 1, now);
}

static int tick(netcon_tcp_recovery *r, struct tcp_pcb *pcb);

int netcon_tcp_recovery_tick(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    netcon_tcp_recovery_deflate(r, pcb);
    int again = tick(r, pcb);
    netcon_tcp_recovery_inflate(r, pcb);
    return again;
}

static int tick(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    uint32_t now = netcon_monotonic_us();
    if (pcb->flags & TF_ACK_DELAY) {
        /* What lwIP's 250 ms fast timer would do: the ACK held back for a second segment goes out now. */
        tcp_ack_now(pcb);
        tcp_output(pcb);
    }
    if (pcb->state < ESTABLISHED || pcb->state == TIME_WAIT) return 0;
    if (pcb->unacked == NULL || pcb->lastack != r->last_ack) {
        r->last_ack = pcb->lastack;
        r->last_progress_us = now;
        r->backoff = 0;
    }
    if (pcb->unacked == NULL) return pcb->unsent != NULL;
    if (pcb->persist_backoff > 0) return 1;
    uint32_t waited = now - r->last_progress_us;
    if (waited < r->last_resend_wait_us) r->last_resend_wait_us = 0; /* progress since */
    if (r->sack && r->sacked_count > 0 && waited >= reorder_wait(r)) {
        if (repair(r, pcb, 1) > 0) return 1;
        /* Holes resent already and still open a round trip later: the resends were lost too (RACK). */
        uint32_t again = reorder_wait(r) + 2 * r->srtt_us;
        if (waited - r->last_resend_wait_us >= again) {
            r->retransmitted_to = pcb->lastack;
            r->last_resend_wait_us = waited;
            if (repair(r, pcb, 1) > 0) return 1;
        }
    }
    if (r->tail_suspect) {
        if (r->sacked_count > 0 || r->recovering) {
            r->tail_suspect = 0;
        } else if (waited >= LWIP_MAX(2 * r->min_rtt_us, (uint32_t)REORDER_WAIT_MIN_US)) {
            tail_lost(r, pcb);
            r->last_progress_us = now;
            return 1;
        }
    }
    if (waited < recovery_rto(r)) return 1;
    uint8_t nrtx = pcb->nrtx;
    close_episodes(r);
    if (r->backoff == 0 && !(pcb->flags & TF_RTO)) {
        /* First timeout: the oldest segment goes again alone. With SACK it is a probe (RFC 8985's tail loss
           probe): the window stays, since a node that paused for a few milliseconds looks the same as a lost
           tail, and what the probe's ACK reports (a D-SACK, or blocks that show the holes) decides; silence
           is the real timeout that follows. Without SACK a small window may never bring three duplicate
           ACKs: the segment is taken as lost (a time-based fast retransmit), the window halved once per loss
           episode, and partial ACKs repair any further holes (NewReno). */
        if (tcp_rexmit(pcb) == ERR_OK) {
            if (r->sack && !r->recovering) {
                uint32_t start = lwip_ntohl(pcb->unsent->tcphdr->seqno);
                r->probing = 1;
                r->probe_end = start + TCP_TCPLEN(pcb->unsent);
            }
            if (!r->recovering && !r->sack) {
                halve_ssthresh(pcb);
                pcb->cwnd = pcb->ssthresh;
                r->recovering = 1;
                r->recover = pcb->snd_nxt;
            }
            tcp_output(pcb);
        }
    } else {
        /* Still nothing acknowledged: what tcp_slowtmr does on a retransmission timeout (halve ssthresh, one
           segment of window, resend from the first unacknowledged byte). */
        if (tcp_rexmit_rto_prepare(pcb) == ERR_OK) {
            /* Everything goes again from the first byte; what the peer still holds it SACKs anew. */
            r->sacked_count = 0;
            r->probing = 0;
            halve_ssthresh(pcb);
            pcb->cwnd = pcb->mss;
            pcb->bytes_acked = 0;
            tcp_rexmit_rto_commit(pcb);
        }
        r->recovering = 0;
    }
    /* None of this spends lwIP's retry budget (nrtx). A path that stays silent is lwIP's to judge: past the
       first few timeouts its own timer (and its count towards giving up) runs on. */
    pcb->nrtx = nrtx;
    if (r->backoff < RTO_QUICK_BACKOFF) pcb->rtime = 0;
    r->seen_ssthresh = pcb->ssthresh;
    r->timing = 0;
    r->last_progress_us = now;
    if (r->backoff < RTO_MAX_BACKOFF) r->backoff++;
    return 1;
}

int netcon_tcp_recovery_received(struct tcp_pcb *pcb, uint16_t length) {
    /* RFC 5681 4.2: out-of-order data, or data that filled a hole (more than a segment delivered at once),
       is acknowledged at once, so the sender learns of the next hole without waiting for our tick. */
    if (pcb->ooseq != NULL || length > pcb->mss) tcp_ack_now(pcb);
    return (pcb->flags & TF_ACK_DELAY) != 0;
}

/* ---- SACK repair ---------------------------------------------------------------------------------------- */

/* Resends one segment from the middle of the unacknowledged queue: lwIP's tcp_rexmit only knows the first.
   The segment goes out alone (the rest of the unsent queue is set aside meanwhile) through tcp_output, which
   puts it back into the unacknowledged queue in order; the window is widened for that call only, since the
   hole lies behind data the peer already holds. */
static int resend(struct tcp_pcb *pcb, struct tcp_seg *seg) {
    uint32_t seq = lwip_ntohl(seg->tcphdr->seqno);
    uint32_t reach = seq - pcb->lastack + seg->len;
    if (seg->p->ref > 1 || reach > pcb->snd_wnd) return 0;
    struct tcp_seg **link = &pcb->unacked;
    while (*link != NULL && *link != seg) link = &(*link)->next;
    if (*link == NULL) return 0;
    *link = seg->next;
    struct tcp_seg *rest = pcb->unsent;
#if TCP_OVERSIZE
    tcpwnd_size_t oversize = pcb->unsent_oversize;
#endif
    seg->next = NULL;
    pcb->unsent = seg;
    tcpwnd_size_t cwnd = pcb->cwnd;
    if (pcb->cwnd < reach) pcb->cwnd = reach;
    int nagle = !(pcb->flags & TF_NODELAY);
    tcp_set_flags(pcb, TF_NODELAY);
    tcp_output(pcb);
    if (nagle) tcp_clear_flags(pcb, TF_NODELAY);
    pcb->cwnd = cwnd;
    int sent = pcb->unsent != seg;
    if (!sent) seg->next = rest; /* it leads the unsent queue: the next output sends it */
    pcb->unsent = sent ? rest : seg;
#if TCP_OVERSIZE
    pcb->unsent_oversize = oversize;
#endif
    pcb->rttest = 0;
    return sent;
}

static int sacked(const netcon_tcp_recovery *r, uint32_t start, uint32_t end) {
    for (unsigned i = 0; i < r->sacked_count; i++) {
        if (TCP_SEQ_LEQ(r->sacked_start[i], start) && TCP_SEQ_GEQ(r->sacked_end[i], end)) return 1;
    }
    return 0;
}

static uint32_t sacked_above(const netcon_tcp_recovery *r, uint32_t seq) {
    uint32_t total = 0;
    for (unsigned i = 0; i < r->sacked_count; i++) {
        if (!TCP_SEQ_GT(r->sacked_end[i], seq)) continue;
        uint32_t start = TCP_SEQ_GT(r->sacked_start[i], seq) ? r->sacked_start[i] : seq;
        total += r->sacked_end[i] - start;
    }
    return total;
}

/* Resends the holes below SACKed data: those with more than `lost_above` bytes selectively acknowledged
   above them (RFC 6675's IsLost with DupThresh as learned). Returns how many went out. */
static int repair(netcon_tcp_recovery *r, struct tcp_pcb *pcb, uint32_t lost_above) {
    if (pcb->unacked == NULL || r->sacked_count == 0) return 0;
    note_lwip_retransmit(r, pcb);
    uint32_t highest = r->sacked_end[r->sacked_count - 1];
    int resent = 0;
    int budget = 4;
    uint8_t nrtx = pcb->nrtx;
    for (struct tcp_seg *seg = pcb->unacked; seg != NULL && budget > 0;) {
        struct tcp_seg *next = seg->next;
        uint32_t start = lwip_ntohl(seg->tcphdr->seqno), end = start + TCP_TCPLEN(seg);
        if (sacked_above(r, end) < lost_above) break;
        if (!sacked(r, start, end) && !(r->recovering && TCP_SEQ_LT(start, r->retransmitted_to))) {
            if (!r->recovering) {
                begin_episode(r, pcb, pcb->snd_nxt);
                r->hole_distance = (uint16_t)LWIP_MIN((highest - start) / pcb->mss, 0xffffu);
                halve_ssthresh(pcb);
                pcb->cwnd = pcb->ssthresh;
                /* lwIP's own fast recovery from here: it neither retransmits nor halves again, and its next
                   new ACK leaves it with cwnd at ssthresh. */
                tcp_set_flags(pcb, TF_INFR);
            }
            if (!resend(pcb, seg)) break;
            note_retransmit(r, start, end);
            r->timing = 0;
            budget--;
            resent++;
        }
        seg = next;
    }
    pcb->nrtx = nrtx;
    r->seen_ssthresh = pcb->ssthresh;
    return resent;
}

void netcon_tcp_recovery_deflate(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    if (r->inflation == 0) return;
    pcb->cwnd = pcb->cwnd > r->inflation + pcb->mss ? pcb->cwnd - r->inflation : pcb->mss;
    r->inflation = 0;
}

void netcon_tcp_recovery_inflate(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    if (!r->sack || r->sacked_count == 0 || r->inflation != 0 || pcb->state < ESTABLISHED) return;
    uint32_t held = sacked_above(r, pcb->lastack);
    if (held == 0) return;
    tcpwnd_size_t before = pcb->cwnd;
    r->inflation = held;
    pcb->cwnd += held;
    /* What the widened window lets out now (tcp_input's own tcp_output ran before this). */
    if (pcb->unsent != NULL && TCP_SEQ_LT(pcb->snd_nxt - pcb->lastack, before + held)) tcp_output(pcb);
}

void netcon_tcp_recovery_sack_repair(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    /* As many segments as the path reorders, but never more than half the window: a small window never
       sees that many arrive above a hole (the tick's timed check covers it). */
    uint32_t window = pcb->cwnd / pcb->mss / 2;
    uint32_t threshold = LWIP_MIN((uint32_t)r->reordering, LWIP_MAX(window, (uint32_t)REORDERING_INITIAL));
    repair(r, pcb, (threshold - 1) * pcb->mss + 1);
}
