#ifndef NETCON_CLWIP_H
#define NETCON_CLWIP_H

/* Debian's liblwip is built with NO_SYS=0 and LWIP_TCPIP_CORE_LOCKING=1 against
   /usr/include/lwip/lwipopts.h. Everything here is compiled against that same lwipopts.h so
   struct layouts agree with the shared library. The lwIP macros that Swift cannot see
   (LOCK_TCPIP_CORE and friends) are wrapped once, here. */
#include <lwip/opt.h>
#include <lwip/init.h>
#include <lwip/tcpip.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/tcp.h>
#include <lwip/udp.h>
#include <lwip/raw.h>
#include <lwip/ip_addr.h>
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/mld6.h>
#include <lwip/igmp.h>
#include <lwip/icmp.h>
#include <lwip/nd6.h>
#include <lwip/timeouts.h>
#include <netif/ethernet.h>
#include <stddef.h>
#include <stdint.h>

/* Starts lwIP's tcpip thread and returns once it is running (tcpip_init's callback has fired). */
void netcon_lwip_start(void);

/* Acquire/release the lwIP core lock (LOCK_TCPIP_CORE / UNLOCK_TCPIP_CORE are macros). */
void netcon_lwip_lock(void);
void netcon_lwip_unlock(void);

/* The library's version string, e.g. "2.1.3", for status and diagnostics. */
const char *netcon_lwip_version(void);

/* The build-time limits of the lwipopts.h in force (macros, some computed), for Stack.limits and the
   daemon's documentation of what a joined network can do. */
typedef struct {
    uint32_t tcp_mss;              /* TCP_MSS: largest segment sent or advertised, whatever the MTU */
    uint32_t tcp_wnd;              /* TCP_WND: receive window per connection */
    uint32_t tcp_snd_buf;          /* TCP_SND_BUF: send buffer per connection */
    uint32_t tcp_snd_queuelen;     /* TCP_SND_QUEUELEN: pbufs queued for sending per connection */
    uint32_t tcp_sndlowat;         /* TCP_SNDLOWAT: free send buffer at which a writer is woken */
    uint32_t connection_wnd;       /* NETCON_TCP_WND: the receive window netcon gives an established connection */
    uint32_t connection_snd_buf;   /* NETCON_TCP_SND_BUF: its send buffer */
    uint32_t ipv6_addresses;       /* LWIP_IPV6_NUM_ADDRESSES per netif (slot 0: link-local) */
    uint32_t arp_table_size;       /* ARP_TABLE_SIZE: IPv4 neighbors, shared by all netifs */
    uint32_t nd6_neighbors;        /* LWIP_ND6_NUM_NEIGHBORS: IPv6 neighbors, shared by all netifs */
    uint32_t nd6_destinations;     /* LWIP_ND6_NUM_DESTINATIONS: IPv6 destination cache, shared */
    uint32_t ip_reass_max_pbufs;   /* IP_REASS_MAX_PBUFS: fragments held for reassembly, shared */
    uint32_t mem_malloc;           /* MEMP_MEM_MALLOC: pools come from malloc (no MEMP_NUM_* caps) */
} netcon_lwip_limits;
netcon_lwip_limits netcon_lwip_get_limits(void);

/* The protocol control blocks lwIP holds now, by list. Call with the core lock held. */
typedef struct {
    uint32_t tcp_active;      /* connecting, established or closing */
    uint32_t tcp_listening;
    uint32_t tcp_bound;       /* bound, neither listening nor connected */
    uint32_t tcp_time_wait;
    uint32_t udp;
} netcon_lwip_pcb_counts;
netcon_lwip_pcb_counts netcon_lwip_count_pcbs(void);

/* ---- Threading guards ---------------------------------------------------------------------------------- */

/* Whether the calling thread already holds the core: it is lwIP's tcpip thread (which runs every callback,
   timer and input with the lock held) or it is inside netcon_lwip_lock. Debian's core lock is a plain,
   non-recursive pthread mutex and lwIP does not export who holds it, so Stack.withCoreLock asks here and
   runs inline instead of deadlocking on a second lock. */
int netcon_lwip_core_held(void);

/* Whether the calling thread is lwIP's tcpip thread: there NetStack code only runs inside lwIP's own
   processing (a callback, a timer), where changes that abort other pcbs — removing a netif, changing its
   addresses — could free the pcb lwIP is working on. */
