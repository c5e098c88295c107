#include "CLwIP.h"
#include "tcp_view.h"
#include <lwip/prot/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- What this file assumes about the lwipopts.h it is compiled against ------------------------------------ */

/* The threading model: lwIP has its own tcpip thread and a core lock other threads take. */
_Static_assert(NO_SYS == 0 && LWIP_TCPIP_CORE_LOCKING == 1, "netcon expects lwIP's tcpip thread with core locking");
/* ip_addr_t is the dual-stack union with a type tag; the address bytes are plain network-order words. */
_Static_assert(LWIP_IPV4 && LWIP_IPV6, "netcon expects a dual-stack lwIP (ip_addr_t with a type tag)");
_Static_assert(sizeof(((ip4_addr_t *)0)->addr) == 4, "ip4_addr_t holds 4 bytes");
_Static_assert(sizeof(((ip6_addr_t *)0)->addr) == 16, "ip6_addr_t holds 16 bytes");
/* Frames are plain Ethernet II: 6-byte MACs, a 14-byte header, no padding in front. */
_Static_assert(ETH_HWADDR_LEN == 6 && NETIF_MAX_HWADDR_LEN >= 6, "6-byte MAC addresses");
_Static_assert(SIZEOF_ETH_HDR == 14 && ETH_PAD_SIZE == 0, "the input filter parses frames without padding");
/* The loopback queue is drained on removal; the multicast hooks exist. */
_Static_assert(LWIP_NETIF_LOOPBACK && LWIP_IGMP && LWIP_IPV6_MLD, "loopback queue and IGMP/MLD filter hooks");
_Static_assert(NETIF_ADD_MAC_FILTER == 1 && NETIF_DEL_MAC_FILTER == 0, "mac filter actions");

/* ---- Start, lock, thread identity ------------------------------------------------------------------------ */

static pthread_mutex_t started_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cond = PTHREAD_COND_INITIALIZER;
static int started = 0;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

/* lwIP's tcpip thread, recorded from tcpip_init's callback (which runs on it). */
static pthread_t tcpip_thread;
static atomic_int tcpip_thread_known = 0;
/* How deep the calling thread is inside netcon_lwip_lock (0 or 1: the mutex is not recursive). */
static __thread int core_depth = 0;
/* How deep the calling thread is inside a driver callback (output or multicast). */
static __thread int driver_depth = 0;

static void on_tcpip_ready(void *unused) {
    (void)unused;
    tcpip_thread = pthread_self();
    atomic_store(&tcpip_thread_known, 1);
    pthread_mutex_lock(&started_lock);
    started = 1;
    pthread_cond_broadcast(&started_cond);
    pthread_mutex_unlock(&started_lock);
}

static void start_tcpip(void) {
    tcpip_init(on_tcpip_ready, NULL);
    pthread_mutex_lock(&started_lock);
    while (!started) pthread_cond_wait(&started_cond, &started_lock);
    pthread_mutex_unlock(&started_lock);
}

/* lwIP keeps global state: tcpip_init may run only once per process, hence pthread_once. */
void netcon_lwip_start(void) { pthread_once(&start_once, start_tcpip); }

void netcon_lwip_lock(void) {
    LOCK_TCPIP_CORE();
    core_depth++;
}

void netcon_lwip_unlock(void) {
    core_depth--;
    UNLOCK_TCPIP_CORE();
}

const char *netcon_lwip_version(void) { return LWIP_VERSION_STRING; }

int netcon_lwip_core_held(void) {
    if (core_depth > 0) return 1;
    return atomic_load(&tcpip_thread_known) && pthread_equal(pthread_self(), tcpip_thread);
}

/* How deep the calling thread is inside frames it hands to lwIP itself (netcon_lwip_netif_input_now). */
static __thread int direct_input_depth = 0;

int netcon_lwip_on_tcpip_thread(void) {
    if (direct_input_depth > 0) return 1;
    return atomic_load(&tcpip_thread_known) && pthread_equal(pthread_self(), tcpip_thread);
}

int netcon_lwip_in_driver_callback(void) { return driver_depth > 0; }

