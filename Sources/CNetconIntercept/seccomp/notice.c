#include "notice.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static pid_t netcon_thread_group(pid_t thread) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)thread);
    FILE *status = fopen(path, "re");
    if (status == NULL) return -1;
    char line[256];
    pid_t group = -1;
    while (fgets(line, sizeof line, status) != NULL) {
        int value;
        if (sscanf(line, "Tgid: %d", &value) == 1) {
            group = value;
            break;
        }
    }
    fclose(status);
    return group;
}

int netcon_notice_copy_descriptor(struct netcon_notice *notice) {
    pid_t thread = (pid_t)notice->request.pid;
    /* The notification names the thread; a pidfd of a thread needs PIDFD_THREAD (Linux 6.9), else its group. */
    int pidfd = (int)syscall(SYS_pidfd_open, thread, PIDFD_THREAD);
    if (pidfd < 0 && errno == EINVAL) {
        pid_t group = netcon_thread_group(thread);
        pidfd = group > 0 ? (int)syscall(SYS_pidfd_open, group, 0) : -1;
    }
    if (pidfd < 0) return -errno;
    int copy = (int)syscall(SYS_pidfd_getfd, pidfd, notice->fd_number, 0);
    int error = errno;
    close(pidfd);
    return copy < 0 ? -error : copy;
}

int netcon_notice_read(const struct netcon_notice *notice, uint64_t address, void *out, size_t length) {
    if (length == 0) return 0;
    struct iovec local = {out, length}, remote = {(void *)(uintptr_t)address, length};
    ssize_t copied = process_vm_readv((pid_t)notice->request.pid, &local, 1, &remote, 1, 0);
    return copied == (ssize_t)length ? 0 : -EFAULT;
}

int netcon_notice_write(const struct netcon_notice *notice, uint64_t address, const void *bytes, size_t length) {
    if (length == 0) return 0;
    struct iovec local = {(void *)bytes, length}, remote = {(void *)(uintptr_t)address, length};
    ssize_t copied = process_vm_writev((pid_t)notice->request.pid, &local, 1, &remote, 1, 0);
    return copied == (ssize_t)length ? 0 : -EFAULT;
}

bool netcon_notice_valid(const struct netcon_notice *notice) {
    uint64_t id = notice->request.id;
    return ioctl(notice->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

bool netcon_notice_close_on_exec(const struct netcon_notice *notice) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)notice->request.pid, notice->fd_number);
    FILE *info = fopen(path, "re");
    if (info == NULL) return false;
    char line[128];
    unsigned int flags = 0;
    while (fgets(line, sizeof line, info) != NULL)
        if (sscanf(line, "flags: %o", &flags) == 1) break;
    fclose(info);
    return (flags & O_CLOEXEC) != 0;
}

static int netcon_add_descriptor(const struct netcon_notice *notice, int local, bool close_on_exec, uint32_t flags,
                                 int target) {
    struct seccomp_notif_addfd addition = {
        .id = notice->request.id,
        .flags = flags,
        .srcfd = (uint32_t)local,
        .newfd = (uint32_t)target,
        .newfd_flags = close_on_exec ? O_CLOEXEC : 0,
    };
    int result = ioctl(notice->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addition);
    return result < 0 ? -errno : result;
}

int netcon_notice_install(const struct netcon_notice *notice, int local, bool close_on_exec) {
    int result = netcon_add_descriptor(notice, local, close_on_exec, SECCOMP_ADDFD_FLAG_SETFD, notice->fd_number);
    return result < 0 ? result : 0;
}

int netcon_notice_install_as_answer(const struct netcon_notice *notice, int local, bool close_on_exec) {
    return netcon_add_descriptor(notice, local, close_on_exec, SECCOMP_ADDFD_FLAG_SEND, 0);
}

static void netcon_send(const struct netcon_notice *notice, struct seccomp_notif_resp *response) {
    response->id = notice->request.id;
    /* ENOENT: the thread was interrupted or died meanwhile; the kernel already dropped the call. */
    ioctl(notice->listener, SECCOMP_IOCTL_NOTIF_SEND, response);
}

void netcon_notice_answer(const struct netcon_notice *notice, long result) {
    struct seccomp_notif_resp response;
    memset(&response, 0, sizeof response);
    if (result < 0) response.error = (int32_t)result;
    else response.val = result;
    netcon_send(notice, &response);
}

void netcon_notice_continue(const struct netcon_notice *notice) {
    struct seccomp_notif_resp response;
    memset(&response, 0, sizeof response);
    response.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    netcon_send(notice, &response);
}
