/*
 * The program's memory is copied into the supervisor, the shared rule runs on the supervisor's copy of the
 * descriptor, and what the rule wrote is copied back. A descriptor the rule replaced (a kernel socket that became
 * virtual) is installed in the program under its number before the answer; a descriptor a rule made (an accepted
 * connection) becomes the answer itself.
 */
#include "resolver_services.h"
#include "answers.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../config.h"
#include "../log.h"
#include "../netlink.h"
#include "../socket_calls.h"
#include "../sockets.h"
#include "pass_calls.h"

_Thread_local bool netcon_passed_to_kernel;

/* Data a call may move in one answer: a datagram always fits; a stream call moves a part, as it may. */
#define NETCON_ANSWER_DATA_MAX (256 * 1024)
#define NETCON_ANSWER_OPTION_MAX 512
#define NETCON_ANSWER_IOV_MAX 1024
#define NETCON_ANSWER_CONTROL_MAX 1024

static bool netcon_is_send(int nr) { return nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg; }
static bool netcon_is_receive(int nr) { return nr == SYS_recvfrom || nr == SYS_recvmsg || nr == SYS_recvmmsg; }

static int netcon_call_flags(const struct netcon_notice *notice) {
    int nr = notice->request.data.nr;
    if (nr == SYS_sendmsg || nr == SYS_recvmsg) return (int)netcon_notice_argument(notice, 2);
    if (netcon_is_send(nr) || netcon_is_receive(nr)) return (int)netcon_notice_argument(notice, 3);
    return 0;
}

static void netcon_drop_copy(struct netcon_notice *notice) {
    if (notice->fd >= 0) close(notice->fd);
    notice->fd = -1;
}

/* A host socket under --isolate: what the kernel would have said with no route (or no such address). */
static long netcon_isolated_refusal(int nr) {
    if (nr == SYS_bind) return -EADDRNOTAVAIL;
    if (nr == SYS_connect || netcon_is_send(nr)) return -ENETUNREACH;
    return 0;
}

static int netcon_read_address(const struct netcon_notice *notice, uint64_t address, socklen_t length,
                               struct sockaddr_storage *out, socklen_t *out_length);

/* A unix socket's connect to one of the host's name services (resolver_services.h). */
static bool netcon_connects_to_name_service(const struct netcon_notice *notice) {
    struct sockaddr_storage address;
    socklen_t length;
    if (netcon_read_address(notice, netcon_notice_argument(notice, 1), (socklen_t)netcon_notice_argument(notice, 2), &address,
                            &length) < 0)
        return false;
    return netcon_is_host_name_service((const struct sockaddr *)&address, length);
}

