/*
 * The exec session's way to the node for the preload path: the program inherits one end of a socketpair, and each
 * request the library sends on it is made to the node's RPC socket here, as the user who ran `netcon exec`, with
 * the reply (and its descriptor) sent back on the reply socket that came with the request. A program that changes
 * uid keeps it; only processes the session started hold it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../rpc_client.h"
#include "netcon_intercept.h"

struct netcon_relayed_call {
    netcon_rpc_request request;
    int reply_socket;
};

static void netcon_send_reply(int socket, const netcon_rpc_reply *reply, int descriptor) {
    size_t length = offsetof(netcon_rpc_reply, routes) + reply->route_count * sizeof(netcon_rpc_route);
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec vector = {(void *)reply, length};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1};
    if (descriptor >= 0) {
        message.msg_control = control.buffer;
        message.msg_controllen = sizeof control.buffer;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &descriptor, sizeof descriptor);
    }
    while (sendmsg(socket, &message, MSG_NOSIGNAL) < 0 && errno == EINTR) {}
}

/* One request on a thread of its own: a blocking connect waits for its handshake without holding up the rest. */
static void *netcon_relay_call(void *argument) {
    struct netcon_relayed_call *call = argument;
    netcon_rpc_reply reply;
    int descriptor;
    /* The longest wait any request may need; the library's own receive timeout bounds the caller. */
    if (netcon_rpc_call(&call->request, &reply, &descriptor, NETCON_RPC_CONNECT_TIMEOUT_SECONDS) == 0)
        netcon_send_reply(call->reply_socket, &reply, descriptor);
    /* Unreachable node: the reply socket closes unanswered, which the library reads as ECONNREFUSED. */
    if (descriptor >= 0) close(descriptor);
    close(call->reply_socket);
    free(call);
    return NULL;
}

static void *netcon_relay(void *argument) {
    int server = (int)(intptr_t)argument;
    for (;;) {
        struct netcon_relayed_call *call = malloc(sizeof *call);
        if (call == NULL) break;
        union {
            char buffer[CMSG_SPACE(sizeof(int) * 4)];
            struct cmsghdr align;
        } control;
        struct iovec vector = {&call->request, sizeof call->request};
        struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer,
                                 .msg_controllen = sizeof control.buffer};
        ssize_t received = recvmsg(server, &message, MSG_CMSG_CLOEXEC);
        if (received < 0 && errno == EINTR) {
            free(call);
            continue;
        }
        if (received <= 0) { /* every copy of the program's end is closed */
            free(call);
            break;
        }
        call->reply_socket = netcon_rpc_first_descriptor(&message);
        if (received != (ssize_t)sizeof call->request || call->request.magic != NETCON_RPC_MAGIC || call->reply_socket < 0) {
            if (call->reply_socket >= 0) close(call->reply_socket);
            free(call);
            continue;
        }
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, netcon_relay_call, call) != 0) {
            close(call->reply_socket);
            free(call);
        }
        pthread_attr_destroy(&attributes);
    }
    close(server);
    return NULL;
}

int netcon_session_start(unsigned long long *inode) {
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ends) != 0) return -errno;
    if (fcntl(ends[0], F_SETFD, FD_CLOEXEC) != 0) { /* the relay's end stays here; the program's is inherited */
        int error = errno;
        close(ends[0]);
        close(ends[1]);
        return -error;
    }
    struct stat status;
    if (fstat(ends[1], &status) != 0) {
        int error = errno;
        close(ends[0]);
        close(ends[1]);
        return -error;
    }
    *inode = status.st_ino;
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int started = pthread_create(&thread, &attributes, netcon_relay, (void *)(intptr_t)ends[0]);
    pthread_attr_destroy(&attributes);
    if (started != 0) {
        close(ends[0]);
        close(ends[1]);
        return -started;
    }
    return ends[1];
}
