/* getsockopt and setsockopt: the shared rules of socket_calls.h with the program's errno convention around them. */
#include <errno.h>
#include <sys/socket.h>

#include "hooks.h"
#include "program_memory.h"
#include "real.h"
#include "result.h"
#include "socket_calls.h"

NETCON_EXPORT int getsockopt(int fd, int level, int name, void *value, socklen_t *length) {
    int saved_errno = errno;
    int checked = netcon_check_option_out(value, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_getsockopt(fd, level, name, value, length), saved_errno);
}

NETCON_EXPORT int setsockopt(int fd, int level, int name, const void *value, socklen_t length) {
    int saved_errno = errno;
    int checked = netcon_check_option_in(value, length);
    if (checked < 0) return (int)netcon_finish(checked, saved_errno);
    netcon_init();
    return (int)netcon_finish(netcon_call_setsockopt(fd, level, name, value, length), saved_errno);
}
