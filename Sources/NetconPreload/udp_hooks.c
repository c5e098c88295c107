/* The data calls (send*, recv*, their fortified and batch forms): the shared rules of socket_calls.h with the program's errno convention around them. */
#include <errno.h>
#include <sys/socket.h>

#include "hooks.h"
#include "program_memory.h"
#include "real.h"
#include "result.h"
#include "socket_calls.h"

NETCON_EXPORT ssize_t sendmsg(int fd, const struct msghdr *message, int flags) {
    int saved_errno = errno;
    int checked = netcon_check_message(message);
    if (checked < 0) return netcon_finish(checked, saved_errno);
    netcon_init();
    return netcon_finish(netcon_call_sendmsg(fd, message, flags), saved_errno);
}

NETCON_EXPORT ssize_t sendto(int fd, const void *buffer, size_t length, int flags, __CONST_SOCKADDR_ARG address,
                             socklen_t address_length) {
    int saved_errno = errno;
    if (address.__sockaddr__ != NULL) {
        int checked = netcon_check_address_in(address.__sockaddr__, address_length);
        if (checked < 0) return netcon_finish(checked, saved_errno);
    }
    netcon_init();
    return netcon_finish(netcon_call_sendto(fd, buffer, length, flags, address.__sockaddr__, address_length), saved_errno);
}

NETCON_EXPORT ssize_t send(int fd, const void *buffer, size_t length, int flags) {
    int saved_errno = errno;
    netcon_init();
    return netcon_finish(netcon_call_sendto(fd, buffer, length, flags, NULL, 0), saved_errno);
}

NETCON_EXPORT ssize_t recvmsg(int fd, struct msghdr *message, int flags) {
    int saved_errno = errno;
    int checked = netcon_check_message(message);
    if (checked < 0) return netcon_finish(checked, saved_errno);
    netcon_init();
    return netcon_finish(netcon_call_recvmsg(fd, message, flags), saved_errno);
}

NETCON_EXPORT ssize_t recvfrom(int fd, void *buffer, size_t length, int flags, __SOCKADDR_ARG address,
                               socklen_t *address_length) {
    int saved_errno = errno;
    int checked = netcon_check_address_out(address.__sockaddr__, address_length);
    if (checked < 0) return netcon_finish(checked, saved_errno);
    netcon_init();
    return netcon_finish(netcon_call_recvfrom(fd, buffer, length, flags, address.__sockaddr__, address_length),
                         saved_errno);
}

NETCON_EXPORT ssize_t recv(int fd, void *buffer, size_t length, int flags) {
    int saved_errno = errno;
    netcon_init();
    return netcon_finish(netcon_call_recvfrom(fd, buffer, length, flags, NULL, NULL), saved_errno);
}

extern void __chk_fail(void) __attribute__((noreturn));

NETCON_EXPORT ssize_t __recv_chk(int fd, void *buffer, size_t length, size_t buffer_length, int flags) {
    if (length > buffer_length) __chk_fail();
    return recv(fd, buffer, length, flags);
}

NETCON_EXPORT ssize_t __recvfrom_chk(int fd, void *buffer, size_t length, size_t buffer_length, int flags,
                                     __SOCKADDR_ARG address, socklen_t *address_length) {
    if (length > buffer_length) __chk_fail();
    return recvfrom(fd, buffer, length, flags, address, address_length);
}

NETCON_EXPORT int sendmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags) {
    int saved_errno = errno;
    int checked = netcon_check_messages(messages, count);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_sendmmsg(fd, messages, count, flags), saved_errno);
}

NETCON_EXPORT int recvmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags, struct timespec *timeout) {
    int saved_errno = errno;
    int checked = netcon_check_messages(messages, count);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_recvmmsg(fd, messages, count, flags, timeout), saved_errno);
}