int netcon_lwip_on_tcpip_thread(void);

/* Whether the calling thread is inside a driver callback: a netif's linkoutput or its multicast filter
   hook. lwIP is in the middle of sending there, so nothing may call back into lwIP (not even inline on the
   thread that holds the core); Stack.withCoreLock traps on it. */
int netcon_lwip_in_driver_callback(void);
/* Core held. sys_timeout that takes effect at once from any thread: from another thread than the tcpip one
   the request travels as a message (which wakes it); from the tcpip thread it is sys_timeout. */
void netcon_lwip_timeout_from_any_thread(uint32_t milliseconds, sys_timeout_handler handler, void *arg);

/* ---- Addresses ------------------------------------------------------------------------------------------ */

/* ip_addr_t is a union plus a type tag whose layout depends on lwipopts.h (dual stack, IPv6 scopes); Swift
   only hands over bytes and these two keep the layout knowledge in C. `version` is 4 (4 bytes, network order)
   or 6 (16 bytes). An IPv6 link-local address gets `zone_netif`'s zone (NULL: none). */
void netcon_lwip_ip_make(ip_addr_t *out, int version, const uint8_t *bytes, const struct netif *zone_netif);
/* Copies the address into `bytes` (room for 16) and returns 4 or 6. */
int netcon_lwip_ip_read(const ip_addr_t *in, uint8_t *bytes);

/* The "any address" of one family (version 4 or 6), or of both (version 0, IP_ANY_TYPE) for dual-stack
   binds. IP_ANY_TYPE and IP4_ADDR_ANY are macros. */
const ip_addr_t *netcon_lwip_ip_any(int version);

/* ---- Ethernet network interfaces -------------------------------------------------------------------------- */

/* One netcon interface: an lwIP netif plus the driver side netcon plugs ZeroTier frames into. Opaque to
   Swift; it is reference counted because frames queued for the tcpip thread and lwIP's own loopback poll
   still point at the netif after it was removed (see netcon_lwip_netif_remove). */
typedef struct netcon_lwip_netif netcon_lwip_netif;

/* Called for every Ethernet frame lwIP sends, on the thread that holds the core (usually the tcpip thread).
   The bytes are valid only during the call; they still belong to lwIP. */
typedef void (*netcon_lwip_output_fn)(void *context, const uint8_t *frame, size_t length);

/* Called when lwIP wants (joined != 0) or no longer wants (joined == 0) Ethernet multicast frames for `mac`,
   through lwIP's igmp_mac_filter / mld_mac_filter hooks: the all-hosts/all-nodes groups and the
   solicited-node groups IPv6 neighbor discovery needs. Same thread rules as output. */
typedef void (*netcon_lwip_multicast_fn)(void *context, const uint8_t *mac, int joined);

/* Allocates an interface that is not yet part of lwIP. The caller holds its one owner reference (give it
   back with netcon_lwip_netif_release). `context` is passed to the callbacks until the interface is removed.
   Does not touch lwIP; NULL when out of memory. */
netcon_lwip_netif *netcon_lwip_netif_new(const uint8_t *mac, uint16_t mtu, void *context,
                                         netcon_lwip_output_fn output, netcon_lwip_multicast_fn multicast);

/* Core lock held. netif_add with Ethernet, ARP, IGMP and MLD, a link-local IPv6 address from the MAC (state
   preferred: ZeroTier MACs are unique per network, so duplicate address detection is skipped) and the
   all-nodes group announced through the multicast callback. The interface starts administratively down
   with its link up. Returns ERR_IF if lwIP refused it. */
err_t netcon_lwip_netif_add(netcon_lwip_netif *n);

/* Core lock held. Takes the netif down and out of lwIP (the RSTs of the connections that aborts still go out
   through the output callback), then clears the callbacks (none follows), drops every ARP/ND entry and
   loopback frame naming the netif, and refuses further input. The memory stays until the frames already
   queued for the tcpip thread and a scheduled loopback poll have run past it. */
void netcon_lwip_netif_remove(netcon_lwip_netif *n);

/* On the tcpip thread, inside lwIP's processing (core held): clears the callbacks and refuses input now, and
   leaves netcon_lwip_netif_remove to a zero timeout, after the processing this call is part of. */
