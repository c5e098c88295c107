#ifndef NETCON_CNETCONSYS_H
#define NETCON_CNETCONSYS_H
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/file.h>
#include <signal.h>
#include <stdint.h>

/* struct ucred needs _GNU_SOURCE, which Swift's Glibc module does not define: read SO_PEERCRED here.
   Returns 0 and fills uid/pid, or -1 with errno set. */
int netcon_peer_credentials(int fd, uid_t *uid, pid_t *pid);

/* sigset_t manipulation is macro-heavy in glibc; build the set of signals the daemon handles. */
int netcon_block_signals(const int *signals, int count, sigset_t *out_set);

/* Binds an AF_UNIX stream socket at path with the given permission bits applied before anyone
   can connect (umask around bind), then listens. Returns the fd or -1 with errno set. */
int netcon_unix_listen(const char *path, mode_t mode, int backlog);

/* netcon_unix_listen for another socket type (the RPC socket is SOCK_SEQPACKET). */
int netcon_unix_listen_type(const char *path, int type, mode_t mode, int backlog);

/* netcon_unix_connect for another socket type. */
int netcon_unix_connect_type(const char *path, int type);

/* Connects an AF_UNIX stream socket (blocking, close-on-exec). Returns the fd or -1 with errno set. */
int netcon_unix_connect(const char *path);

/* An AF_UNIX socketpair, both ends close-on-exec (SOCK_CLOEXEC is an enum-backed macro in Swift). */
int netcon_socketpair(int type, int fds[2]);

/* The inode of a socket descriptor: how the node and the intercept library name a virtual socket. */
int netcon_socket_inode(int fd, uint64_t *inode);

/* Sends one message, with `descriptor` attached by SCM_RIGHTS when >= 0 (the CMSG macros are not
   importable). Never blocks, never raises SIGPIPE. Returns bytes sent or -1 with errno set. */
ssize_t netcon_send_descriptor(int fd, const void *bytes, size_t length, int descriptor);

/* Receives one message and the first descriptor attached to it (close-on-exec; others are closed);
   *descriptor is -1 when none came. Returns bytes received or -1 with errno set. */
ssize_t netcon_receive_descriptor(int fd, void *bytes, size_t capacity, int *descriptor);

/* accept4 is declared only under _GNU_SOURCE: accept a connection as non-blocking and close-on-exec. */
int netcon_accept_nonblocking(int fd);

/* MSG_NOSIGNAL is an enum-backed macro Swift does not import: writes to a closed peer must return
   EPIPE instead of killing the daemon with SIGPIPE. */
static const int netcon_msg_nosignal = 0x4000;
_Static_assert(netcon_msg_nosignal == MSG_NOSIGNAL, "MSG_NOSIGNAL value");

/* One datagram of a batch for recvmmsg/sendmmsg, which (with struct mmsghdr) need _GNU_SOURCE.
   The data buffer belongs to the caller; length is the bytes used (set by receive, read by send). */
typedef struct {
    unsigned char *data;
    size_t capacity;
    size_t length;
    struct sockaddr_storage address;
    socklen_t address_length;
} netcon_datagram;

/* Receives up to count datagrams without blocking. Returns how many (0 when none is waiting),
   or -1 with errno set. Truncated datagrams are reported with length == capacity + 1. */
int netcon_receive_batch(int fd, netcon_datagram *datagrams, unsigned int count);

/* Sends the datagrams in one system call where the kernel allows. Returns how many were sent
   (the caller retries the rest later), or -1 with errno set for the first one. */
int netcon_send_batch(int fd, netcon_datagram *datagrams, unsigned int count);

#endif
