#include "CLwIP.h"
#include <lwip/priv/tcp_priv.h>
#include <string.h>
#include <time.h>

/* Loss recovery on the time scale of the path instead of lwIP's 500 ms timer tick (see CLwIP.h). Everything
   here runs with the core held, on the pcb's own connection state; nothing is allocated. */

enum {
    RTO_MIN_US = 5000,       /* above the reordering a path shows (a late datagram is not a lost one) */
    RTO_INITIAL_US = 200000, /* before the first sample */
    RTO_MAX_BACKOFF = 6,     /* the timeout doubles at most this often (5 ms floor: 320 ms at most) */
    RTO_QUICK_BACKOFF = 3,   /* while below this, lwIP's own timer is held back; past it, it counts again */
};

uint32_t netcon_monotonic_us(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint32_t)((uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u);
}

static uint32_t recovery_rto(const netcon_tcp_recovery *r) {
    uint32_t rto = r->srtt_us == 0 ? RTO_INITIAL_US : r->srtt_us + 4 * r->rttvar_us;
    if (rto < RTO_MIN_US) rto = RTO_MIN_US;
    return rto << r->backoff;
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

void netcon_tcp_recovery_start(netcon_tcp_recovery *r, const struct tcp_pcb *pcb) {
    memset(r, 0, sizeof *r);
    r->last_ack = pcb->lastack;
    r->acked_to = pcb->lastack;
    r->last_progress_us = netcon_monotonic_us();
    r->seen_ssthresh = pcb->ssthresh;
}

void netcon_tcp_recovery_sent(netcon_tcp_recovery *r, const struct tcp_pcb *pcb, uint32_t snd_nxt_before) {
    if (!r->timing && pcb->snd_nxt != snd_nxt_before) start_timing(r, pcb->snd_nxt, netcon_monotonic_us());
}

void netcon_tcp_recovery_acked(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
    uint32_t now = netcon_monotonic_us();
    if (pcb->ssthresh != r->seen_ssthresh) {
        /* lwIP retransmitted (fast retransmit or its own timeout) since the last ACK: Karn's rule. */
        r->seen_ssthresh = pcb->ssthresh;
        r->timing = 0;
        if (!(pcb->flags & TF_RTO)) {
            /* A fast retransmit: what was in flight then (about twice the halved ssthresh) is the window
               NewReno (RFC 6582) repairs one hole per partial ACK. */
            uint32_t flight = pcb->snd_nxt - r->acked_to;
            r->recovering = 1;
            r->recover = r->acked_to + LWIP_MIN(flight, 2 * (uint32_t)pcb->ssthresh);
        }
    }
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
        } else {
            /* A partial ACK: the next hole is the first unacknowledged segment. lwIP leaves fast recovery
               here and would wait for a timeout; resend it now (tcp_input's tcp_output sends it). */
            uint8_t nrtx = pcb->nrtx;
            tcp_rexmit(pcb);
            pcb->nrtx = nrtx;
        }
    }
    if (r->timing && TCP_SEQ_GEQ(pcb->lastack, r->timed_seq)) {
        /* RFC 6298 with microseconds: SRTT += (R - SRTT) / 8, RTTVAR += (|R - SRTT| - RTTVAR) / 4. */
        uint32_t sample = now - r->timed_at_us;
        if (sample == 0) sample = 1;
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

int netcon_tcp_recovery_tick(netcon_tcp_recovery *r, struct tcp_pcb *pcb) {
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
    if ((uint32_t)(now - r->last_progress_us) < recovery_rto(r)) return 1;
    uint8_t nrtx = pcb->nrtx;
    if (r->backoff == 0 && !(pcb->flags & TF_RTO)) {
        /* First timeout: the oldest segment is taken as lost (a time-based fast retransmit, since without
           SACK a small window may never bring three duplicate ACKs): resend it alone, halve the window once
           per loss episode, and let partial ACKs repair any further holes (NewReno). */
        if (tcp_rexmit(pcb) == ERR_OK) {
            if (!r->recovering) {
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