void netcon_lwip_netif_remove_soon(netcon_lwip_netif *n);

/* Any thread, no lock: gives back the owner reference from netcon_lwip_netif_new. */
void netcon_lwip_netif_release(netcon_lwip_netif *n);

/* Any thread, core lock NOT held. Copies one Ethernet frame into a new pbuf and hands it to netif->input
   (tcpip_inpkt: queued for the tcpip thread). Returns ERR_OK when queued; ERR_CLSD when the interface is
   not (or no longer) part of lwIP; ERR_MEM when no pbuf or the tcpip mailbox is full (the frame is dropped,
   as a full NIC ring would); ERR_VAL for a frame too short or too long. The pbuf is freed on every error. */
err_t netcon_lwip_netif_input(netcon_lwip_netif *n, const uint8_t *frame, size_t length);
/* Core held: one frame (its 14-byte Ethernet header and its payload) goes through this interface's input
   at once on the calling thread instead of being queued for the tcpip thread, so a batch of frames costs
   one lock and no thread hand-off. While lwIP processes it the caller counts as lwIP's own thread
   (netcon_lwip_on_tcpip_thread). */
err_t netcon_lwip_netif_input_now(netcon_lwip_netif *n, const uint8_t *header, const uint8_t *payload, size_t length);

/* The lwIP netif, for calls the shim does not wrap. Core lock held while using it. */
struct netif *netcon_lwip_netif_raw(netcon_lwip_netif *n);

/* Core lock held. The netif index lwIP uses to bind pcbs (tcp_bind_netif and friends). */
uint8_t netcon_lwip_netif_index(netcon_lwip_netif *n);

/* Core lock held. Interface state, as the netif_set_* functions do it. netif_is_up/netif_is_link_up are
   macros. */
void netcon_lwip_netif_set_up(netcon_lwip_netif *n, int up);
void netcon_lwip_netif_set_link_up(netcon_lwip_netif *n, int up);
int netcon_lwip_netif_is_up(netcon_lwip_netif *n);
int netcon_lwip_netif_is_link_up(netcon_lwip_netif *n);
void netcon_lwip_netif_set_default(netcon_lwip_netif *n, int is_default);
int netcon_lwip_netif_is_default(netcon_lwip_netif *n);
/* Sets netif->mtu and mtu6 (lwIP caps TCP segments at TCP_MSS regardless). */
void netcon_lwip_netif_set_mtu(netcon_lwip_netif *n, uint16_t mtu);
/* Changes the MAC and re-derives the link-local IPv6 address (leaving its old solicited-node group and
   joining the new one). */
void netcon_lwip_netif_set_mac(netcon_lwip_netif *n, const uint8_t *mac);

/* Core lock held. lwIP 2.1 keeps exactly one IPv4 address (with netmask and gateway) per netif; this
   replaces it (netif_set_addr). TCP connections bound to the previous address are aborted by lwIP.
   All-zero address: no IPv4. */
void netcon_lwip_netif_set_ipv4(netcon_lwip_netif *n, const uint8_t *address, const uint8_t *netmask,
                                const uint8_t *gateway);

/* Core lock held. Adds a static IPv6 address in state preferred (netif_add_ip6_address, which also joins its
   solicited-node group). ERR_OK also when it was already there; ERR_VAL when all LWIP_IPV6_NUM_ADDRESSES
   slots are taken. lwIP has no prefix length for addresses: on-link means "same /64 as a static address". */
err_t netcon_lwip_netif_add_ipv6(netcon_lwip_netif *n, const uint8_t *address);
/* Core lock held. Invalidates that address (leaves its group, aborts TCP connections using it). ERR_VAL if
   the interface does not have it. */
err_t netcon_lwip_netif_remove_ipv6(netcon_lwip_netif *n, const uint8_t *address);
/* Core lock held. Copies the valid IPv6 addresses (16 bytes each) into `out` (room for `capacity`) and
   returns how many there are. */
int netcon_lwip_netif_ipv6_addresses(netcon_lwip_netif *n, uint8_t *out, int capacity);

/* ---- TCP -------------------------------------------------------------------------------------------------- */

