#ifndef NETCON_PRELOAD_UDP_H
#define NETCON_PRELOAD_UDP_H
/* UDP steps that connect() and bind() (tcp_hooks.c) share with the data hooks (udp_hooks.c). */
#include "socket_table.h"

/* UDP_BIND local (family 0: any) on the kernel UDP socket fd's behalf and put the virtual socket in its place;
   *entry becomes the virtual socket's. */
long netcon_udp_bind(int fd, struct netcon_socket *entry, const netcon_rpc_address *local);

/* UDP_CONNECT the virtual socket to remote (family 0: disconnect). */
long netcon_udp_connect(struct netcon_socket *entry, const netcon_rpc_address *remote);

#endif
