#include "sockets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "real.h"
#include "routes.h"
#include "rpc_client.h"

static struct netcon_socket_table netcon_sockets = NETCON_SOCKET_TABLE_INITIALIZER;

/* Nothing tells the rules when a socket is closed (close is not intercepted), so entries of closed sockets are
   swept out by listing the sockets still open (netcon_live_socket_inodes) whenever the table has doubled since
   the last sweep. */
#define NETCON_SWEEP_MINIMUM 256
static size_t netcon_sweep_at = NETCON_SWEEP_MINIMUM;

static int netcon_compare_inodes(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void netcon_sweep(void) {
    uint64_t scanned_at = netcon_table_generation(&netcon_sockets);
    size_t count = 0;
    uint64_t *live = netcon_live_socket_inodes(&count);
    if (live == NULL) return; /* incomplete list: better keep everything */
    qsort(live, count, sizeof *live, netcon_compare_inodes);
    netcon_table_retain(&netcon_sockets, live, count, scanned_at);
    free(live);
    size_t remaining = netcon_table_count(&netcon_sockets);
    netcon_sweep_at = remaining * 2 > NETCON_SWEEP_MINIMUM ? remaining * 2 : NETCON_SWEEP_MINIMUM;
    netcon_debug("swept the socket table: %zu entries remain", remaining);
}

void netcon_socket_remember(const struct netcon_socket *entry) {
    netcon_table_put(&netcon_sockets, entry);
    if (netcon_table_count(&netcon_sockets) >= netcon_sweep_at) netcon_sweep();
}

void netcon_socket_forget(uint64_t inode) { netcon_table_forget(&netcon_sockets, inode); }

bool netcon_socket_flag(int fd, int level, int name) {
    int value = 0;
    socklen_t length = sizeof value;
    return NETCON_REAL(getsockopt)(fd, level, name, &value, &length) == 0 && value != 0;
}

static int netcon_int_option(int fd, int level, int name) {
    int value = 0;
    socklen_t length = sizeof value;
    if (NETCON_REAL(getsockopt)(fd, level, name, &value, &length) != 0) return -1;
    return value;
}

/* A socketpair end made by another process: the only AF_UNIX sockets that can be virtual. */
static bool netcon_maybe_virtual_unix(int fd) {
    struct sockaddr_un name;
    socklen_t length = sizeof name;
    if (NETCON_REAL(getsockname)(fd, (struct sockaddr *)&name, &length) != 0 || length > sizeof(sa_family_t))
        return false;
    length = sizeof name;
    if (NETCON_REAL(getpeername)(fd, (struct sockaddr *)&name, &length) == 0 && length > sizeof(sa_family_t))
        return false;
    struct ucred peer;
    socklen_t peer_length = sizeof peer;
    if (NETCON_REAL(getsockopt)(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) == 0 && peer.pid == getpid())
        return false;
    return true;
}

static void netcon_entry_from_reply(struct netcon_socket *entry, const netcon_rpc_reply *reply) {
    entry->kind = reply->kind;
    entry->domain = reply->domain;
    entry->local = reply->local;
    entry->remote = reply->remote;
    if (reply->kind == NETCON_RPC_KIND_TCP_CONNECTION) {
        entry->connecting = false;
        entry->connected = reply->error == 0;
        entry->pending_error = reply->error;
    } else if (reply->kind == NETCON_RPC_KIND_UDP) {
        entry->connected = (reply->flags & NETCON_RPC_REPLY_CONNECTED) != 0;
    }
}

static enum netcon_fd_class netcon_classify(int fd, struct netcon_socket *entry) {
    int domain = netcon_int_option(fd, SOL_SOCKET, SO_DOMAIN);
    entry->domain = domain < 0 ? 0 : (uint16_t)domain;
    if (domain == AF_INET || domain == AF_INET6 || domain == AF_NETLINK) {
        entry->type = (uint16_t)netcon_int_option(fd, SOL_SOCKET, SO_TYPE);
        entry->protocol = (uint16_t)netcon_int_option(fd, SOL_SOCKET, SO_PROTOCOL);
    } else if (domain == AF_UNIX && netcon_config.discovers_inherited && netcon_config.rpc_socket != NULL &&
               netcon_maybe_virtual_unix(fd)) {
        netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_DESCRIBE);
        request.inode = entry->inode;
        netcon_rpc_reply reply;
        int received;
        if (netcon_rpc_call(&request, &reply, &received, NETCON_RPC_CONNECT_TIMEOUT_SECONDS) == 0) {
            if (received >= 0) close(received);
            if ((reply.error == 0 || reply.kind == NETCON_RPC_KIND_TCP_CONNECTION) &&
                reply.kind != NETCON_RPC_KIND_NONE) {
                netcon_entry_from_reply(entry, &reply);
                netcon_debug("fd %d is a virtual socket (kind %u) this process had not seen", fd,
                             (unsigned)reply.kind);
                netcon_socket_remember(entry);
                return NETCON_FD_VIRTUAL;
            }
        }
    }
    netcon_socket_remember(entry);
    return NETCON_FD_KERNEL;
}

enum netcon_fd_class netcon_socket_find(int fd, struct netcon_socket *entry) {
    struct stat status;
    if (fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) return NETCON_FD_OTHER;
    if (netcon_table_get(&netcon_sockets, status.st_ino, entry))
        return entry->kind == NETCON_RPC_KIND_NONE ? NETCON_FD_KERNEL : NETCON_FD_VIRTUAL;
    memset(entry, 0, sizeof *entry);
    entry->inode = status.st_ino;
    return netcon_classify(fd, entry);
}