/* tcp_sndbuf, tcp_sndqueuelen, tcp_nagle_* and tcp_listen are macros. Core lock held. */
uint32_t netcon_lwip_tcp_sndbuf(const struct tcp_pcb *pcb);
/* How many more pbufs lwIP will queue for sending (TCP_SND_QUEUELEN minus what is queued). */
uint32_t netcon_lwip_tcp_sndqueue_free(const struct tcp_pcb *pcb);
void netcon_lwip_tcp_set_nodelay(struct tcp_pcb *pcb, int nodelay);
/* SO_KEEPALIVE: lwIP probes an idle connection (its keepalive timers are compiled in, LWIP_TCP_KEEPALIVE). */
void netcon_lwip_tcp_set_keepalive(struct tcp_pcb *pcb, int keepalive);
/* Sets SOF_REUSEADDR (ip_set_option is a macro): a restarted listener may bind while old connections on
   its port are in TIME_WAIT. */
void netcon_lwip_tcp_set_reuseaddr(struct tcp_pcb *pcb);
/* The pcb's local and remote addresses and ports. */
void netcon_lwip_tcp_endpoints(const struct tcp_pcb *pcb, ip_addr_t *local, uint16_t *local_port,
                               ip_addr_t *remote, uint16_t *remote_port);

/* ---- Checksums ------------------------------------------------------------------------------------------- */

/* Takes the place of liblwip's own for all of lwIP (checksum.c says why and how). */
uint16_t lwip_standard_chksum(const void *dataptr, int len);

/* ---- Initial sequence numbers ---------------------------------------------------------------------------- */

/* RFC 6528 sequence numbers in place of lwIP's predictable counter (tcp_isn.c). */
u32_t tcp_next_iss(struct tcp_pcb *pcb);
/* SipHash-2-4 of `data` under `key` (the hash the sequence numbers use). */
uint64_t netcon_siphash24(const uint8_t key[16], const uint8_t *data, size_t length);

/* ---- TCP segment size and window ----------------------------------------------------------------------- */

/* What netcon lets a connection use beyond lwipopts.h (see tcp_window.c): segments up to the interface MTU
   minus the headers when the peer's SYN allows it, a 1 MiB receive window (window scale 5), 512 KiB of send
   buffer (lwIP's TCP_SND_QUEUELEN pbufs still bound what is queued). */
enum {
    NETCON_TCP_RCV_SCALE = 5,
    NETCON_TCP_WND = 1 << 20,
    NETCON_TCP_SND_BUF = 512 << 10,
};
/* Core held, for each frame lwIP sends (in a buffer of `capacity` bytes): a SYN's MSS option is raised to
   `mtu` minus the headers, its window-scale option says NETCON_TCP_RCV_SCALE, and it offers selective
   acknowledgements (a SYN-ACK only when the peer's SYN did); checksums are updated. Other frames are
   untouched. Returns the frame's new length. */
size_t netcon_tcp_rewrite_outgoing_syn(uint8_t *frame, size_t length, size_t capacity, uint16_t mtu);
/* tcp_local_port.c (core held): binds a new pcb, before tcp_connect, to a local port no pcb uses towards the same
   remote endpoint (nor any listener or bound pcb), so a node's connections are bounded per destination as a
   kernel's are, not to lwIP's 16,384 ephemeral ports in all. ERR_BUF when all 32,768 are taken there. */
err_t netcon_tcp_bind_local_port(struct tcp_pcb *pcb, const ip_addr_t *remote, uint16_t remote_port);
/* tcp_time_wait.c: at most `limit` pcbs stay in TIME-WAIT (4096 unless set), the oldest go first (core held). */
void netcon_tcp_limit_time_wait(void);
void netcon_tcp_set_time_wait_limit(uint32_t limit);
/* tcp_window.c: after a SYN went into lwIP, a listener's new connection (SYN-RECEIVED) retransmits its SYN-ACK
   after 1 s instead of lwIP's 3 s, as a connecting one does its SYN. */
void netcon_tcp_quick_first_syn_ack(void);
/* Core held, once a connection is established (accept or connected callback, before lwIP sends anything
   but SYNs): takes on the peer's segment size, the wider window and the larger send buffer. Returns 1 when
   the peer's SYN offered selective acknowledgements (and ours did, see netcon_tcp_rewrite_outgoing_syn). */