/* A timeout armed from another thread (even one holding the core) is not seen by the tcpip thread until it
   wakes for something else — up to its next timer, 250 ms or more away. A message wakes it; it arms the
   timeout itself. */
typedef struct {
    uint32_t milliseconds;
    sys_timeout_handler handler;
    void *arg;
} timeout_request;

static void arm_requested_timeout(void *context) {
    timeout_request *request = context;
    sys_timeout(request->milliseconds, request->handler, request->arg);
    free(request);
}

void netcon_lwip_timeout_from_any_thread(uint32_t milliseconds, sys_timeout_handler handler, void *arg) {
    if (atomic_load(&tcpip_thread_known) && pthread_equal(pthread_self(), tcpip_thread)) {
        sys_timeout(milliseconds, handler, arg);
        return;
    }
    timeout_request *request = malloc(sizeof *request);
    if (request != NULL) {
        *request = (timeout_request){milliseconds, handler, arg};
        if (tcpip_try_callback(arm_requested_timeout, request) == ERR_OK) return;
        free(request);
    }
    sys_timeout(milliseconds, handler, arg); /* the mailbox is full: the tcpip thread is awake anyway */
}

netcon_lwip_limits netcon_lwip_get_limits(void) {
    netcon_lwip_limits limits = {
        .tcp_mss = TCP_MSS,
        .tcp_wnd = TCP_WND,
        .tcp_snd_buf = TCP_SND_BUF,
        .connection_wnd = NETCON_TCP_WND,
        .connection_snd_buf = NETCON_TCP_SND_BUF,
        .tcp_snd_queuelen = TCP_SND_QUEUELEN,
        .tcp_sndlowat = TCP_SNDLOWAT,
        .ipv6_addresses = LWIP_IPV6_NUM_ADDRESSES,
        .arp_table_size = ARP_TABLE_SIZE,
        .nd6_neighbors = LWIP_ND6_NUM_NEIGHBORS,
        .nd6_destinations = LWIP_ND6_NUM_DESTINATIONS,
        .ip_reass_max_pbufs = IP_REASS_MAX_PBUFS,
        .mem_malloc = MEMP_MEM_MALLOC,
    };
    return limits;
}

/* ---- Addresses --------------------------------------------------------------------------------------------- */

void netcon_lwip_ip_make(ip_addr_t *out, int version, const uint8_t *bytes, const struct netif *zone_netif) {
    if (version == 4) {
        ip_addr_set_zero_ip4(out);
        memcpy(&ip_2_ip4(out)->addr, bytes, 4);
    } else {
        ip_addr_set_zero_ip6(out);
        memcpy(ip_2_ip6(out)->addr, bytes, 16);
        if (zone_netif != NULL) ip6_addr_assign_zone(ip_2_ip6(out), IP6_UNICAST, zone_netif);
    }
}

int netcon_lwip_ip_read(const ip_addr_t *in, uint8_t *bytes) {
    if (IP_IS_V6(in)) {
        memcpy(bytes, ip_2_ip6(in)->addr, 16);
        return 6;
    }
    memcpy(bytes, &ip_2_ip4(in)->addr, 4);
    return 4;
}

const ip_addr_t *netcon_lwip_ip_any(int version) {
    switch (version) {
    case 4: return IP4_ADDR_ANY;
    case 6: return IP6_ADDR_ANY;
    default: return IP_ANY_TYPE;
    }
}

/* ---- Ethernet network interfaces ------------------------------------------------------------------------------ */

/* Set in `refs` once the interface takes no more input (before netif_add and after removal). */
#define NETIF_REFS_CLOSED 0x80000000u

struct netcon_lwip_netif {
    struct netif netif; /* first: lwIP calls back with a struct netif *, which is cast back to this */
    /* Under the core lock: */
    void *context;
    netcon_lwip_output_fn output;
    netcon_lwip_multicast_fn multicast;
    int added;
    uint8_t initial_mac[6];
    uint16_t initial_mtu;
    /* Any thread: one reference for the owner, one while added to lwIP, one per frame queued for the tcpip
       thread; NETIF_REFS_CLOSED marks "no more input". Freed when the count reaches zero. */
    _Atomic uint32_t refs;
};
_Static_assert(offsetof(struct netcon_lwip_netif, netif) == 0, "struct netif must come first");

