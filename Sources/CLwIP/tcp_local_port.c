/* Local ports of connecting pcbs chosen per destination, as a kernel does: lwIP's tcp_new_port hands out each of
   its 16,384 ephemeral ports once per node, whatever the destination, so a node could hold no more than that many
   connections. Here a port is taken when no pcb has it towards the same remote endpoint (and none listens or is
   bound on it), from a range twice lwIP's; every pcb bound this way is SOF_REUSEADDR, so that lwIP's own checks
   (tcp_bind, tcp_connect's 5-tuple check) agree. One pass over the pcbs per connect, as tcp_new_port's is. */
#include "CLwIP.h"

#include <lwip/priv/tcp_priv.h>
#include <stdbool.h>
#include <string.h>

#define NETCON_LOCAL_PORT_FIRST 32768u
#define NETCON_LOCAL_PORT_COUNT 32768u

static void netcon_mark(uint8_t *taken, uint16_t port) {
    if (port < NETCON_LOCAL_PORT_FIRST) return;
    unsigned index = port - NETCON_LOCAL_PORT_FIRST;
    taken[index / 8] |= (uint8_t)(1u << (index % 8));
}

static bool netcon_is_taken(const uint8_t *taken, unsigned index) { return (taken[index / 8] >> (index % 8)) & 1u; }

err_t netcon_tcp_bind_local_port(struct tcp_pcb *pcb, const ip_addr_t *remote, uint16_t remote_port) {
    LWIP_ASSERT_CORE_LOCKED();
    static uint8_t taken[NETCON_LOCAL_PORT_COUNT / 8];
    static uint32_t next;
    memset(taken, 0, sizeof taken);
    for (const struct tcp_pcb *other = tcp_active_pcbs; other != NULL; other = other->next)
        if (other->remote_port == remote_port && ip_addr_cmp_zoneless(&other->remote_ip, remote)) netcon_mark(taken, other->local_port);
    for (const struct tcp_pcb *other = tcp_tw_pcbs; other != NULL; other = other->next)
        if (other->remote_port == remote_port && ip_addr_cmp_zoneless(&other->remote_ip, remote)) netcon_mark(taken, other->local_port);
    for (const struct tcp_pcb *other = tcp_bound_pcbs; other != NULL; other = other->next) netcon_mark(taken, other->local_port);
    for (const struct tcp_pcb_listen *other = tcp_listen_pcbs.listen_pcbs; other != NULL; other = other->next)
        netcon_mark(taken, other->local_port);
    /* Where to start: random once, then after the last port given (what LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS does). */
    if (next == 0) next = LWIP_RAND() % NETCON_LOCAL_PORT_COUNT + 1;
    for (unsigned tried = 0; tried < NETCON_LOCAL_PORT_COUNT; tried++) {
        unsigned index = (next + tried) % NETCON_LOCAL_PORT_COUNT;
        if (netcon_is_taken(taken, index)) continue;
        uint16_t port = (uint16_t)(NETCON_LOCAL_PORT_FIRST + index);
        ip_set_option(pcb, SOF_REUSEADDR);
        err_t err = tcp_bind(pcb, IP_IS_V6(remote) ? IP6_ADDR_ANY : IP4_ADDR_ANY, port);
        if (err == ERR_USE) continue; /* a pcb without SOF_REUSEADDR holds it (an accepted connection's listener's) */
        if (err == ERR_OK) next = index + 1;
        return err;
    }
    return ERR_BUF;
}