int netcon_lwip_tcp_widen(struct tcp_pcb *pcb);
/* The receive windows of a node's connections share one budget: what all their peers may send at once
   (the sum of the windows they are offered) fits the underlay socket's receive buffer, so many streams into
   one node slow each other down instead of overflowing it. Each connection that received lately is offered
   an equal share (at least four segments, at most NETCON_TCP_WND); what it consumed beyond its share is
   withheld and given back once its share grows again. Nothing already announced is taken back. */
typedef struct {
    uint32_t withheld; /* consumed bytes not yet returned to rcv_wnd */
    uint32_t epoch;    /* the share epoch in which the connection last received */
} netcon_tcp_window_share;
/* Core held: the budget in bytes, at most (the node sets it from its socket's receive buffer). */
void netcon_tcp_set_receive_budget(uint32_t bytes);
uint32_t netcon_tcp_receive_budget(void);
/* tcp_recved up to the widened window and the connection's share of the budget. */
void netcon_lwip_tcp_recved(struct tcp_pcb *pcb, netcon_tcp_window_share *share, uint32_t length);
/* Core held, right before tcp_close: lwIP sends RST instead of FIN unless rcv_wnd is back at TCP_WND (its
   sign that the application read everything), so a widened window that is fully open, counting what the
   share withholds, is given back. */
void netcon_lwip_tcp_narrow_for_close(struct tcp_pcb *pcb, netcon_tcp_window_share *share);
/* Core held, right after tcp_connect: lwIP resends a SYN after 3 s (the initial timeout of RFC 1122); the
   first resend comes after 1 s instead (RFC 6298's), so one lost SYN or SYN-ACK costs a second, not three. */
void netcon_lwip_tcp_quick_first_syn(struct tcp_pcb *pcb);
/* Core held, on the recovery tick while connecting: once the first SYN went again, later ones keep lwIP's
   3 s (and its limit of retries, so a connection to nowhere still takes as long to fail). Returns 1 while
   there is something left to watch. */
int netcon_lwip_tcp_syn_tick(struct tcp_pcb *pcb);
/* Core held: whether bytes (not just a FIN) are queued or unacknowledged. lwIP frees a closed pcb only after
   they are acknowledged (its sent callback runs first) or through its err callback. */
int netcon_lwip_tcp_has_data_in_flight(const struct tcp_pcb *pcb);

/* ---- Selective acknowledgements (tcp_sack.c) ----------------------------------------------------------- */

/* A connection's addresses as the link layer matches frames to it (ports in host order). */
typedef struct {
    uint8_t version;
    uint8_t local[16], remote[16];
    uint16_t local_port, remote_port;
} netcon_tcp_flow_key;

/* lwIP 2.1 has no SACK (RFC 2018). netcon adds it at the link layer: SYNs offer it, the receiving side adds
   SACK blocks (and D-SACK, RFC 2883) built from lwIP's out-of-order queue to the ACKs it sends, and the
   sending side reads the peer's blocks before lwIP sees the ACK, then resends every hole they show (RFC 6675,
   simplified) and undoes a window reduction that D-SACK proves needless (reordering, RFC 3708). */

/* Core held, for each frame lwIP sends, in a buffer of `capacity` bytes: adds SACK blocks to a pure ACK of
   a connection that uses them. Returns the frame's new length. */
size_t netcon_tcp_sack_outgoing(uint8_t *frame, size_t length, size_t capacity);
/* Core held, for each frame lwIP sends (the one parse of a frame that goes out as it is): whether
   netcon_tcp_rewrite_outgoing_syn or netcon_tcp_sack_outgoing may want room to grow it (a SYN, or a pure
   ACK of a SACK connection with something to report). */
int netcon_tcp_sack_may_grow(const uint8_t *frame, size_t length);
/* Core held, for each frame received, before lwIP: notes SACK blocks, duplicates and out-of-order data.
   Returns 1 (filling `key`) when the connection should act once lwIP has processed the frame. */
int netcon_tcp_sack_incoming(const uint8_t *frame, size_t length, netcon_tcp_flow_key *key);
/* Core held, after lwIP processed such a frame: resends what the peer's blocks show lost. */
void netcon_tcp_sack_after_incoming(const netcon_tcp_flow_key *key);
/* Core held: lwIP's window counts from the first unacknowledged byte, so data the peer holds above a hole
   (SACKed, off the path) would block new data as if in flight. While the peer SACKs, cwnd is widened by
   what it holds (RFC 6675's pipe); deflate before lwIP or netcon's congestion control reads or changes cwnd,
   inflate after. */