bool netcon_answer_prepare(struct netcon_notice *notice, enum netcon_readiness *readiness) {
    int nr = notice->request.data.nr;
    *readiness = NETCON_ANSWER_NOW;
    notice->fd_number = (int)netcon_notice_argument(notice, 0);
    notice->fd = netcon_notice_copy_descriptor(notice);
    if (notice->fd < 0) { /* not a descriptor (EBADF), or the thread is gone: the kernel says what it says */
        notice->fd = -1;
        netcon_notice_continue(notice);
        return false;
    }
    /* One fstat, the socket table's: not a socket is the kernel's to answer (ENOTSOCK). */
    struct netcon_socket entry;
    enum netcon_fd_class class = netcon_socket_find(notice->fd, &entry);
    if (class == NETCON_FD_OTHER) {
        netcon_drop_copy(notice);
        netcon_notice_continue(notice);
        return false;
    }
    notice->inode = entry.inode;
    /* A route netlink socket: its address dump requests are noted, and the answers received by the rules. */
    bool dumping = class == NETCON_FD_KERNEL && netcon_netlink_is_route(&entry) &&
                   (netcon_is_send(nr) || (netcon_is_receive(nr) && netcon_netlink_has_pending(entry.inode)));
    bool served = class == NETCON_FD_VIRTUAL || dumping ||
                  (class == NETCON_FD_KERNEL && (netcon_socket_is_candidate(&entry) || netcon_socket_is_echo(&entry)));
    if (!served) {
        long refusal = 0;
        if (netcon_config.isolate && class == NETCON_FD_KERNEL && (entry.domain == AF_INET || entry.domain == AF_INET6))
            refusal = netcon_isolated_refusal(nr);
        if (nr == SYS_connect && class == NETCON_FD_KERNEL && entry.domain == AF_UNIX && netcon_connects_to_name_service(notice))
            refusal = -ECONNREFUSED;
        netcon_drop_copy(notice);
        if (refusal != 0) netcon_notice_answer(notice, refusal);
        else netcon_notice_continue(notice);
        return false;
    }
    /* The rules leave receiving, accepting, peer names and options of a kernel socket to the kernel (udp_calls.c,
       tcp_calls.c, name_calls.c, sockopt_calls.c), and a kernel stream socket's sends (its destination was decided
       when it connected): continued at once, without copying the program's buffers. */
    if (class == NETCON_FD_KERNEL && !dumping &&
        (netcon_is_receive(nr) || nr == SYS_accept || nr == SYS_accept4 || nr == SYS_getpeername ||
         nr == SYS_getsockopt || nr == SYS_setsockopt || (nr == SYS_getsockname && !entry.pending_bind) ||
         (netcon_is_send(nr) && entry.type == SOCK_STREAM))) {
        netcon_drop_copy(notice);
        netcon_notice_continue(notice);
        return false;
    }
    int status_flags = fcntl(notice->fd, F_GETFL);
    bool blocking = status_flags >= 0 && !(status_flags & O_NONBLOCK) && !(netcon_call_flags(notice) & MSG_DONTWAIT);
    if (!blocking) return true;
    if (nr == SYS_connect && class == NETCON_FD_KERNEL) {
        *readiness = NETCON_MAY_BLOCK;
    } else if ((class == NETCON_FD_VIRTUAL && (nr == SYS_accept || nr == SYS_accept4 || netcon_is_receive(nr) ||
                                               netcon_is_send(nr))) ||
               (dumping && netcon_is_receive(nr) && !netcon_netlink_has_kept(entry.inode))) {
        struct pollfd poller = {.fd = notice->fd, .events = netcon_is_send(nr) ? POLLOUT : POLLIN};
        if (poll(&poller, 1, 0) == 0) *readiness = netcon_is_send(nr) ? NETCON_WAIT_WRITABLE : NETCON_WAIT_READABLE;
    }
    return true;
}

/* Copies in a socket address of `length` bytes (NULL address: none). */
static int netcon_read_address(const struct netcon_notice *notice, uint64_t address, socklen_t length,
                               struct sockaddr_storage *out, socklen_t *out_length) {
    memset(out, 0, sizeof *out);
    *out_length = 0;
    if (address == 0) return 0;
    if (length > sizeof *out) return -EINVAL;
    *out_length = length;
    return netcon_notice_read(notice, address, out, length);
}

/* A name the rules produced into (storage, produced) goes back to the program's buffer of `capacity` bytes, and
   its full length to the program's length word. */
static int netcon_write_name(const struct netcon_notice *notice, uint64_t address, uint64_t length_address,
                             const struct sockaddr_storage *storage, socklen_t capacity, socklen_t produced) {
    socklen_t copied = produced < capacity ? produced : capacity;
    if (address != 0 && netcon_notice_write(notice, address, storage, copied) < 0) return -EFAULT;
    if (length_address != 0 && netcon_notice_write(notice, length_address, &produced, sizeof produced) < 0)
        return -EFAULT;
    return 0;
}

static int netcon_read_length(const struct netcon_notice *notice, uint64_t address, socklen_t *length) {
    *length = 0;
    return address == 0 ? 0 : netcon_notice_read(notice, address, length, sizeof *length);
}

/* The program's vectors, read and clipped to NETCON_ANSWER_DATA_MAX in all; one local buffer backs them. For a
   send the bytes are copied in; for a receive only the room is made. */
struct netcon_vectors {
    struct iovec remote[NETCON_ANSWER_IOV_MAX];
    struct iovec local[NETCON_ANSWER_IOV_MAX];
    size_t count;
    size_t total;
    char *buffer;
};