bool netcon_socket_is_candidate(const struct netcon_socket *entry) {
    if (entry->kind != NETCON_RPC_KIND_NONE || (entry->domain != AF_INET && entry->domain != AF_INET6)) return false;
    if (entry->type == SOCK_STREAM) return entry->protocol == 0 || entry->protocol == IPPROTO_TCP;
    if (entry->type == SOCK_DGRAM) return entry->protocol == 0 || entry->protocol == IPPROTO_UDP;
    return false;
}

bool netcon_socket_is_echo(const struct netcon_socket *entry) {
    if (entry->kind != NETCON_RPC_KIND_NONE || (entry->type != SOCK_DGRAM && entry->type != SOCK_RAW)) return false;
    return (entry->domain == AF_INET && entry->protocol == IPPROTO_ICMP) ||
           (entry->domain == AF_INET6 && entry->protocol == IPPROTO_ICMPV6);
}

bool netcon_kind_has_datagrams(uint16_t kind) { return kind == NETCON_RPC_KIND_UDP || kind == NETCON_RPC_KIND_ICMP; }

int netcon_socket_adopt(int fd, int received, struct netcon_socket *entry) {
    struct stat status;
    int descriptor_flags = fcntl(fd, F_GETFD), status_flags = fcntl(fd, F_GETFL);
    if (descriptor_flags < 0 || status_flags < 0 || fstat(received, &status) != 0) {
        int error = errno;
        close(received);
        return -error;
    }
    struct stat replaced;
    uint64_t replaced_inode = fstat(fd, &replaced) == 0 ? replaced.st_ino : 0;
    /* The node's end may carry any status flags; the program's view decides. So do the timeouts it set on the
       socket being replaced (ping waits for replies with SO_RCVTIMEO). */
    int received_flags = fcntl(received, F_GETFL);
    if (received_flags >= 0)
        fcntl(received, F_SETFL, (received_flags & ~O_NONBLOCK) | (status_flags & O_NONBLOCK));
    static const int timeouts[] = {SO_RCVTIMEO, SO_SNDTIMEO};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        struct timeval timeout;
        socklen_t length = sizeof timeout;
        if (NETCON_REAL(getsockopt)(fd, SOL_SOCKET, timeouts[i], &timeout, &length) == 0 &&
            (timeout.tv_sec != 0 || timeout.tv_usec != 0))
            NETCON_REAL(setsockopt)(received, SOL_SOCKET, timeouts[i], &timeout, sizeof timeout);
    }
    int result = dup3(received, fd, (descriptor_flags & FD_CLOEXEC) ? O_CLOEXEC : 0);
    int error = errno;
    close(received);
    if (result < 0) return -error;
    if (replaced_inode != 0) netcon_socket_forget(replaced_inode);
    entry->inode = status.st_ino;
    netcon_socket_remember(entry);
    return 0;
}

int netcon_socket_describe(struct netcon_socket *entry) {
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_DESCRIBE);
    request.inode = entry->inode;
    netcon_rpc_reply reply;
    int received;
    int result = netcon_rpc_call(&request, &reply, &received, NETCON_RPC_CONNECT_TIMEOUT_SECONDS);
    if (received >= 0) close(received);
    if (result < 0) return result;
    if (reply.kind == NETCON_RPC_KIND_NONE) return -(reply.error != 0 ? reply.error : ENOENT);
    uint32_t options = entry->options;
    netcon_entry_from_reply(entry, &reply);
    entry->options = options;
    netcon_socket_remember(entry);
    return 0;
}

static void netcon_fork_prepare(void) {
    netcon_routes_lock_for_fork();
    pthread_mutex_lock(&netcon_sockets.lock);
}

static void netcon_fork_parent(void) {
    pthread_mutex_unlock(&netcon_sockets.lock);
    netcon_routes_unlock_after_fork();
}

/* Only the forking thread exists in the child: its locks start fresh; the table (consistent, since the
   prepare handler held the lock) is its own copy. */
static void netcon_fork_child(void) {
    pthread_mutex_init(&netcon_sockets.lock, NULL);
    netcon_routes_reset_after_fork();
}

void netcon_sockets_install_fork_handlers(void) {
    pthread_atfork(netcon_fork_prepare, netcon_fork_parent, netcon_fork_child);
}

/* The node closed its end (it stopped or restarted): the program's end would read end-of-file forever and an
   event loop waiting on it would spin. A socket nobody can reach takes its place under the same number, so
   the program waits (or gets EAGAIN) as on a network that went silent. A listener becomes an unnamed
   listening socket, a datagram socket an unbound one: neither ever turns readable. */
void netcon_socket_silence(int fd, int type, const char *what) {
    int quiet = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (quiet < 0) return;
    bool ready = true;
    if (type == SOCK_SEQPACKET) {
        struct sockaddr_un unnamed = {.sun_family = AF_UNIX};
        /* an address of just the family autobinds to a fresh abstract name */
        ready = NETCON_REAL(bind)(quiet, (struct sockaddr *)&unnamed, sizeof(sa_family_t)) == 0 &&
                NETCON_REAL(listen)(quiet, 1) == 0;
    }
    if (ready) {
        int descriptor_flags = fcntl(fd, F_GETFD);
        int status_flags = fcntl(fd, F_GETFL);
        if (dup3(quiet, fd, (descriptor_flags >= 0 && (descriptor_flags & FD_CLOEXEC)) ? O_CLOEXEC : 0) >= 0 && status_flags >= 0)
            fcntl(fd, F_SETFL, status_flags);
        netcon_say("netcon: the node closed a %s (fd %d); it stays silent from now on", what, fd);
    }
    close(quiet);
}
