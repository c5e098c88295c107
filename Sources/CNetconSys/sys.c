#define _GNU_SOURCE
#include "CNetconSys.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdlib.h>

int netcon_peer_credentials(int fd, uid_t *uid, pid_t *pid) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
    *uid = cred.uid;
    *pid = cred.pid;
    return 0;
}

int netcon_block_signals(const int *signals, int count, sigset_t *out_set) {
    sigemptyset(out_set);
    for (int i = 0; i < count; i++) sigaddset(out_set, signals[i]);
    return pthread_sigmask(SIG_BLOCK, out_set, NULL) == 0 ? 0 : -1;
}

static int fill_address(struct sockaddr_un *addr, const char *path) {
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr->sun_path)) { errno = ENAMETOOLONG; return -1; }
    strcpy(addr->sun_path, path);
    return 0;
}

int netcon_unix_listen(const char *path, mode_t mode, int backlog) {
    return netcon_unix_listen_type(path, SOCK_STREAM, mode, backlog);
}

int netcon_unix_listen_type(const char *path, int type, mode_t mode, int backlog) {
    struct sockaddr_un addr;
    if (fill_address(&addr, path) != 0) return -1;
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    mode_t old = umask((~mode) & 0777);
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    umask(old);
    if (rc != 0 || chmod(path, mode) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int netcon_unix_connect(const char *path) {
    return netcon_unix_connect_type(path, SOCK_STREAM);
}

int netcon_unix_connect_type(const char *path, int type) {
    struct sockaddr_un addr;
    if (fill_address(&addr, path) != 0) return -1;
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int rc;
    do { rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr)); } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int netcon_accept_nonblocking(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

enum { batch_limit = 64 };

/* Points each mmsghdr at its datagram: the whole buffer and room for any address when receiving,
   the used bytes and the given address when sending. */
static void describe_batch(netcon_datagram *datagrams, unsigned int count, struct mmsghdr *headers,
                           struct iovec *vectors, int receiving) {
    memset(headers, 0, sizeof(struct mmsghdr) * count);
    for (unsigned int i = 0; i < count; i++) {
        vectors[i].iov_base = datagrams[i].data;
        vectors[i].iov_len = receiving ? datagrams[i].capacity : datagrams[i].length;
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_name = &datagrams[i].address;
        headers[i].msg_hdr.msg_namelen = receiving ? sizeof(struct sockaddr_storage) : datagrams[i].address_length;
    }
}

int netcon_receive_batch(int fd, netcon_datagram *datagrams, unsigned int count) {
    if (count > batch_limit) count = batch_limit;
    struct mmsghdr headers[batch_limit];
    struct iovec vectors[batch_limit];
    describe_batch(datagrams, count, headers, vectors, 1);
    int received;
    do { received = recvmmsg(fd, headers, count, MSG_DONTWAIT, NULL); } while (received < 0 && errno == EINTR);
    if (received < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    for (int i = 0; i < received; i++) {
        datagrams[i].length = (headers[i].msg_hdr.msg_flags & MSG_TRUNC) ? datagrams[i].capacity + 1 : headers[i].msg_len;
        datagrams[i].address_length = headers[i].msg_hdr.msg_namelen;
    }
    return received;
}

int netcon_send_batch(int fd, netcon_datagram *datagrams, unsigned int count) {
    if (count > batch_limit) count = batch_limit;
    struct mmsghdr headers[batch_limit];
    struct iovec vectors[batch_limit];
    describe_batch(datagrams, count, headers, vectors, 0);
    int sent;
    do { sent = sendmmsg(fd, headers, count, MSG_DONTWAIT); } while (sent < 0 && errno == EINTR);
    return sent;
}

int netcon_socketpair(int type, int fds[2]) {
    return socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds);
}

int netcon_socket_inode(int fd, uint64_t *inode) {
    struct stat info;
    if (fstat(fd, &info) != 0) return -1;
    if (!S_ISSOCK(info.st_mode)) { errno = ENOTSOCK; return -1; }
    *inode = (uint64_t)info.st_ino;
    return 0;
}

ssize_t netcon_send_descriptor(int fd, const void *bytes, size_t length, int descriptor) {
    struct iovec vector = { .iov_base = (void *)bytes, .iov_len = length };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int))]; } control;
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1 };
    if (descriptor >= 0) {
        memset(&control, 0, sizeof(control));
        message.msg_control = control.space;
        message.msg_controllen = sizeof(control.space);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &descriptor, sizeof(int));
    }
    ssize_t sent;
    do { sent = sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT); } while (sent < 0 && errno == EINTR);
    return sent;
}

ssize_t netcon_receive_descriptor(int fd, void *bytes, size_t capacity, int *descriptor) {
    struct iovec vector = { .iov_base = bytes, .iov_len = capacity };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int) * 4)]; } control;
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1,
                              .msg_control = control.space, .msg_controllen = sizeof(control.space) };
    *descriptor = -1;
    ssize_t received;
    do { received = recvmsg(fd, &message, MSG_CMSG_CLOEXEC); } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int passed[4];
        memcpy(passed, CMSG_DATA(header), count * sizeof(int));
        for (size_t i = 0; i < count; i++) {
            if (*descriptor < 0) *descriptor = passed[i]; else close(passed[i]);
        }
    }
    if (message.msg_flags & MSG_CTRUNC) { if (*descriptor >= 0) close(*descriptor); *descriptor = -1; errno = EMSGSIZE; return -1; }
    return received;
}