static int netcon_read_vectors(const struct netcon_notice *notice, uint64_t address, size_t count, bool copy_data,
                               struct netcon_vectors *vectors) {
    vectors->count = 0;
    vectors->total = 0;
    vectors->buffer = NULL;
    if (count > NETCON_ANSWER_IOV_MAX) return -EMSGSIZE;
    if (count > 0 && netcon_notice_read(notice, address, vectors->remote, count * sizeof(struct iovec)) < 0)
        return -EFAULT;
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        size_t room = NETCON_ANSWER_DATA_MAX - total;
        size_t length = vectors->remote[i].iov_len < room ? vectors->remote[i].iov_len : room;
        vectors->remote[i].iov_len = length;
        total += length;
    }
    vectors->buffer = malloc(total > 0 ? total : 1);
    if (vectors->buffer == NULL) return -ENOMEM;
    size_t offset = 0;
    for (size_t i = 0; i < count; i++) {
        vectors->local[i] = (struct iovec){vectors->buffer + offset, vectors->remote[i].iov_len};
        if (copy_data &&
            netcon_notice_read(notice, (uint64_t)(uintptr_t)vectors->remote[i].iov_base, vectors->local[i].iov_base,
                               vectors->local[i].iov_len) < 0) {
            free(vectors->buffer);
            vectors->buffer = NULL;
            return -EFAULT;
        }
        offset += vectors->remote[i].iov_len;
    }
    vectors->count = count;
    vectors->total = total;
    return 0;
}

/* The first `length` received bytes go back into the program's vectors. */
static int netcon_write_vectors(const struct netcon_notice *notice, const struct netcon_vectors *vectors, size_t length) {
    for (size_t i = 0; i < vectors->count && length > 0; i++) {
        size_t part = vectors->local[i].iov_len < length ? vectors->local[i].iov_len : length;
        if (netcon_notice_write(notice, (uint64_t)(uintptr_t)vectors->remote[i].iov_base, vectors->local[i].iov_base,
                                part) < 0)
            return -EFAULT;
        length -= part;
    }
    return 0;
}

/* sendmsg/recvmsg's message, and sendmmsg/recvmmsg's first one: the supervisor answers a batch call one message at
   a time, which those calls allow (they return how many messages were done). */
