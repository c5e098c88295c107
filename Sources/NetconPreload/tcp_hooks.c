/* connect, bind, listen, accept and accept4: the shared rules of socket_calls.h with the program's errno convention around them. */
#include <errno.h>
#include <sys/socket.h>

#include "hooks.h"
#include "program_memory.h"
#include "real.h"
#include "result.h"
#include "socket_calls.h"

NETCON_EXPORT int connect(int fd, __CONST_SOCKADDR_ARG address, socklen_t length) {
    int saved_errno = errno;
    int checked = netcon_check_address_in(address.__sockaddr__, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_connect(fd, address.__sockaddr__, length), saved_errno);
}

NETCON_EXPORT int bind(int fd, __CONST_SOCKADDR_ARG address, socklen_t length) {
    int saved_errno = errno;
    int checked = netcon_check_address_in(address.__sockaddr__, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_bind(fd, address.__sockaddr__, length), saved_errno);
}

NETCON_EXPORT int listen(int fd, int backlog) {
    int saved_errno = errno;
    netcon_init();
    return (int)netcon_finish(netcon_call_listen(fd, backlog), saved_errno);
}

NETCON_EXPORT int accept(int fd, __SOCKADDR_ARG address, socklen_t *length) {
    int saved_errno = errno;
    int checked = netcon_check_address_out(address.__sockaddr__, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_accept(fd, address.__sockaddr__, length, 0), saved_errno);
}

NETCON_EXPORT int accept4(int fd, __SOCKADDR_ARG address, socklen_t *length, int flags) {
    int saved_errno = errno;
    int checked = netcon_check_address_out(address.__sockaddr__, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_accept(fd, address.__sockaddr__, length, flags), saved_errno);
}
