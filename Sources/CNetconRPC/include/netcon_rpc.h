#ifndef NETCON_RPC_H
#define NETCON_RPC_H
/*
 * The RPC between the intercept library (LD_PRELOAD, C) and the node (Swift). Both sides compile this one
 * header, so the message layout has a single definition.
 *
 * Transport: the node listens on an AF_UNIX SOCK_SEQPACKET socket (owner-only; its path is in the
 * environment variable NETCON_RPC_SOCKET). The library opens one connection per call, sends one
 * netcon_rpc_request, receives one netcon_rpc_reply (with at most one descriptor attached by SCM_RIGHTS)
 * and closes the connection. No state lives in the connection, so fork, threads and exec need no care.
 *
 * Virtual sockets are ordinary AF_UNIX descriptors the node hands over; the library identifies them by the
 * inode of that descriptor (fstat st_ino), never by the fd number:
 *   TCP connection: SOCK_STREAM socketpair end; bytes are the TCP stream, nothing else travels on it.
 *   TCP listener:   SOCK_SEQPACKET socketpair end; each accepted connection arrives as one message holding a
 *                   netcon_rpc_accepted and the connection's descriptor (SCM_RIGHTS).
 *   UDP socket:     SOCK_SEQPACKET socketpair end (one message per datagram; SEQPACKET rather than DGRAM
 *                   because the node must see the program close it); unconnected, each datagram is netcon_rpc_datagram_header +
 *                   payload (the destination when sent, the source when received); connected (UDP_CONNECT),
 *                   datagrams are bare payload to and from the connected peer only.
 * The node keeps its end; the virtual socket lives until every copy of the program's end is closed.
 */
#include <stdint.h>

#define NETCON_RPC_SOCKET_ENV "NETCON_RPC_SOCKET"
/* "1": destinations outside the virtual networks fail (ENETUNREACH) instead of using the host's stack. */
#define NETCON_RPC_ISOLATE_ENV "NETCON_ISOLATE"
/* "1": wildcard TCP listeners also accept connections from the host's network. */
#define NETCON_RPC_LISTEN_HOST_ENV "NETCON_LISTEN_HOST"
/* The number of an inherited descriptor: the exec session's own way to the node, which keeps working after the
   program changes uid (the RPC socket checks the caller's uid). Each request is one SEQPACKET message on it
   carrying, as SCM_RIGHTS, the socket the reply (and its descriptor) must come back on. */
#define NETCON_RPC_SESSION_ENV "NETCON_SESSION_FD"

#define NETCON_RPC_MAGIC 0x4e435231u /* "NCR1" */
#define NETCON_RPC_MAX_ROUTES 32

/* An IP endpoint. family is AF_INET, AF_INET6, or 0 for "none / any address". port in host byte order.
   IPv4 uses bytes[0..3]. The node never sees v4-mapped IPv6 addresses: the library unmaps them. */
typedef struct {
    uint16_t family;
    uint16_t port;
    uint32_t scope_id;
    uint8_t bytes[16];
} netcon_rpc_address;

/* What a route names (netcon_rpc_route.kind). */
enum {
    NETCON_RPC_ROUTE_PREFIX = 0,   /* a destination prefix the virtual networks serve */
    NETCON_RPC_ROUTE_OWN = 1,      /* one of the node's own virtual addresses (prefix_length 32 or 128) */
    NETCON_RPC_ROUTE_RESOLVER = 2, /* a host name server (exact address): its port 53 is the node's resolver */
};

typedef struct {
    netcon_rpc_address network;
    uint8_t prefix_length;
    uint8_t kind;
    uint8_t reserved[2];
} netcon_rpc_route;

enum {
    /* reply: routes[0..route_count) */
    NETCON_RPC_OP_ROUTES = 1,
    /* request: address = remote, domain, flags NONBLOCK/NODELAY/KEEPALIVE.
       reply: a TCP connection descriptor, inode, local, remote. With NONBLOCK the reply comes at once with
       NETCON_RPC_REPLY_CONNECTING set (the library returns EINPROGRESS; DESCRIBE tells the outcome); without
       it, once the connection is established or has failed (error ECONNREFUSED, ETIMEDOUT, ENETUNREACH...). */
    NETCON_RPC_OP_TCP_CONNECT = 2,
    /* request: address = local (family 0: any address, both families unless V6ONLY/AF_INET domain),
       address.port (0: ephemeral), backlog, domain, flags LISTEN_HOST/V6ONLY.
       reply: a TCP listener descriptor, inode, local (with the port chosen). error EADDRINUSE, EADDRNOTAVAIL. */
    NETCON_RPC_OP_TCP_LISTEN = 3,
    /* request: address = local (family 0: any), port (0: ephemeral), domain, flags V6ONLY.
       reply: a UDP descriptor, inode, local. */
    NETCON_RPC_OP_UDP_BIND = 4,
    /* request: inode of a UDP socket, address = remote (family 0: disconnect). reply: error, local, remote. */
    NETCON_RPC_OP_UDP_CONNECT = 5,
    /* request: inode. reply: kind, domain, local, remote, flags, error (the connection's error for SO_ERROR;
       for a TCP connection still connecting the reply waits until it is established or has failed).
       error ENOENT: not a virtual socket. */
    NETCON_RPC_OP_DESCRIBE = 6,
    /* request: inode, option, value. */
    NETCON_RPC_OP_SETSOCKOPT = 7,
    /* request: domain (AF_INET: ICMP, AF_INET6: ICMPv6), flags RAW (a SOCK_RAW socket: IPv4 datagrams arrive
       with their IP header). reply: an ICMP descriptor, inode. Like an unconnected UDP descriptor: each
       datagram is netcon_rpc_datagram_header + an ICMP message (the destination's address, port 0; the node
       fills in the checksum); echo replies and errors arrive the same way, with the source in the header. */
    NETCON_RPC_OP_ICMP_OPEN = 8,
};