static long netcon_answer_message(struct netcon_notice *notice, uint64_t message_address, bool batch, int flags) {
    int nr = notice->request.data.nr;
    bool sending = netcon_is_send(nr);
    struct msghdr remote;
    if (netcon_notice_read(notice, message_address, &remote, sizeof remote) < 0) return -EFAULT;
    struct sockaddr_storage name;
    socklen_t name_length;
    socklen_t name_capacity = remote.msg_name != NULL ? remote.msg_namelen : 0;
    if (sending) {
        long read = netcon_read_address(notice, (uint64_t)(uintptr_t)remote.msg_name, name_capacity, &name, &name_length);
        if (read < 0) return read;
    } else {
        memset(&name, 0, sizeof name);
        name_length = name_capacity < sizeof name ? name_capacity : (socklen_t)sizeof name;
    }
    struct netcon_vectors *vectors = malloc(sizeof *vectors);
    if (vectors == NULL) return -ENOMEM;
    long result = netcon_read_vectors(notice, (uint64_t)(uintptr_t)remote.msg_iov, remote.msg_iovlen, sending, vectors);
    /* Control messages are the kernel's business on a kernel socket (the call is passed on whole). A virtual
       socket reads IP_PKTINFO's source on sending and may give IP_PKTINFO on receiving. */
    char control[NETCON_ANSWER_CONTROL_MAX];
    size_t control_capacity = remote.msg_control != NULL ? remote.msg_controllen : 0;
    if (result == 0 && control_capacity > sizeof control) {
        if (sending) result = -ENOBUFS;
        else control_capacity = sizeof control;
    }
    if (result == 0 && sending && control_capacity > 0 &&
        netcon_notice_read(notice, (uint64_t)(uintptr_t)remote.msg_control, control, control_capacity) < 0)
        result = -EFAULT;
    if (result == 0 && !netcon_notice_valid(notice)) result = -EINTR;
    if (result < 0) {
        free(vectors->buffer);
        free(vectors);
        return result;
    }
    struct msghdr local = {
        .msg_name = remote.msg_name != NULL ? &name : NULL,
        .msg_namelen = remote.msg_name != NULL ? name_length : 0,
        .msg_iov = vectors->local,
        .msg_iovlen = vectors->count,
        .msg_control = control_capacity > 0 ? control : NULL,
        .msg_controllen = control_capacity,
    };
    if (batch) {
        struct mmsghdr one = {.msg_hdr = local};
        result = sending ? netcon_call_sendmmsg(notice->fd, &one, 1, flags)
                         : netcon_call_recvmmsg(notice->fd, &one, 1, flags, NULL);
        local = one.msg_hdr;
        if (result == 1 && !netcon_passed_to_kernel) {
            unsigned int length = one.msg_len;
            if (!sending && netcon_write_vectors(notice, vectors, length) < 0) result = -EFAULT;
            /* msg_len follows msg_hdr in struct mmsghdr */
            else if (netcon_notice_write(notice, message_address + offsetof(struct mmsghdr, msg_len), &length,
                                         sizeof length) < 0)
                result = -EFAULT;
        }
    } else {
        result = sending ? netcon_call_sendmsg(notice->fd, &local, flags) : netcon_call_recvmsg(notice->fd, &local, flags);
        if (result >= 0 && !sending && !netcon_passed_to_kernel && netcon_write_vectors(notice, vectors, (size_t)result) < 0)
            result = -EFAULT;
    }
    if (result >= 0 && !sending && !netcon_passed_to_kernel) {
        struct msghdr back = remote;
        back.msg_namelen = local.msg_namelen;
        back.msg_controllen = local.msg_control != NULL ? local.msg_controllen : 0;
        back.msg_flags = local.msg_flags;
        if ((remote.msg_name != NULL &&
             netcon_notice_write(notice, (uint64_t)(uintptr_t)remote.msg_name, &name,
                                 local.msg_namelen < name_capacity ? local.msg_namelen : name_capacity) < 0) ||
            (back.msg_controllen > 0 &&
             netcon_notice_write(notice, (uint64_t)(uintptr_t)remote.msg_control, control, back.msg_controllen) < 0) ||
            netcon_notice_write(notice, message_address, &back, sizeof back) < 0)
            result = -EFAULT;
    }
    free(vectors->buffer);
    free(vectors);
    return result;
}

static long netcon_answer_sendto(struct netcon_notice *notice) {
    struct sockaddr_storage address;
    socklen_t address_length;
    long result = netcon_read_address(notice, netcon_notice_argument(notice, 4),
                                      (socklen_t)netcon_notice_argument(notice, 5), &address, &address_length);
    if (result < 0) return result;
    size_t length = (size_t)netcon_notice_argument(notice, 2);
    if (length > NETCON_ANSWER_DATA_MAX) length = NETCON_ANSWER_DATA_MAX;
    char *buffer = malloc(length > 0 ? length : 1);
    if (buffer == NULL) return -ENOMEM;
    result = netcon_notice_read(notice, netcon_notice_argument(notice, 1), buffer, length);
    if (result == 0 && !netcon_notice_valid(notice)) result = -EINTR;
    if (result == 0)
        result = netcon_call_sendto(notice->fd, buffer, length, (int)netcon_notice_argument(notice, 3),
                                    address_length > 0 ? (struct sockaddr *)&address : NULL, address_length);
    free(buffer);
    return result;
}

