/* getsockname and getpeername: the shared rules of socket_calls.h with the program's errno convention around them. */
#include <errno.h>
#include <sys/socket.h>

#include "hooks.h"
#include "program_memory.h"
#include "real.h"
#include "result.h"
#include "socket_calls.h"

NETCON_EXPORT int getsockname(int fd, __SOCKADDR_ARG address, socklen_t *length) {
    int saved_errno = errno;
    int checked = netcon_check_address_out(address.__sockaddr__, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_getsockname(fd, address.__sockaddr__, length), saved_errno);
}

NETCON_EXPORT int getpeername(int fd, __SOCKADDR_ARG address, socklen_t *length) {
    int saved_errno = errno;
    int checked = netcon_check_address_out(address.__sockaddr__, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_getpeername(fd, address.__sockaddr__, length), saved_errno);
}
