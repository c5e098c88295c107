#ifndef NETCON_SECCOMP_FILTER_H
#define NETCON_SECCOMP_FILTER_H
#include <linux/filter.h>
#include <stdbool.h>

#define NETCON_FILTER_MAX 160

struct netcon_filter {
    struct sock_filter instructions[NETCON_FILTER_MAX];
    unsigned short count;
};

/* The program: which system calls stop for the supervisor, which are refused outright, which run. isolate also
   refuses sockets no rule can serve (raw, packet, exotic families). */
void netcon_filter_build(struct netcon_filter *filter, bool isolate);

/* In the calling (single-threaded, about to exec) process: installs the filter, with no_new_privs first when
   the process lacks CAP_SYS_ADMIN. Returns the notification descriptor or -errno. Async-signal-safe. */
int netcon_filter_install(const struct netcon_filter *filter);

#endif
