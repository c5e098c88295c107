#ifndef NETCON_INTERCEPT_SOCKET_CALLS_H
#define NETCON_INTERCEPT_SOCKET_CALLS_H
/*
 * The socket calls as netcon serves them: the one set of rules both interception paths apply. Each takes the
 * program's arguments as the libc function does and returns the result or -errno. The preload library calls
 * them from its hooks in the program; the seccomp supervisor calls them on its copy of the program's descriptor,
 * with the program's memory copied in and out around the call.
 */
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

/* tcp_calls.c */
long netcon_call_connect(int fd, const struct sockaddr *address, socklen_t length);
long netcon_call_bind(int fd, const struct sockaddr *address, socklen_t length);
long netcon_call_listen(int fd, int backlog);
/* A virtual listener's accepted connection is a new descriptor of this process (close-on-exec when flags has
   SOCK_CLOEXEC). */
long netcon_call_accept(int fd, struct sockaddr *address, socklen_t *length, int flags);

/* name_calls.c */
long netcon_call_getsockname(int fd, struct sockaddr *address, socklen_t *length);
long netcon_call_getpeername(int fd, struct sockaddr *address, socklen_t *length);

/* sockopt_calls.c */
long netcon_call_getsockopt(int fd, int level, int name, void *value, socklen_t *length);
long netcon_call_setsockopt(int fd, int level, int name, const void *value, socklen_t length);

/* udp_calls.c */
long netcon_call_sendmsg(int fd, const struct msghdr *message, int flags);
long netcon_call_sendto(int fd, const void *buffer, size_t length, int flags, const struct sockaddr *address,
                        socklen_t address_length);
long netcon_call_recvmsg(int fd, struct msghdr *message, int flags);
long netcon_call_recvfrom(int fd, void *buffer, size_t length, int flags, struct sockaddr *address,
                          socklen_t *address_length);
long netcon_call_sendmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags);
long netcon_call_recvmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags, struct timespec *timeout);

#endif
