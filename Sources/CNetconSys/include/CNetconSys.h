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

/* struct ucred needs _GNU_SOURCE, which Swift's Glibc module does not define: read SO_PEERCRED here.
   Returns 0 and fills uid/pid, or -1 with errno set. */
int netcon_peer_credentials(int fd, uid_t *uid, pid_t *pid);

/* sigset_t manipulation is macro-heavy in glibc; build the set of signals the daemon handles. */
int netcon_block_signals(const int *signals, int count, sigset_t *out_set);

/* Binds an AF_UNIX stream socket at path with the given permission bits applied before anyone
   can connect (umask around bind), then listens. Returns the fd or -1 with errno set. */
int netcon_unix_listen(const char *path, mode_t mode, int backlog);

/* Connects an AF_UNIX stream socket (blocking, close-on-exec). Returns the fd or -1 with errno set. */
int netcon_unix_connect(const char *path);

#endif