struct netcon_tcp_recovery;
void netcon_tcp_recovery_deflate(struct netcon_tcp_recovery *r, struct tcp_pcb *pcb);
void netcon_tcp_recovery_inflate(struct netcon_tcp_recovery *r, struct tcp_pcb *pcb);

/* ---- Acknowledgements a batch makes redundant (tcp_ack_thinning.c) -------------------------------------- */

typedef struct {
    uint8_t addresses[32];  /* source, destination (IPv4 in the first 4 bytes of each half) */
    uint8_t ports[4];       /* source, destination, as on the wire */
    uint8_t version;        /* 4 or 6; 0: not a pure acknowledgement */
    uint32_t ack;
} netcon_tcp_ack;
/* 1, filling `ack`, when the IP packet is a TCP segment that only acknowledges (ACK flag alone, no data). */
int netcon_tcp_pure_ack(uint16_t ether_type, const uint8_t *ip, size_t ip_length, netcon_tcp_ack *ack);
/* For frames about to be sent in this order (`acks[i].version` 0 for any that is not a pure acknowledgement):
   sets superseded[i] where a later pure acknowledgement of the same connection acknowledges more. Returns
   how many. */
size_t netcon_tcp_thin_acks(const netcon_tcp_ack *acks, size_t count, uint8_t *superseded);

/* ---- TCP loss recovery ------------------------------------------------------------------------------ */

/* lwIP 2.1 measures round trips and times retransmissions in ticks of its 500 ms slow timer, backs off by
   doubling up to 128x, sends no SACK and leaves fast recovery on the first partial ACK: on a path that loses
   datagrams, every window with two losses waits for a timeout of half a second or more, and a few in a row
   stall the stream for minutes. This state, one per connection, times retransmissions in microseconds from
   round trips measured by netcon instead (RFC 6298, 5 ms floor), driven by a tick of a few milliseconds
   while data is in flight. With SACK (tcp_sack.c) it resends every hole the peer's blocks show, once as
   much data as the path reorders is SACKed above it or it waited a reordering time (RFC 6675, RFC 8985's
   idea), resends a lost resend after a round trip, and reverses a halving D-SACK shows needless, learning
   the path's reordering (RFC 3708). Its first timeout is a probe that keeps the window (RFC 8985's tail loss
   probe); when the probe's ACK shows that what was sent before it is missing too, all of it goes again at
   half the window. Timeouts back off to 200 ms at most. Without SACK, the first timeout and lwIP's fast
   retransmit start a loss episode whose further holes are resent on each partial ACK (NewReno, RFC 6582).
   lwIP's own timer keeps running as the backstop that ends a dead connection. */
enum { NETCON_SACK_SCOREBOARD = 8, NETCON_SACK_EPISODES = 8 };

/* One loss episode's resends: if D-SACK shows each of them needless, its window reduction is reversed. */
typedef struct {
    uint32_t from, to;
    uint16_t retransmits, dsacks;
    uint8_t open;
} netcon_tcp_episode;

