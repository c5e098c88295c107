#ifndef NETCON_PRELOAD_HOOKS_H
#define NETCON_PRELOAD_HOOKS_H
/*
 * Every libc function the library interposes, in one list. The list declares the table of real functions
 * (real.h) and resolves it (real.c); each hook itself is written by hand in the *_hooks.c file of its
 * concept. socket, close, shutdown, read, write, poll, epoll, select, dup and fork are deliberately absent:
 * a virtual socket is a kernel AF_UNIX descriptor, so they already behave.
 *
 * X(return type, name, parameter list)
 */
#include <netdb.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#define NETCON_HOOKS(X)                                                                                         \
    /* tcp_hooks.c */                                                                                           \
    X(int, connect, (int, __CONST_SOCKADDR_ARG, socklen_t))                                                     \
    X(int, bind, (int, __CONST_SOCKADDR_ARG, socklen_t))                                                        \
    X(int, listen, (int, int))                                                                                  \
    X(int, accept, (int, __SOCKADDR_ARG, socklen_t *))                                                          \
    X(int, accept4, (int, __SOCKADDR_ARG, socklen_t *, int))                                                    \
    /* name_hooks.c */                                                                                          \
    X(int, getsockname, (int, __SOCKADDR_ARG, socklen_t *))                                                     \
    X(int, getpeername, (int, __SOCKADDR_ARG, socklen_t *))                                                     \
    /* sockopt_hooks.c */                                                                                       \
    X(int, getsockopt, (int, int, int, void *, socklen_t *))                                                    \
    X(int, setsockopt, (int, int, int, const void *, socklen_t))                                                \
    /* udp_hooks.c */                                                                                           \
    X(ssize_t, send, (int, const void *, size_t, int))                                                          \
    X(ssize_t, recv, (int, void *, size_t, int))                                                                \
    X(ssize_t, sendto, (int, const void *, size_t, int, __CONST_SOCKADDR_ARG, socklen_t))                       \
    X(ssize_t, recvfrom, (int, void *, size_t, int, __SOCKADDR_ARG, socklen_t *))                               \
    X(ssize_t, sendmsg, (int, const struct msghdr *, int))                                                      \
    X(ssize_t, recvmsg, (int, struct msghdr *, int))                                                            \
    X(int, sendmmsg, (int, struct mmsghdr *, unsigned int, int))                                                \
    X(int, recvmmsg, (int, struct mmsghdr *, unsigned int, int, struct timespec *))                             \
    /* _FORTIFY_SOURCE builds call these instead of recv/recvfrom, and glibc's versions do not come back      \
       through the hooks above. */                                                                              \
    X(ssize_t, __recv_chk, (int, void *, size_t, size_t, int))                                                  \
    X(ssize_t, __recvfrom_chk, (int, void *, size_t, size_t, int, __SOCKADDR_ARG, socklen_t *))                 \
    /* resolver_hooks.c: glibc's resolver makes its socket calls inside libc, out of the hooks' sight */         \
    X(int, getaddrinfo, (const char *, const char *, const struct addrinfo *, struct addrinfo **))              \
    X(struct hostent *, gethostbyname, (const char *))                                                          \
    X(struct hostent *, gethostbyname2, (const char *, int))                                                    \
    X(int, gethostbyname_r, (const char *, struct hostent *, char *, size_t, struct hostent **, int *))         \
    X(int, gethostbyname2_r, (const char *, int, struct hostent *, char *, size_t, struct hostent **, int *))   \
    /* exec_hooks.c: a child keeps LD_PRELOAD and NETCON_* even when given an environment without them */      \
    X(int, execve, (const char *, char *const[], char *const[]))                                                \
    X(int, execv, (const char *, char *const[]))                                                                \
    X(int, execvp, (const char *, char *const[]))                                                               \
    X(int, execvpe, (const char *, char *const[], char *const[]))                                               \
    X(int, execl, (const char *, const char *, ...))                                                            \
    X(int, execle, (const char *, const char *, ...))                                                           \
    X(int, execlp, (const char *, const char *, ...))                                                           \
    X(int, fexecve, (int, char *const[], char *const[]))                                                        \
    X(int, posix_spawn, (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,  \
                         char *const[], char *const[]))                                                         \
    X(int, posix_spawnp, (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, \
                          char *const[], char *const[]))

/* The library is built with -fvisibility=hidden: only the hooks are visible to the program. */
#define NETCON_EXPORT __attribute__((visibility("default")))

/* glibc declares most of them already (identically); the fortified receive functions are internal to it. */
#define NETCON_DECLARE_HOOK(ret, name, params) NETCON_EXPORT ret name params;
NETCON_HOOKS(NETCON_DECLARE_HOOK)
#undef NETCON_DECLARE_HOOK

#endif
