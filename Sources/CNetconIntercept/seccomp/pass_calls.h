#ifndef NETCON_SECCOMP_PASS_CALLS_H
#define NETCON_SECCOMP_PASS_CALLS_H
/*
 * The supervisor's NETCON_PASS (real.h): the rules decided that the program's own call goes to the kernel as it
 * is. Nothing runs here; the call being answered is marked, and the supervisor answers it with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE. The value returned to the rules is 0 and is never the program's.
 */
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

/* Set by the thread answering a notification: true once the rules passed the call on. */
extern _Thread_local bool netcon_passed_to_kernel;

static inline int netcon_pass(void) {
    netcon_passed_to_kernel = true;
    return 0;
}

#define NETCON_PASS_STUB(ret, name, ...)                                                                       \
    static inline ret netcon_pass_##name(__VA_ARGS__) { return netcon_pass(); }
NETCON_PASS_STUB(int, connect, int fd, const struct sockaddr *a, socklen_t l)
NETCON_PASS_STUB(int, bind, int fd, const struct sockaddr *a, socklen_t l)
NETCON_PASS_STUB(int, listen, int fd, int backlog)
NETCON_PASS_STUB(int, accept4, int fd, struct sockaddr *a, socklen_t *l, int flags)
NETCON_PASS_STUB(int, getsockname, int fd, struct sockaddr *a, socklen_t *l)
NETCON_PASS_STUB(int, getpeername, int fd, struct sockaddr *a, socklen_t *l)
NETCON_PASS_STUB(int, getsockopt, int fd, int level, int name, void *v, socklen_t *l)
NETCON_PASS_STUB(int, setsockopt, int fd, int level, int name, const void *v, socklen_t l)
NETCON_PASS_STUB(ssize_t, sendmsg, int fd, const struct msghdr *m, int flags)
NETCON_PASS_STUB(ssize_t, recvmsg, int fd, struct msghdr *m, int flags)
NETCON_PASS_STUB(ssize_t, recvfrom, int fd, void *b, size_t n, int flags, struct sockaddr *a, socklen_t *l)
NETCON_PASS_STUB(int, sendmmsg, int fd, struct mmsghdr *m, unsigned int n, int flags)
NETCON_PASS_STUB(int, recvmmsg, int fd, struct mmsghdr *m, unsigned int n, int flags, struct timespec *t)
#undef NETCON_PASS_STUB

#endif