static long netcon_answer_recvfrom(struct netcon_notice *notice) {
    uint64_t address = netcon_notice_argument(notice, 4), length_address = netcon_notice_argument(notice, 5);
    socklen_t capacity;
    if (netcon_read_length(notice, length_address, &capacity) < 0) return -EFAULT;
    size_t length = (size_t)netcon_notice_argument(notice, 2);
    if (length > NETCON_ANSWER_DATA_MAX) length = NETCON_ANSWER_DATA_MAX;
    char *buffer = malloc(length > 0 ? length : 1);
    if (buffer == NULL) return -ENOMEM;
    if (!netcon_notice_valid(notice)) {
        free(buffer);
        return -EINTR;
    }
    struct sockaddr_storage name;
    memset(&name, 0, sizeof name);
    socklen_t produced = capacity < sizeof name ? capacity : (socklen_t)sizeof name;
    long result = netcon_call_recvfrom(notice->fd, buffer, length, (int)netcon_notice_argument(notice, 3),
                                       length_address != 0 ? (struct sockaddr *)&name : NULL,
                                       length_address != 0 ? &produced : NULL);
    if (result >= 0 && !netcon_passed_to_kernel) {
        if (netcon_notice_write(notice, netcon_notice_argument(notice, 1), buffer, (size_t)result) < 0 ||
            (length_address != 0 &&
             netcon_write_name(notice, address, length_address, &name, capacity, produced) < 0))
            result = -EFAULT;
    }
    free(buffer);
    return result;
}

/* connect and bind: an address in. */
static long netcon_answer_address_call(struct netcon_notice *notice) {
    struct sockaddr_storage address;
    socklen_t length;
    long result = netcon_read_address(notice, netcon_notice_argument(notice, 1),
                                      (socklen_t)netcon_notice_argument(notice, 2), &address, &length);
    if (result < 0) return result;
    if (!netcon_notice_valid(notice)) return -EINTR;
    return notice->request.data.nr == SYS_connect
               ? netcon_call_connect(notice->fd, (struct sockaddr *)&address, length)
               : netcon_call_bind(notice->fd, (struct sockaddr *)&address, length);
}

/* getsockname and getpeername: a name out. */
static long netcon_answer_name_call(struct netcon_notice *notice) {
    uint64_t address = netcon_notice_argument(notice, 1), length_address = netcon_notice_argument(notice, 2);
    socklen_t capacity;
    if (length_address == 0 || netcon_read_length(notice, length_address, &capacity) < 0) return -EFAULT;
    if (!netcon_notice_valid(notice)) return -EINTR;
    struct sockaddr_storage name;
    memset(&name, 0, sizeof name);
    socklen_t produced = capacity < sizeof name ? capacity : (socklen_t)sizeof name;
    long result = notice->request.data.nr == SYS_getsockname
                      ? netcon_call_getsockname(notice->fd, (struct sockaddr *)&name, &produced)
                      : netcon_call_getpeername(notice->fd, (struct sockaddr *)&name, &produced);
    if (result >= 0 && !netcon_passed_to_kernel &&
        netcon_write_name(notice, address, length_address, &name, capacity, produced) < 0)
        result = -EFAULT;
    return result;
}

static long netcon_answer_getsockopt(struct netcon_notice *notice) {
    uint64_t value_address = netcon_notice_argument(notice, 3), length_address = netcon_notice_argument(notice, 4);
    socklen_t capacity;
    if (length_address == 0 || netcon_read_length(notice, length_address, &capacity) < 0) return -EFAULT;
    if (!netcon_notice_valid(notice)) return -EINTR;
    char value[NETCON_ANSWER_OPTION_MAX];
    memset(value, 0, sizeof value);
    socklen_t produced = capacity < sizeof value ? capacity : (socklen_t)sizeof value;
    long result = netcon_call_getsockopt(notice->fd, (int)netcon_notice_argument(notice, 1),
                                         (int)netcon_notice_argument(notice, 2), value_address ? value : NULL, &produced);
    if (result >= 0 && !netcon_passed_to_kernel &&
        ((value_address != 0 && netcon_notice_write(notice, value_address, value, produced) < 0) ||
         netcon_notice_write(notice, length_address, &produced, sizeof produced) < 0))
        result = -EFAULT;
    return result;
}

static long netcon_answer_setsockopt(struct netcon_notice *notice) {
    socklen_t length = (socklen_t)netcon_notice_argument(notice, 4);
    char value[NETCON_ANSWER_OPTION_MAX];
    if (length > sizeof value) length = sizeof value; /* no option the rules read is longer */
    uint64_t value_address = netcon_notice_argument(notice, 3);
    if (value_address != 0 && netcon_notice_read(notice, value_address, value, length) < 0) return -EFAULT;
    if (!netcon_notice_valid(notice)) return -EINTR;
    return netcon_call_setsockopt(notice->fd, (int)netcon_notice_argument(notice, 1),
                                  (int)netcon_notice_argument(notice, 2), value_address ? value : NULL, length);
}