static void netif_unref(netcon_lwip_netif *n) {
    uint32_t old = atomic_fetch_sub(&n->refs, 1);
    if ((old & ~NETIF_REFS_CLOSED) == 1) {
        /* Poisoned, so a netif lwIP still pointed at fails its own assertions at once instead of later. */
        memset(n, 0xdb, sizeof *n);
        free(n);
    }
}

/* netif->linkoutput: one Ethernet frame out. The pbuf chain stays lwIP's; the callback sees one buffer. */
static err_t netcon_linkoutput(struct netif *netif, struct pbuf *p) {
    netcon_lwip_netif *n = (netcon_lwip_netif *)netif;
    if (n->output == NULL || !netif_is_up(netif) || !netif_is_link_up(netif)) return ERR_IF;
    driver_depth++;
    if (p->next == NULL && !netcon_tcp_sack_may_grow(p->payload, p->len)) {
        n->output(n->context, (const uint8_t *)p->payload, p->len);
    } else {
        /* Copied, with room for the options netcon adds to SYNs and ACKs (at most 40 bytes of them). */
        size_t capacity = (size_t)p->tot_len + 40;
        uint8_t small[2048];
        uint8_t *buffer = capacity <= sizeof(small) ? small : malloc(capacity);
        if (buffer == NULL) {
            driver_depth--;
            return ERR_MEM;
        }
        pbuf_copy_partial(p, buffer, p->tot_len, 0);
        size_t length = netcon_tcp_rewrite_outgoing_syn(buffer, p->tot_len, capacity, netif->mtu);
        length = netcon_tcp_sack_outgoing(buffer, length, capacity);
        n->output(n->context, buffer, length);
        if (buffer != small) free(buffer);
    }
    driver_depth--;
    return ERR_OK;
}

static void report_multicast(netcon_lwip_netif *n, const uint8_t *mac, enum netif_mac_filter_action action) {
    if (n->multicast == NULL) return;
    driver_depth++;
    n->multicast(n->context, mac, action == NETIF_ADD_MAC_FILTER);
    driver_depth--;
}

/* netif->igmp_mac_filter: IPv4 group -> 01:00:5e + low 23 bits. */
static err_t netcon_igmp_mac_filter(struct netif *netif, const ip4_addr_t *group,
                                    enum netif_mac_filter_action action) {
    uint8_t ip[4];
    memcpy(ip, &group->addr, 4);
    const uint8_t mac[6] = {0x01, 0x00, 0x5e, (uint8_t)(ip[1] & 0x7f), ip[2], ip[3]};
    report_multicast((netcon_lwip_netif *)netif, mac, action);
    return ERR_OK;
}

/* netif->mld_mac_filter: IPv6 group -> 33:33 + low 32 bits. */
static err_t netcon_mld_mac_filter(struct netif *netif, const ip6_addr_t *group,
                                   enum netif_mac_filter_action action) {
    uint8_t ip[16];
    memcpy(ip, group->addr, 16);
    const uint8_t mac[6] = {0x33, 0x33, ip[12], ip[13], ip[14], ip[15]};
    report_multicast((netcon_lwip_netif *)netif, mac, action);
    return ERR_OK;
}

/* Whether a received frame is for this interface. lwIP 2.1 is a weak host (ip4_input/ip6_input accept a
   packet addressed to ANY netif's address) and Debian builds it with IP_FORWARD and LWIP_IPV6_FORWARD, so
   without this a peer on one ZeroTier network could reach addresses on, or route through us into, another.
   Unicast IP must be for one of this interface's own addresses; broadcast and multicast pass (lwIP checks
   its group memberships); ARP passes (etharp answers only for our address). Runs on the tcpip thread. */
