#ifndef NETCON_PRELOAD_SOCKETS_H
#define NETCON_PRELOAD_SOCKETS_H
/* The process's sockets: from a descriptor to what the library knows about the socket behind it. */
#include <stdbool.h>

#include "socket_table.h"

enum netcon_fd_class {
    NETCON_FD_OTHER = 0,   /* not a socket (or fstat failed) */
    NETCON_FD_KERNEL = 1,  /* a socket of the host's kernel; entry->domain/type/protocol set */
    NETCON_FD_VIRTUAL = 2, /* a descriptor the node handed over */
};

/* An int socket option read as a flag (false when it cannot be read). */
bool netcon_socket_flag(int fd, int level, int name);

/* One fstat and a table lookup. A socket seen for the first time is classified once (its SO_DOMAIN; an unnamed
   AF_UNIX socket this process did not create is asked about with DESCRIBE, which recognises virtual sockets
   inherited through exec or received from another process) and remembered. */
enum netcon_fd_class netcon_socket_find(int fd, struct netcon_socket *entry);

/* A kernel AF_INET/AF_INET6 TCP or UDP socket: taken over by connect, bind, listen or a send to a virtual address. */
bool netcon_socket_is_candidate(const struct netcon_socket *entry);

/* A kernel ICMP echo socket (SOCK_DGRAM "ping socket" or SOCK_RAW, ICMP or ICMPv6): taken over by its first send
   to a virtual address. */
bool netcon_socket_is_echo(const struct netcon_socket *entry);

/* The virtual kinds whose descriptors carry a datagram header (UDP, ICMP). */
bool netcon_kind_has_datagrams(uint16_t kind);

void netcon_socket_remember(const struct netcon_socket *entry);

/* The inodes of every socket the served processes still hold, unsorted, in a malloc'd array (*count entries);
   NULL when they cannot all be listed. The preload library lists its own process (live_sockets.c); the
   supervisor the processes it serves. */
uint64_t *netcon_live_socket_inodes(size_t *count);
void netcon_socket_forget(uint64_t inode);

/* Puts the node's descriptor `received` in place of the program's `fd` (dup3), keeping fd's FD_CLOEXEC and
   O_NONBLOCK, closes `received`, forgets the replaced socket and stores *entry under the new inode.
   Returns 0 or -errno (received is closed either way). */
int netcon_socket_adopt(int fd, int received, struct netcon_socket *entry);

/* DESCRIBE: refreshes a virtual entry (waits while a TCP connection is still connecting). */
int netcon_socket_describe(struct netcon_socket *entry);
/* Replaces fd (a virtual socket whose node end is gone) with a socket of `type` that never turns readable. */
void netcon_socket_silence(int fd, int type, const char *what);

/* pthread_atfork handlers for the table and the routes cache, installed once by netcon_init(). */
void netcon_sockets_install_fork_handlers(void);

#endif
