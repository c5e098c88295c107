#include "CLwIP.h"

#include <lwip/priv/tcp_priv.h>
#include <lwip/udp.h>

static uint32_t netcon_count_tcp(const struct tcp_pcb *pcb) {
    uint32_t count = 0;
    for (; pcb != NULL; pcb = pcb->next) count++;
    return count;
}

netcon_lwip_pcb_counts netcon_lwip_count_pcbs(void) {
    netcon_lwip_pcb_counts counts = {
        .tcp_active = netcon_count_tcp(tcp_active_pcbs),
        .tcp_listening = netcon_count_tcp((const struct tcp_pcb *)tcp_listen_pcbs.listen_pcbs),
        .tcp_bound = netcon_count_tcp(tcp_bound_pcbs),
        .tcp_time_wait = netcon_count_tcp(tcp_tw_pcbs),
    };
    for (const struct udp_pcb *pcb = udp_pcbs; pcb != NULL; pcb = pcb->next) counts.udp++;
    return counts;
}
