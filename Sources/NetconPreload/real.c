#include "real.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "socket_table.h"
#include "sockets.h"

struct netcon_real_functions netcon_real_table;

static pthread_once_t netcon_init_once = PTHREAD_ONCE_INIT;

/* dlsym(RTLD_NEXT) giving back our own hook would make every call recurse until the stack overflows
   (the library is loaded twice, or linked into the program): stop at once with a readable reason. */
static void netcon_circular(const char *name) {
    static const char prefix[] = "netcon: the preload library resolved itself for ";
    ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
    ignored = write(STDERR_FILENO, name, strlen(name));
    ignored = write(STDERR_FILENO, "\n", 1);
    (void)ignored;
    abort();
}

static void netcon_resolve(void) {
#define NETCON_RESOLVE(ret, name, params)                                                                      \
    netcon_real_table.name = (ret(*) params)dlsym(RTLD_NEXT, #name);                                           \
    if ((void *)netcon_real_table.name == (void *)&name) netcon_circular(#name);
    NETCON_HOOKS(NETCON_RESOLVE)
#undef NETCON_RESOLVE
    netcon_config_load();
    netcon_sockets_install_fork_handlers();
}

void netcon_init(void) { pthread_once(&netcon_init_once, netcon_resolve); }

/* Read the environment before main() can change it: exec_hooks.c gives these values to children. */
__attribute__((constructor)) static void netcon_load(void) { netcon_init(); }
