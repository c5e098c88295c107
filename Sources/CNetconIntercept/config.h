#ifndef NETCON_PRELOAD_CONFIG_H
#define NETCON_PRELOAD_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

/* The variables a child must get back when a program execs it with an environment that lacks them. */
#define NETCON_CONFIG_MAX_INHERITED 6

/* What the environment said when the library was loaded (netcon exec sets it). */
struct netcon_config {
    const char *rpc_socket; /* NULL: no node; nothing is virtual */
    int session_fd;         /* NETCON_SESSION_FD, or -1: the way to the node that survives a uid change */
    unsigned long long session_inode; /* the session socket's inode, so that a reused number is never taken for it */
    bool isolate;
    bool listen_host;
    bool debug;
    /* An unnamed AF_UNIX socket made by another process is asked about with DESCRIBE: the preload library
       recognises virtual sockets it inherited that way. The supervisor serves only the sockets it made. */
    bool discovers_inherited;
    const char *library_path; /* this library's own file, for LD_PRELOAD in children; NULL if unknown */
    const char *inherited[NETCON_CONFIG_MAX_INHERITED]; /* "NETCON_…=value" */
    size_t inherited_count;
};

extern struct netcon_config netcon_config;

/* The preload library's: called once by netcon_init(). */
void netcon_config_load(void);

#endif