static int frame_is_for_netif(struct netif *netif, const struct pbuf *p) {
    const uint8_t *f = (const uint8_t *)p->payload;
    if (p->len < SIZEOF_ETH_HDR) return 0;
    uint16_t type = (uint16_t)((f[12] << 8) | f[13]);
    if (type == ETHTYPE_IP) {
        if (p->len < SIZEOF_ETH_HDR + 20) return 0;
        ip4_addr_t dest;
        memcpy(&dest.addr, f + SIZEOF_ETH_HDR + 16, 4);
        if (ip4_addr_ismulticast(&dest)) return 1;
        if (ip4_addr_isbroadcast(&dest, netif)) return 1;
        return !ip4_addr_isany_val(*netif_ip4_addr(netif)) && ip4_addr_cmp(&dest, netif_ip4_addr(netif));
    }
    if (type == ETHTYPE_IPV6) {
        if (p->len < SIZEOF_ETH_HDR + 40) return 0;
        ip6_addr_t dest;
        memset(&dest, 0, sizeof dest);
        memcpy(dest.addr, f + SIZEOF_ETH_HDR + 24, 16);
        if (ip6_addr_ismulticast(&dest)) return 1;
        return netif_get_ip6_addr_match(netif, &dest) >= 0;
    }
    return 1; /* ARP, and whatever ethernet_input drops by itself */
}

/* The input_fn the tcpip thread runs for each queued frame: drops frames for a removed or down interface and
   frames not for it, hands the rest to ethernet_input (which always consumes the pbuf), then lets go of the
   reference the queued frame held. */
static err_t netcon_ethernet_input(struct pbuf *p, struct netif *netif) {
    netcon_lwip_netif *n = (netcon_lwip_netif *)netif;
    if (n->added && netif_is_up(netif) && netif_is_link_up(netif) && frame_is_for_netif(netif, p)) {
        tcp_view v;
        int syn = netcon_view_tcp_frame((uint8_t *)p->payload, p->len, &v) && (v.tcp[13] & TCP_SYN);
        int request = syn && (v.tcp[13] & (TCP_ACK | TCP_RST)) == 0;
        if (syn) netcon_tcp_note_incoming_syn(&v);
        if (request) netcon_tcp_time_wait_on_request(&v);
        netcon_tcp_flow_key sack_flow;
        int repair = netcon_tcp_sack_incoming((const uint8_t *)p->payload, p->len, &sack_flow);
        ethernet_input(p, netif);
        if (repair) netcon_tcp_sack_after_incoming(&sack_flow);
        if (request) netcon_tcp_quick_first_syn_ack();
    } else {
        pbuf_free(p);
    }
    netif_unref(n);
    return ERR_OK;
}

/* netif->input, the tcpip_input of this interface: tcpip_input(p, netif) would queue ethernet_input;
   this queues netcon_ethernet_input instead. */
static err_t netcon_netif_input(struct pbuf *p, struct netif *netif) {
    return tcpip_inpkt(p, netif, netcon_ethernet_input);
}

static err_t netcon_netif_init(struct netif *netif) {
    netcon_lwip_netif *n = (netcon_lwip_netif *)netif;
    netif->name[0] = 'z';
    netif->name[1] = 't';
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, n->initial_mac, ETH_HWADDR_LEN);
    netif->mtu = n->initial_mtu;
    netif->mtu6 = n->initial_mtu;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP |
                   NETIF_FLAG_MLD6 | NETIF_FLAG_LINK_UP;
    netif->output = etharp_output;
    netif->output_ip6 = ethip6_output;
    netif->linkoutput = netcon_linkoutput;
    netif->igmp_mac_filter = netcon_igmp_mac_filter;
    netif->mld_mac_filter = netcon_mld_mac_filter;
    return ERR_OK;
}

netcon_lwip_netif *netcon_lwip_netif_new(const uint8_t *mac, uint16_t mtu, void *context,
                                         netcon_lwip_output_fn output, netcon_lwip_multicast_fn multicast) {
    netcon_lwip_netif *n = calloc(1, sizeof *n);
    if (n == NULL) return NULL;
    memcpy(n->initial_mac, mac, 6);
    n->initial_mtu = mtu;
    n->context = context;
    n->output = output;
    n->multicast = multicast;
    atomic_init(&n->refs, NETIF_REFS_CLOSED | 1u);
    return n;
}