typedef struct netcon_tcp_recovery {
    uint32_t srtt_us;          /* smoothed round trip, 0 before the first sample */
    uint32_t rttvar_us;
    uint32_t timed_seq;        /* the sample ends when lastack reaches this */
    uint32_t timed_at_us;
    uint32_t last_ack;         /* lastack when progress was last seen */
    uint32_t last_progress_us;
    uint32_t seen_ssthresh;    /* a change means lwIP retransmitted by itself */
    uint32_t acked_to;         /* lastack at the previous ACK of new data */
    uint32_t recover;          /* NewReno: the end of the window being repaired */
    uint8_t timing;
    uint8_t recovering;
    uint8_t backoff;
    /* Selective acknowledgements (tcp_sack.c), when both SYNs offered them. */
    uint8_t sack;                       /* registered under `key` */
    uint8_t sacked_count;
    uint8_t dsack_pending;              /* receiving: a duplicate to report in the next ACK */
    uint8_t episode_next;
    uint16_t reordering;                /* sending: segments of SACKed data above a hole before it counts lost */
    uint16_t hole_distance;             /* sending: how far beyond the hole the SACKs reached when it was resent */
    netcon_tcp_flow_key key;
    struct netcon_tcp_recovery *next_in_bucket;
    struct tcp_pcb *pcb;
    uint32_t sacked_start[NETCON_SACK_SCOREBOARD], sacked_end[NETCON_SACK_SCOREBOARD];  /* sending: what the peer has above lastack */
    uint32_t retransmitted_to;          /* sending: the end of what this episode retransmitted */
    netcon_tcp_episode episodes[NETCON_SACK_EPISODES]; /* sending: the latest loss episodes, for D-SACK */
    uint32_t dsack_start, dsack_end;    /* receiving */
    uint32_t latest_out_of_order;       /* receiving: reported first (RFC 2018) */
    uint32_t reorder_wait_us;           /* sending: how long SACKed data above a hole may wait for it */
    uint32_t last_resend_wait_us;       /* sending: progress-free time at the last resend of resent holes */
    uint32_t inflation;                 /* sending: what cwnd holds beyond lwIP's own value (SACKed bytes) */
    uint32_t min_rtt_us;                /* the smallest round trip seen, 0 before the first */
    uint32_t probe_end;                 /* sending: the end of the first timeout's resend, while `probing` */
    uint8_t probing;
    uint8_t tail_suspect;               /* sending: the probe was answered, data before it was not */
    netcon_tcp_window_share window_share; /* receiving: its window's part of the node's budget */
} netcon_tcp_recovery;

/* A monotonic clock in microseconds (wraps every 71 minutes; only differences are used). */
uint32_t netcon_monotonic_us(void);
/* Core held. Starts the state of an established connection; with `sack_permitted` (both SYNs offered
   SACK, see netcon_lwip_tcp_widen) the connection sends and uses selective acknowledgements. */
void netcon_tcp_recovery_start(netcon_tcp_recovery *r, struct tcp_pcb *pcb, int sack_permitted);
/* Core held, when lwIP frees the pcb or the connection lets go of it: no frame is matched to it any more. */
void netcon_tcp_recovery_stop(netcon_tcp_recovery *r);
/* Core held, after tcp_output: times a round trip if that call sent something (snd_nxt moved). */
void netcon_tcp_recovery_sent(netcon_tcp_recovery *r, const struct tcp_pcb *pcb, uint32_t snd_nxt_before);
/* Core held, from the pcb's sent callback (new data acknowledged): round-trip samples. */
void netcon_tcp_recovery_acked(netcon_tcp_recovery *r, struct tcp_pcb *pcb);
/* Core held, from the pcb's recv callback with the bytes delivered: what filled a hole is acknowledged now.
   Returns 1 when lwIP holds the ACK back (for the tick to send). */
int netcon_tcp_recovery_received(struct tcp_pcb *pcb, uint16_t length);
/* Core held, every few milliseconds while it returns 1 (data in flight or queued): a delayed ACK goes out,
   and a retransmission timeout on netcon's clock retransmits. */
int netcon_tcp_recovery_tick(netcon_tcp_recovery *r, struct tcp_pcb *pcb);

/* ---- Receive-callback context ------------------------------------------------------------------------ */

/* How many bytes of IP header (with extension headers) precede the transport header of the packet
   being received; only meaningful inside a raw/udp recv callback (ip_current_header_tot_len is a macro
   over lwIP's ip_data). */
uint16_t netcon_lwip_current_ip_header_length(void);
/* The destination address of the packet being received (ip_current_dest_addr, a macro over ip_data, which
   Swift 6 refuses to read as unsynchronized global state). */
void netcon_lwip_current_destination(ip_addr_t *out);
/* udp_sendto from a chosen source address (one of the stack's own), through the interface routed to. */
err_t netcon_lwip_udp_sendto_from(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *destination, uint16_t port,
                                  const ip_addr_t *source);

/* ---- Raw ICMP ---------------------------------------------------------------------------------------- */

/* Core lock held. Asks lwIP to fill in the ICMPv6 checksum (over the IPv6 pseudo header it only knows when
   sending) at `offset` of each packet sent on this raw pcb; the fields have no setter in lwIP 2.1. */
void netcon_lwip_raw_set_ipv6_checksum(struct raw_pcb *pcb, uint16_t offset);

#endif
