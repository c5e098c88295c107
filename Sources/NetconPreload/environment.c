#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcon_rpc.h"

static bool netcon_flag(const char *name) {
    const char *value = getenv(name);
    return value != NULL && strcmp(value, "1") == 0;
}

static void netcon_keep(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || netcon_config.inherited_count == NETCON_CONFIG_MAX_INHERITED) return;
    size_t name_length = strlen(name), value_length = strlen(value);
    char *entry = malloc(name_length + value_length + 2);
    if (entry == NULL) return;
    memcpy(entry, name, name_length);
    entry[name_length] = '=';
    memcpy(entry + name_length + 1, value, value_length + 1);
    netcon_config.inherited[netcon_config.inherited_count++] = entry;
}

void netcon_config_load(void) {
    const char *socket_path = getenv(NETCON_RPC_SOCKET_ENV);
    if (socket_path != NULL && socket_path[0] != '\0') netcon_config.rpc_socket = strdup(socket_path);
    netcon_config.isolate = netcon_flag(NETCON_RPC_ISOLATE_ENV);
    netcon_config.listen_host = netcon_flag(NETCON_RPC_LISTEN_HOST_ENV);
    netcon_config.debug = netcon_flag("NETCON_DEBUG");
    netcon_config.discovers_inherited = true;
    netcon_keep(NETCON_RPC_SOCKET_ENV);
    netcon_keep(NETCON_RPC_ISOLATE_ENV);
    netcon_keep(NETCON_RPC_LISTEN_HOST_ENV);
    netcon_keep("NETCON_DEBUG");
    netcon_keep(NETCON_RPC_SESSION_ENV);
    netcon_config.session_fd = -1;
    const char *session = getenv(NETCON_RPC_SESSION_ENV); /* "FD:INODE" */
    int number;
    unsigned long long inode;
    if (session != NULL && sscanf(session, "%d:%llu", &number, &inode) == 2 && number >= 0) {
        netcon_config.session_fd = number;
        netcon_config.session_inode = inode;
    }

    Dl_info info;
    if (dladdr((void *)&netcon_config_load, &info) != 0 && info.dli_fname != NULL && info.dli_fname[0] == '/')
        netcon_config.library_path = strdup(info.dli_fname);
}
