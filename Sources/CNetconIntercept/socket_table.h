#ifndef NETCON_PRELOAD_SOCKET_TABLE_H
#define NETCON_PRELOAD_SOCKET_TABLE_H
/*
 * What the library knows about each socket, keyed by the socket's inode (fstat st_ino). Descriptor numbers
 * are never trusted: the program may close, dup or pass them at any time, but an inode names one socket
 * for as long as any descriptor refers to it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netcon_rpc.h"

/* Options remembered so getsockopt answers what the program set (the node's sockets have no such knobs). */
enum {
    NETCON_OPTION_NODELAY = 1 << 0,
    NETCON_OPTION_KEEPALIVE = 1 << 1,
    NETCON_OPTION_REUSEADDR = 1 << 2,
    NETCON_OPTION_REUSEPORT = 1 << 3,
    NETCON_OPTION_BROADCAST = 1 << 4,
    NETCON_OPTION_V6ONLY = 1 << 5,
    NETCON_OPTION_LINGER_ABORT = 1 << 6,
    NETCON_OPTION_PKTINFO = 1 << 7,      /* IP_PKTINFO: received datagrams carry where they were sent */
    NETCON_OPTION_RECVPKTINFO6 = 1 << 8, /* IPV6_RECVPKTINFO, the same for an IPv6 socket */
};

struct netcon_socket {
    uint64_t inode;      /* never 0 */
    uint64_t generation; /* set by the table on insert: entries newer than a sweep's scan survive it */
    uint16_t kind;       /* NETCON_RPC_KIND_*; NONE: a kernel socket (not virtual) */
    uint16_t domain;     /* virtual: the program's AF_INET/AF_INET6; kernel: its SO_DOMAIN */
    uint16_t type;       /* kernel sockets: SO_TYPE */
    uint16_t protocol;   /* kernel sockets: SO_PROTOCOL */
    bool connecting;     /* TCP connection: EINPROGRESS returned, outcome not yet asked */
    bool connected;      /* TCP: established; UDP: UDP_CONNECT done */
    bool pending_bind;   /* kernel stream socket: bind() recorded in `local`, not made */
    bool reserved_port;  /* with pending_bind: the kernel socket is really bound to `local.port` to reserve it */
    int32_t pending_error; /* TCP: the connection's failure, reported once by SO_ERROR */
    uint32_t options;      /* NETCON_OPTION_* */
    netcon_rpc_address local;
    netcon_rpc_address remote;
};

/* An open-addressing hash table (linear probing, backward-shift deletion) behind one mutex. */
struct netcon_socket_table {
    pthread_mutex_t lock;
    struct netcon_socket *slots;
    size_t capacity; /* 0 or a power of two */
    size_t count;
    uint64_t generation;
};

#define NETCON_SOCKET_TABLE_INITIALIZER {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0}

/* Copies the entry for inode into *out; false when unknown. */
bool netcon_table_get(struct netcon_socket_table *table, uint64_t inode, struct netcon_socket *out);
/* Inserts or replaces (by inode). Returns the generation given to the entry, or 0 when out of memory. */
uint64_t netcon_table_put(struct netcon_socket_table *table, const struct netcon_socket *entry);
void netcon_table_forget(struct netcon_socket_table *table, uint64_t inode);
size_t netcon_table_count(struct netcon_socket_table *table);
uint64_t netcon_table_generation(struct netcon_socket_table *table);
/* Drops the entries whose inode is not in live (sorted ascending): sockets the process no longer has. Entries
   put after the scan that produced live (generation > scanned_at) are kept. */
void netcon_table_retain(struct netcon_socket_table *table, const uint64_t *live, size_t live_count,
                         uint64_t scanned_at);

#endif