static void make_linklocal_preferred(struct netif *netif) {
    netif_create_ip6_linklocal_address(netif, 1);
    netif_ip6_addr_set_state(netif, 0, IP6_ADDR_PREFERRED);
}

err_t netcon_lwip_netif_add(netcon_lwip_netif *n) {
    if (n->added) return ERR_OK;
    if (netif_add(&n->netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, n, netcon_netif_init,
                  netcon_netif_input) == NULL) {
        return ERR_IF;
    }
    n->added = 1;
    /* IGMP's all-hosts group went through the hook inside netif_add (igmp_start); MLD's all-nodes group is
       always accepted by lwIP but never announced to the hook, so announce it here (as ethernetif.c does). */
    ip6_addr_t all_nodes;
    ip6_addr_set_allnodes_linklocal(&all_nodes);
    netcon_mld_mac_filter(&n->netif, &all_nodes, NETIF_ADD_MAC_FILTER);
    make_linklocal_preferred(&n->netif);
    /* The membership reference, and input opens. */
    atomic_fetch_add(&n->refs, 1);
    atomic_fetch_and(&n->refs, ~NETIF_REFS_CLOSED);
    return ERR_OK;
}

/* tcpip_callback target: the membership reference goes once every message queued before removal has run. */
static void release_membership(void *ctx) { netif_unref((netcon_lwip_netif *)ctx); }

/* sys_timeout target (tcpip thread, core held) for when the mailbox was full at removal. */
static void retry_release_membership(void *ctx) {
    if (tcpip_try_callback(release_membership, ctx) != ERR_OK) sys_timeout(100, retry_release_membership, ctx);
}

void netcon_lwip_netif_remove(netcon_lwip_netif *n) {
    if (!n->added) return;
    /* The groups go with the netif; the owner does not need a report for each. */
    n->multicast = NULL;
    /* Aborts the TCP connections on its addresses (their RSTs still go out through `output`) and takes it
       down and out of netif_list. */
    netif_remove(&n->netif);
    n->output = NULL;
    n->added = 0;
    /* netif_remove cleans ARP and ND only through netif_set_down, and only when the netif was up — and the
       RSTs it just sent may have created neighbor entries after that. Entries that still name this netif
       would be used by the ARP/ND timers after it is freed, so drop them all. */
    etharp_cleanup_netif(&n->netif);
    nd6_cleanup_netif(&n->netif);
    /* Packets looped back to our own address wait here for a netif_poll already posted to the mailbox. */
    SYS_ARCH_DECL_PROTECT(lev);
    SYS_ARCH_PROTECT(lev);
    struct pbuf *looped = n->netif.loop_first;
    n->netif.loop_first = NULL;
    n->netif.loop_last = NULL;
    SYS_ARCH_UNPROTECT(lev);
    if (looped != NULL) pbuf_free(looped);
    atomic_fetch_or(&n->refs, NETIF_REFS_CLOSED);
    /* Frames already queued (tcpip_inpkt) and a posted netif_poll still point at the netif: the membership
       reference goes through the same FIFO mailbox, behind them. Never a blocking post: the caller holds the
       core, which the tcpip thread needs to drain the mailbox. */
    if (tcpip_try_callback(release_membership, n) != ERR_OK) sys_timeout(100, retry_release_membership, n);
}

static void remove_from_timer(void *ctx) { netcon_lwip_netif_remove((netcon_lwip_netif *)ctx); }

void netcon_lwip_netif_remove_soon(netcon_lwip_netif *n) {
    if (!n->added) return;
    n->multicast = NULL;
    n->output = NULL;
    atomic_fetch_or(&n->refs, NETIF_REFS_CLOSED);
    /* The membership reference, still held, keeps the memory until the timer has run. */
    sys_timeout(0, remove_from_timer, n);
}

