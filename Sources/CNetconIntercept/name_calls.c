/* getsockname and getpeername: virtual sockets answer from the table (kernel AF_UNIX names would be wrong). */
#include <errno.h>
#include <sys/socket.h>

#include "address.h"
#include "real.h"
#include "result.h"
#include "socket_calls.h"
#include "sockets.h"

static long netcon_copy_name(const netcon_rpc_address *name, int domain, struct sockaddr *address,
                             socklen_t *length) {
    if (length == NULL) return -EFAULT;
    struct sockaddr_storage storage;
    socklen_t full = netcon_address_to_sockaddr(name, domain, &storage);
    netcon_sockaddr_copy_out(&storage, full, address, length);
    return 0;
}

long netcon_call_getsockname(int fd, struct sockaddr *address, socklen_t *length) {
    struct netcon_socket entry;
    enum netcon_fd_class class = netcon_socket_find(fd, &entry);
    if (class == NETCON_FD_VIRTUAL || (class == NETCON_FD_KERNEL && entry.pending_bind))
        return netcon_copy_name(&entry.local, entry.domain, address, length);
    return netcon_result(NETCON_PASS(getsockname)(fd, address, length));
}

long netcon_call_getpeername(int fd, struct sockaddr *address, socklen_t *length) {
    struct netcon_socket entry;
    if (netcon_socket_find(fd, &entry) != NETCON_FD_VIRTUAL)
        return netcon_result(NETCON_PASS(getpeername)(fd, address, length));
    if (entry.kind == NETCON_RPC_KIND_TCP_CONNECTION && entry.connecting) {
        /* Like the kernel, no peer until the handshake is done: the program asking means it is ready to wait. */
        int described = netcon_socket_describe(&entry);
        if (described < 0) return -ENOTCONN;
    }
    bool has_peer = entry.kind == NETCON_RPC_KIND_TCP_CONNECTION ? entry.connected
                    : entry.kind == NETCON_RPC_KIND_UDP          ? entry.connected
                                                                 : false;
    if (!has_peer) return -ENOTCONN;
    return netcon_copy_name(&entry.remote, entry.domain, address, length);
}
