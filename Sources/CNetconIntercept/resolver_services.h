#ifndef NETCON_INTERCEPT_RESOLVER_SERVICES_H
#define NETCON_INTERCEPT_RESOLVER_SERVICES_H
/* The host's name services that glibc asks over a unix socket before DNS (nscd, systemd-resolved's varlink
   service). A program under netcon exec resolves through the node's resolver instead: connecting to one of them
   is refused, so glibc goes on to DNS (both call an unreachable service unavailable), the virtual networks'
   names resolve the same for every program, and under --isolate no name reaches the host through them. */
#include <stdbool.h>
#include <sys/socket.h>

/* Pure: whether `address` (a program's connect address) is one of those services' sockets. */
bool netcon_is_host_name_service(const struct sockaddr *address, socklen_t length);

#endif
