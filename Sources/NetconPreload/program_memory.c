#include "program_memory.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>

/* Pages this thread found readable lately: programs pass the same few buffers (a sockaddr on the stack, a
   static msghdr) call after call, so most checks cost no system call. A page the program unmaps after it was
   checked is not noticed; its next use faults in the rules as it would in the program. */
enum { NETCON_KNOWN_PAGES = 8 };
/* initial-exec: the library is loaded with the program (LD_PRELOAD), so its thread-locals can sit in the static
   TLS block and need no __tls_get_addr call per access. */
static __thread __attribute__((tls_model("initial-exec"))) uintptr_t netcon_known_pages[NETCON_KNOWN_PAGES];
static __thread __attribute__((tls_model("initial-exec"))) unsigned netcon_known_next;

static bool netcon_page_known(uintptr_t page) {
    for (unsigned i = 0; i < NETCON_KNOWN_PAGES; i++)
        if (netcon_known_pages[i] == page) return true;
    return false;
}

/* One page, looked at with process_vm_readv on this process (which fails where nothing readable is mapped). */
static bool netcon_page_readable(uintptr_t page) {
    if (page == 0) return false;
    if (netcon_page_known(page)) return true;
    char byte;
    struct iovec local = {&byte, 1}, remote = {(void *)page, 1};
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1) return false;
    netcon_known_pages[netcon_known_next++ % NETCON_KNOWN_PAGES] = page;
    return true;
}

/* -EFAULT when a byte of one of the ranges is not readable; ranges with no length are skipped. */
static int netcon_readable(const struct iovec *ranges, size_t count) {
    for (size_t i = 0; i < count; i++) {
        if (ranges[i].iov_len == 0) continue;
        uintptr_t start = (uintptr_t)ranges[i].iov_base;
        if (start == 0 || start + ranges[i].iov_len < start) return -EFAULT;
        for (uintptr_t page = start & ~(uintptr_t)4095; page < start + ranges[i].iov_len; page += 4096)
            if (!netcon_page_readable(page)) return -EFAULT;
    }
    return 0;
}

int netcon_check_address_in(const struct sockaddr *address, socklen_t length) {
    if (length == 0) return 0;
    if (length > sizeof(struct sockaddr_storage)) return -EINVAL;
    struct iovec range = {(void *)address, length};
    return netcon_readable(&range, 1);
}

int netcon_check_address_out(const struct sockaddr *address, const socklen_t *length) {
    if (address == NULL) return 0;
    struct iovec range = {(void *)length, sizeof *length};
    int result = netcon_readable(&range, 1);
    if (result < 0) return result;
    if ((int)*length < 0) return -EINVAL;
    size_t room = *length < sizeof(struct sockaddr_storage) ? *length : sizeof(struct sockaddr_storage);
    range = (struct iovec){(void *)address, room};
    return netcon_readable(&range, 1);
}

int netcon_check_message(const struct msghdr *message) {
    struct iovec header = {(void *)message, sizeof *message};
    int result = netcon_readable(&header, 1);
    if (result < 0) return result;
    if (message->msg_iovlen > IOV_MAX) return -EMSGSIZE;
    if ((size_t)message->msg_controllen > INT_MAX) return -ENOBUFS;
    /* The kernel reads or writes at most a sockaddr_storage of the name, whatever the length says. */
    socklen_t name = message->msg_namelen < sizeof(struct sockaddr_storage) ? message->msg_namelen : sizeof(struct sockaddr_storage);
    struct iovec parts[3] = {
        {message->msg_name, message->msg_name == NULL ? 0 : name},
        {message->msg_iov, message->msg_iovlen * sizeof(struct iovec)},
        {message->msg_control, message->msg_control == NULL ? 0 : message->msg_controllen},
    };
    return netcon_readable(parts, 3);
}

int netcon_check_messages(const struct mmsghdr *messages, unsigned int count) {
    if (count == 0) return 0;
    if (count > IOV_MAX) count = IOV_MAX; /* the kernel takes no more either (UIO_MAXIOV) */
    struct iovec all = {(void *)messages, count * sizeof *messages};
    int result = netcon_readable(&all, 1);
    for (unsigned int i = 0; result == 0 && i < count; i++) result = netcon_check_message(&messages[i].msg_hdr);
    return result;
}

int netcon_check_option_out(const void *value, const socklen_t *length) {
    struct iovec range = {(void *)length, length == NULL ? 1 : sizeof *length};
    int result = netcon_readable(&range, 1);
    if (result < 0) return result;
    if ((int)*length < 0) return -EINVAL;
    range = (struct iovec){(void *)value, *length};
    return netcon_readable(&range, 1);
}

int netcon_check_option_in(const void *value, socklen_t length) {
    if ((int)length < 0) return -EINVAL;
    struct iovec range = {(void *)value, length};
    return netcon_readable(&range, 1);
}
