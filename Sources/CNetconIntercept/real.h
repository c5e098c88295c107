#ifndef NETCON_INTERCEPT_REAL_H
#define NETCON_INTERCEPT_REAL_H
/*
 * How the shared socket rules reach the system call they stand in front of.
 * - In the preload library (built with NETCON_PRELOAD): the next definition of the function, normally glibc's,
 *   from the table real.c resolves once per process.
 * - In the seccomp supervisor: the call itself, on the supervisor's copy of the program's descriptor.
 * NETCON_PASS marks where the rules hand the program's own call, unchanged, to the kernel. The preload library
 * makes the real call; the supervisor makes none and lets the program's system call continue in the kernel
 * (seccomp/pass_calls.h), with the program's own credentials, memory and blocking.
 */
#ifdef NETCON_PRELOAD
#include "hooks.h"

struct netcon_real_functions {
#define NETCON_REAL_FIELD(ret, name, params) ret(*name) params;
    NETCON_HOOKS(NETCON_REAL_FIELD)
#undef NETCON_REAL_FIELD
};

extern struct netcon_real_functions netcon_real_table;

/* Resolves the real functions and reads the configuration, once per process. Every hook calls it first. */
void netcon_init(void);

#define NETCON_REAL(name) (netcon_real_table.name)
#define NETCON_PASS(name) NETCON_REAL(name)
#else
#include <sys/socket.h>

#include "seccomp/pass_calls.h"

#define NETCON_REAL(name) name
#define NETCON_PASS(name) netcon_pass_##name
#endif

#endif
