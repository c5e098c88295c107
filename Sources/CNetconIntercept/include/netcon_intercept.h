#ifndef NETCON_INTERCEPT_H
#define NETCON_INTERCEPT_H
/*
 * The seccomp path of `netcon exec`: the program runs under a filter that stops its socket-address system
 * calls and hands them to a supervisor thread in netcon, which answers them with the same rules as the preload
 * library (socket_calls.h). Data calls on sockets (read, write, send/recv without an address, poll, epoll...)
 * never stop. Nothing here depends on the dynamic loader: static and Go programs are served like any other.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct netcon_intercept_settings {
    const char *rpc_socket; /* the node's RPC socket */
    bool isolate;           /* no host socket can be connected, bound or sent to */
    bool listen_host;       /* virtual listeners also listen on the host (exec --listen-host) */
    bool debug;             /* NETCON_DEBUG: a line per decision on netcon's stderr */
};

/* The rules' configuration for this process; once, before netcon_spawn_supervised. */
void netcon_intercept_configure(const struct netcon_intercept_settings *settings);

enum netcon_spawn_stage {
    NETCON_SPAWN_START = 0,  /* fork or the status channel failed */
    NETCON_SPAWN_FILTER = 1, /* the kernel refused the filter (no seccomp, or no user notification) */
    NETCON_SPAWN_EXEC = 2,   /* the program could not be executed */
};

/* Starts the program at `path` (no PATH search) with argv and envp in a child under the filter, with nothing
   blocked and the default action for each of default_signals, and starts the supervisor thread that serves it
   and all its descendants until the last of them is gone. Returns 0 with *pid; or a positive errno with *stage. */
int netcon_spawn_supervised(const char *path, char *const argv[], char *const envp[], const int *default_signals,
                            int default_signal_count, pid_t *pid, enum netcon_spawn_stage *stage);

/* The preload path's exec session (session/session_relay.c): a socket the program inherits (returned, without
   close-on-exec; its inode in *inode) whose requests a thread here makes to the node, so that a program keeps
   its way to the node after it changes uid. Needs netcon_intercept_configure first. Returns the fd or -errno. */
int netcon_session_start(unsigned long long *inode);

/* Whether this kernel lets an unprivileged process install a filter with user notification (a probe in a
   short-lived child). 0 or the errno that stops it. */
int netcon_intercept_probe(void);

/* For the fuzzer: runs every parser of bytes the rules do not control (the program's socket addresses, control
   messages and netlink requests; the node's replies and datagram headers) on one input. Aborts with a message on
   stderr when one of them breaks its promise; returns 0 otherwise. */
int netcon_intercept_parse_one(const uint8_t *data, size_t size);

/* For the fuzzer: the preload library's DNS code on one input (a response to read, a name to query). */
int netcon_intercept_parse_dns(const uint8_t *data, size_t size);

#endif