/* accept and accept4: a virtual listener's connection is installed as the answer. Returns 1 when answered. */
static long netcon_answer_accept(struct netcon_notice *notice, bool *answered) {
    int nr = notice->request.data.nr;
    uint64_t address = netcon_notice_argument(notice, 1), length_address = netcon_notice_argument(notice, 2);
    int flags = nr == SYS_accept4 ? (int)netcon_notice_argument(notice, 3) : 0;
    socklen_t capacity = 0;
    if (address != 0 && (length_address == 0 || netcon_read_length(notice, length_address, &capacity) < 0))
        return -EFAULT;
    if (!netcon_notice_valid(notice)) return -EINTR;
    struct sockaddr_storage name;
    memset(&name, 0, sizeof name);
    socklen_t produced = capacity < sizeof name ? capacity : (socklen_t)sizeof name;
    long connection = netcon_call_accept(notice->fd, address ? (struct sockaddr *)&name : NULL,
                                         address ? &produced : NULL, flags);
    if (connection < 0 || netcon_passed_to_kernel) return connection;
    if (address != 0 && netcon_write_name(notice, address, length_address, &name, capacity, produced) < 0) {
        close((int)connection);
        return -EFAULT;
    }
    int installed = netcon_notice_install_as_answer(notice, (int)connection, (flags & SOCK_CLOEXEC) != 0);
    close((int)connection);
    if (installed >= 0) *answered = true;
    return installed;
}

void netcon_answer(struct netcon_notice *notice) {
    int nr = notice->request.data.nr;
    netcon_passed_to_kernel = false;
    bool answered = false;
    long result;
    switch (nr) {
    case SYS_connect:
    case SYS_bind: result = netcon_answer_address_call(notice); break;
    case SYS_listen: result = netcon_call_listen(notice->fd, (int)netcon_notice_argument(notice, 1)); break;
    case SYS_accept:
    case SYS_accept4: result = netcon_answer_accept(notice, &answered); break;
    case SYS_getsockname:
    case SYS_getpeername: result = netcon_answer_name_call(notice); break;
    case SYS_getsockopt: result = netcon_answer_getsockopt(notice); break;
    case SYS_setsockopt: result = netcon_answer_setsockopt(notice); break;
    case SYS_sendto: result = netcon_answer_sendto(notice); break;
    case SYS_recvfrom: result = netcon_answer_recvfrom(notice); break;
    case SYS_sendmsg:
    case SYS_recvmsg:
        result = netcon_answer_message(notice, netcon_notice_argument(notice, 1), false, netcon_call_flags(notice));
        break;
    case SYS_sendmmsg:
    case SYS_recvmmsg:
        if (netcon_notice_argument(notice, 2) == 0) {
            result = 0;
            break;
        }
        result = netcon_answer_message(notice, netcon_notice_argument(notice, 1), true, netcon_call_flags(notice));
        break;
    default: netcon_passed_to_kernel = true; result = 0; break;
    }
    if (answered) {
        netcon_drop_copy(notice);
        return;
    }
    /* Replaced by the rules (adopted, or silenced before the call was passed on): the program gets the new one. */
    struct stat status;
    if (fstat(notice->fd, &status) == 0 && status.st_ino != notice->inode) {
        int installed = netcon_notice_install(notice, notice->fd, netcon_notice_close_on_exec(notice));
        if (installed < 0) {
            netcon_debug("seccomp: installing fd %d in thread %d failed: %s", notice->fd_number,
                         (int)notice->request.pid, strerror(-installed));
            netcon_passed_to_kernel = false;
            if (result >= 0 || result == -EINPROGRESS) result = installed;
        }
    }
    if (netcon_passed_to_kernel) {
        netcon_drop_copy(notice);
        netcon_notice_continue(notice);
        return;
    }
    netcon_drop_copy(notice);
    netcon_notice_answer(notice, result);
}