void netcon_lwip_netif_release(netcon_lwip_netif *n) {
    if (n != NULL) netif_unref(n);
}

err_t netcon_lwip_netif_input(netcon_lwip_netif *n, const uint8_t *frame, size_t length) {
    if (length < SIZEOF_ETH_HDR || length > 0xFFFF) return ERR_VAL;
    uint32_t refs = atomic_load(&n->refs);
    do {
        if (refs & NETIF_REFS_CLOSED) return ERR_CLSD;
    } while (!atomic_compare_exchange_weak(&n->refs, &refs, refs + 1));
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)length, PBUF_RAM);
    if (p == NULL) {
        netif_unref(n);
        return ERR_MEM;
    }
    memcpy(p->payload, frame, length); /* PBUF_RAM: one contiguous buffer */
    err_t err = n->netif.input(p, &n->netif);
    if (err != ERR_OK) {
        pbuf_free(p);
        netif_unref(n);
    }
    return err;
}

err_t netcon_lwip_netif_input_now(netcon_lwip_netif *n, const uint8_t *header, const uint8_t *payload, size_t length) {
    if (length + SIZEOF_ETH_HDR > 0xFFFF) return ERR_VAL;
    uint32_t refs = atomic_load(&n->refs);
    do {
        if (refs & NETIF_REFS_CLOSED) return ERR_CLSD;
    } while (!atomic_compare_exchange_weak(&n->refs, &refs, refs + 1));
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(length + SIZEOF_ETH_HDR), PBUF_RAM);
    if (p == NULL) {
        netif_unref(n);
        return ERR_MEM;
    }
    memcpy(p->payload, header, SIZEOF_ETH_HDR); /* PBUF_RAM: one contiguous buffer */
    memcpy((uint8_t *)p->payload + SIZEOF_ETH_HDR, payload, length);
    direct_input_depth++;
    netcon_ethernet_input(p, &n->netif); /* consumes the pbuf and the reference */
    direct_input_depth--;
    return ERR_OK;
}

struct netif *netcon_lwip_netif_raw(netcon_lwip_netif *n) { return &n->netif; }

uint8_t netcon_lwip_netif_index(netcon_lwip_netif *n) { return netif_get_index(&n->netif); }

void netcon_lwip_netif_set_up(netcon_lwip_netif *n, int up) {
    if (up) netif_set_up(&n->netif);
    else netif_set_down(&n->netif);
}

void netcon_lwip_netif_set_link_up(netcon_lwip_netif *n, int up) {
    if (up) netif_set_link_up(&n->netif);
    else netif_set_link_down(&n->netif);
}

int netcon_lwip_netif_is_up(netcon_lwip_netif *n) { return netif_is_up(&n->netif); }

int netcon_lwip_netif_is_link_up(netcon_lwip_netif *n) { return netif_is_link_up(&n->netif); }

void netcon_lwip_netif_set_default(netcon_lwip_netif *n, int is_default) {
    if (is_default) netif_set_default(&n->netif);
    else if (netif_default == &n->netif) netif_set_default(NULL);
}

int netcon_lwip_netif_is_default(netcon_lwip_netif *n) { return netif_default == &n->netif; }

void netcon_lwip_netif_set_mtu(netcon_lwip_netif *n, uint16_t mtu) {
    n->netif.mtu = mtu;
    n->netif.mtu6 = mtu;
}

void netcon_lwip_netif_set_mac(netcon_lwip_netif *n, const uint8_t *mac) {
    memcpy(n->netif.hwaddr, mac, ETH_HWADDR_LEN);
    netif_ip6_addr_set_state(&n->netif, 0, IP6_ADDR_INVALID);
    make_linklocal_preferred(&n->netif);
}

void netcon_lwip_netif_set_ipv4(netcon_lwip_netif *n, const uint8_t *address, const uint8_t *netmask,
                                const uint8_t *gateway) {
    ip4_addr_t a, m, g;
    memcpy(&a.addr, address, 4);
    memcpy(&m.addr, netmask, 4);
    memcpy(&g.addr, gateway, 4);
    netif_set_addr(&n->netif, &a, &m, &g);
}