enum {
    NETCON_RPC_KIND_NONE = 0,
    NETCON_RPC_KIND_TCP_CONNECTION = 1,
    NETCON_RPC_KIND_TCP_LISTENER = 2,
    NETCON_RPC_KIND_UDP = 3,
    NETCON_RPC_KIND_ICMP = 4,
};

/* request flags */
enum {
    NETCON_RPC_FLAG_NONBLOCK = 1 << 0,
    NETCON_RPC_FLAG_NODELAY = 1 << 1,
    NETCON_RPC_FLAG_KEEPALIVE = 1 << 2,
    NETCON_RPC_FLAG_LISTEN_HOST = 1 << 3,
    NETCON_RPC_FLAG_V6ONLY = 1 << 4,
    /* UDP_BIND, TCP_LISTEN: SO_REUSEADDR or SO_REUSEPORT was set, so the port may be shared with other sockets that
       set it too (UDP: a connected socket gets its peer's datagrams, the newest unconnected one the rest; TCP: the
       listeners take turns at the connections) */
    NETCON_RPC_FLAG_REUSE = 1 << 5,
    /* ICMP_OPEN: the program's socket is SOCK_RAW (else SOCK_DGRAM, a "ping socket") */
    NETCON_RPC_FLAG_RAW = 1 << 6,
    /* TCP_CONNECT, UDP_BIND: the program runs under --isolate (the node's resolver then answers only the
       virtual networks' names). */
    NETCON_RPC_FLAG_ISOLATED = 1 << 7,
};

/* reply flags */
enum {
    NETCON_RPC_REPLY_CONNECTING = 1 << 0,
    NETCON_RPC_REPLY_CONNECTED = 1 << 1, /* UDP: connected to remote */
};

/* setsockopt options the node honours */
enum {
    NETCON_RPC_OPTION_NODELAY = 1,   /* TCP_NODELAY, value 0/1 */
    NETCON_RPC_OPTION_KEEPALIVE = 2, /* SO_KEEPALIVE, value 0/1 */
    NETCON_RPC_OPTION_LINGER_ABORT = 3, /* SO_LINGER {1, 0}: value 1 = reset (RST) instead of FIN on close */
};

typedef struct {
    uint32_t magic;
    uint32_t op;
    uint64_t inode;
    netcon_rpc_address address;
    uint16_t domain; /* the program's socket domain: AF_INET or AF_INET6 */
    uint16_t flags;
    int32_t backlog;
    int32_t option;
    int32_t value;
} netcon_rpc_request;

typedef struct {
    uint32_t magic;
    uint32_t op;
    int32_t error; /* 0, or a positive errno value */
    uint16_t kind;
    uint16_t domain;
    uint64_t inode; /* of the attached descriptor, or of the socket described */
    netcon_rpc_address local;
    netcon_rpc_address remote;
    uint32_t flags;
    uint32_t route_count;
    netcon_rpc_route routes[NETCON_RPC_MAX_ROUTES];
} netcon_rpc_reply;

/* One accepted connection on a listener descriptor (plus its descriptor by SCM_RIGHTS). */
typedef struct {
    uint32_t magic;
    uint32_t reserved;
    netcon_rpc_address remote;
    netcon_rpc_address local;
} netcon_rpc_accepted;

/* Precedes each datagram on an unconnected UDP descriptor. */
typedef struct {
    netcon_rpc_address peer;
    /* node → program: the address the datagram was sent to (IP_PKTINFO); program → node: the source address to
       send from (IP_PKTINFO / IPV6_PKTINFO on sendmsg; family 0: the node chooses) */
    netcon_rpc_address local;
} netcon_rpc_datagram_header;

/* The layout is the protocol: both compilers must agree on it. */
_Static_assert(sizeof(netcon_rpc_address) == 24, "netcon_rpc_address layout");
_Static_assert(sizeof(netcon_rpc_route) == 28, "netcon_rpc_route layout");
_Static_assert(sizeof(netcon_rpc_request) == 56, "netcon_rpc_request layout");
_Static_assert(sizeof(netcon_rpc_reply) == 80 + NETCON_RPC_MAX_ROUTES * 28, "netcon_rpc_reply layout");
_Static_assert(sizeof(netcon_rpc_accepted) == 56, "netcon_rpc_accepted layout");
_Static_assert(sizeof(netcon_rpc_datagram_header) == 48, "netcon_rpc_datagram_header layout");

#endif
