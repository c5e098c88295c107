#ifndef NETCON_PRELOAD_REAL_H
#define NETCON_PRELOAD_REAL_H
#include "hooks.h"

/* The next definition of each hooked function (normally glibc's), resolved once. */
struct netcon_real_functions {
#define NETCON_REAL_FIELD(ret, name, params) ret(*name) params;
    NETCON_HOOKS(NETCON_REAL_FIELD)
#undef NETCON_REAL_FIELD
};

extern struct netcon_real_functions netcon_real_table;

/* Resolves the real functions and reads the configuration, once per process. Every hook calls it first. */
void netcon_init(void);

#define NETCON_REAL(name) (netcon_real_table.name)

#endif