err_t netcon_lwip_netif_add_ipv6(netcon_lwip_netif *n, const uint8_t *address) {
    ip_addr_t a;
    netcon_lwip_ip_make(&a, 6, address, &n->netif);
    if (netif_get_ip6_addr_match(&n->netif, ip_2_ip6(&a)) >= 0) return ERR_OK;
    s8_t index = -1;
    err_t err = netif_add_ip6_address(&n->netif, ip_2_ip6(&a), &index);
    if (err != ERR_OK) return err;
    netif_ip6_addr_set_state(&n->netif, index, IP6_ADDR_PREFERRED);
    return ERR_OK;
}

err_t netcon_lwip_netif_remove_ipv6(netcon_lwip_netif *n, const uint8_t *address) {
    ip_addr_t a;
    netcon_lwip_ip_make(&a, 6, address, &n->netif);
    s8_t index = netif_get_ip6_addr_match(&n->netif, ip_2_ip6(&a));
    if (index < 0) return ERR_VAL;
    netif_ip6_addr_set_state(&n->netif, index, IP6_ADDR_INVALID);
    ip_addr_set_zero_ip6(&n->netif.ip6_addr[index]);
    return ERR_OK;
}

int netcon_lwip_netif_ipv6_addresses(netcon_lwip_netif *n, uint8_t *out, int capacity) {
    int count = 0;
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
        if (!ip6_addr_isvalid(netif_ip6_addr_state(&n->netif, i))) continue;
        if (count < capacity) memcpy(out + 16 * count, netif_ip6_addr(&n->netif, i)->addr, 16);
        count++;
    }
    return count;
}

/* ---- TCP ------------------------------------------------------------------------------------------------------- */

uint32_t netcon_lwip_tcp_sndbuf(const struct tcp_pcb *pcb) { return tcp_sndbuf(pcb); }

uint32_t netcon_lwip_tcp_sndqueue_free(const struct tcp_pcb *pcb) {
    uint32_t queued = tcp_sndqueuelen(pcb);
    return queued >= TCP_SND_QUEUELEN ? 0 : TCP_SND_QUEUELEN - queued;
}

void netcon_lwip_tcp_set_keepalive(struct tcp_pcb *pcb, int keepalive) {
    if (keepalive) ip_set_option(pcb, SOF_KEEPALIVE); else ip_reset_option(pcb, SOF_KEEPALIVE);
}

void netcon_lwip_tcp_set_nodelay(struct tcp_pcb *pcb, int nodelay) {
    if (nodelay) tcp_nagle_disable(pcb);
    else tcp_nagle_enable(pcb);
}

void netcon_lwip_tcp_set_reuseaddr(struct tcp_pcb *pcb) { ip_set_option(pcb, SOF_REUSEADDR); }

void netcon_lwip_tcp_endpoints(const struct tcp_pcb *pcb, ip_addr_t *local, uint16_t *local_port,
                               ip_addr_t *remote, uint16_t *remote_port) {
    ip_addr_copy(*local, pcb->local_ip);
    *local_port = pcb->local_port;
    ip_addr_copy(*remote, pcb->remote_ip);
    *remote_port = pcb->remote_port;
}

/* ---- Receive-callback context and raw ICMP ------------------------------------------------------------------ */

uint16_t netcon_lwip_current_ip_header_length(void) { return ip_current_header_tot_len(); }

void netcon_lwip_current_destination(ip_addr_t *out) { ip_addr_copy(*out, *ip_current_dest_addr()); }

err_t netcon_lwip_udp_sendto_from(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *destination, uint16_t port,
                                  const ip_addr_t *source) {
    struct netif *netif = ip_route(source, destination);
    if (netif == NULL) return ERR_RTE;
    return udp_sendto_if_src(pcb, p, destination, port, netif, source);
}

void netcon_lwip_raw_set_ipv6_checksum(struct raw_pcb *pcb, uint16_t offset) {
    pcb->chksum_reqd = 1;
    pcb->chksum_offset = offset;
}
