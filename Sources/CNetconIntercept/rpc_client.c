#include "rpc_client.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "real.h"

netcon_rpc_request netcon_rpc_request_for(uint32_t op) {
    netcon_rpc_request request;
    memset(&request, 0, sizeof request);
    request.magic = NETCON_RPC_MAGIC;
    request.op = op;
    return request;
}

static int netcon_rpc_open(const char *path, int timeout_seconds) {
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    size_t length = strlen(path);
    if (length >= sizeof address.sun_path) return -ENAMETOOLONG;
    memcpy(address.sun_path, path, length);

    struct stat status;
    if (lstat(path, &status) != 0) return -errno;
    if (!S_ISSOCK(status.st_mode)) return -ENOTSOCK;
    if (status.st_uid != getuid()) return -EACCES;

    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct timeval send_timeout = {NETCON_RPC_TIMEOUT_SECONDS, 0}, receive_timeout = {timeout_seconds, 0};
    NETCON_REAL(setsockopt)(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    NETCON_REAL(setsockopt)(fd, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
    int result;
    do {
        result = NETCON_REAL(connect)(fd, (const struct sockaddr *)&address,
                                      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1));
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    /* The path was checked above; the peer's credentials close the window between lstat and connect. */
    struct ucred peer;
    socklen_t peer_length = sizeof peer;
    if (NETCON_REAL(getsockopt)(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0 || peer.uid != getuid()) {
        close(fd);
        return -EACCES;
    }
    return fd;
}

int netcon_rpc_first_descriptor(struct msghdr *message) {
    int first = -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(message); header != NULL; header = CMSG_NXTHDR(message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int descriptor;
            memcpy(&descriptor, CMSG_DATA(header) + i * sizeof(int), sizeof descriptor);
            if (first < 0) first = descriptor;
            else close(descriptor);
        }
    }
    return first;
}

bool netcon_rpc_reply_is_valid(const netcon_rpc_reply *reply, size_t received, uint32_t op) {
    return received >= offsetof(netcon_rpc_reply, routes) && reply->magic == NETCON_RPC_MAGIC && reply->op == op &&
           reply->route_count <= NETCON_RPC_MAX_ROUTES &&
           received >= offsetof(netcon_rpc_reply, routes) + reply->route_count * sizeof(netcon_rpc_route);
}

/* The reply to `request` on `connection`, with its descriptor (if any) in *fd. */
static int netcon_rpc_receive_reply(int connection, const netcon_rpc_request *request, netcon_rpc_reply *reply, int *fd) {
    /* Room for more descriptors than the contract allows, so that extra ones can be closed, not leaked. */
    union {
        char buffer[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } control;
    struct iovec vector = {reply, sizeof *reply};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    ssize_t received;
    do {
        received = NETCON_REAL(recvmsg)(connection, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return errno == EAGAIN ? -ETIMEDOUT : -errno;
    if (received == 0) return -ECONNREFUSED; /* the session's relay could not reach the node */

    *fd = netcon_rpc_first_descriptor(&message);
    return netcon_rpc_reply_is_valid(reply, (size_t)received, request->op) ? 0 : -EPROTO;
}

static int netcon_rpc_exchange(int connection, const netcon_rpc_request *request, netcon_rpc_reply *reply, int *fd) {
    ssize_t sent;
    do {
        sent = NETCON_REAL(send)(connection, request, sizeof *request, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) return errno == EAGAIN ? -ETIMEDOUT : -errno;
    if (sent != (ssize_t)sizeof *request) return -EPROTO;
    return netcon_rpc_receive_reply(connection, request, reply, fd);
}

/* The exec session's descriptor, when the program still has it under its number (the same socket: its inode),
   else -1. */
static int netcon_rpc_session(void) {
    if (netcon_config.session_fd < 0) return -1;
    struct stat status;
    if (fstat(netcon_config.session_fd, &status) != 0 || !S_ISSOCK(status.st_mode) ||
        status.st_ino != netcon_config.session_inode)
        return -1;
    return netcon_config.session_fd;
}

/* One call through the session: the request goes with a fresh reply socket, so that processes sharing the
   session descriptor never read each other's replies. */
static int netcon_rpc_call_session(int session, const netcon_rpc_request *request, netcon_rpc_reply *reply, int *fd,
                                   int timeout_seconds) {
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) return -errno;
    struct timeval receive_timeout = {timeout_seconds, 0};
    NETCON_REAL(setsockopt)(ends[0], SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec vector = {(void *)request, sizeof *request};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &ends[1], sizeof(int));
    ssize_t sent;
    do {
        sent = NETCON_REAL(sendmsg)(session, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    int result = sent == (ssize_t)sizeof *request ? 0 : sent < 0 ? -errno : -EPROTO;
    close(ends[1]);
    if (result == 0) result = netcon_rpc_receive_reply(ends[0], request, reply, fd);
    close(ends[0]);
    return result;
}

int netcon_rpc_call(const netcon_rpc_request *request, netcon_rpc_reply *reply, int *fd, int timeout_seconds) {
    *fd = -1;
    memset(reply, 0, sizeof *reply);
    const char *path = netcon_config.rpc_socket;
    if (path == NULL) return -ENOENT;
    int session = netcon_rpc_session();
    int result;
    if (session >= 0) {
        result = netcon_rpc_call_session(session, request, reply, fd, timeout_seconds);
    } else if ((result = netcon_rpc_open(path, timeout_seconds)) >= 0) {
        int connection = result;
        result = netcon_rpc_exchange(connection, request, reply, fd);
        close(connection);
    }
    if (result < 0) {
        if (*fd >= 0) close(*fd);
        *fd = -1;
        netcon_debug("rpc op %u failed: %s", (unsigned)request->op, strerror(-result));
        netcon_warn_unreachable(path, -result);
        return result;
    }
    if (reply->error != 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    return 0;
}
