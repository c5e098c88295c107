#include "resolver_services.h"

#include <stddef.h>
#include <string.h>
#include <sys/un.h>

static const char *const netcon_name_services[] = {
    "/run/nscd/socket",
    "/var/run/nscd/socket",
    "/run/systemd/resolve/io.systemd.Resolve",
    "/var/run/systemd/resolve/io.systemd.Resolve",
};

bool netcon_is_host_name_service(const struct sockaddr *address, socklen_t length) {
    if (address == NULL || length <= (socklen_t)offsetof(struct sockaddr_un, sun_path) || address->sa_family != AF_UNIX)
        return false;
    const struct sockaddr_un *unix_address = (const struct sockaddr_un *)address;
    size_t room = (size_t)length - offsetof(struct sockaddr_un, sun_path);
    if (room > sizeof unix_address->sun_path) room = sizeof unix_address->sun_path;
    size_t path_length = strnlen(unix_address->sun_path, room);
    for (size_t i = 0; i < sizeof netcon_name_services / sizeof netcon_name_services[0]; i++) {
        if (strlen(netcon_name_services[i]) == path_length &&
            memcmp(netcon_name_services[i], unix_address->sun_path, path_length) == 0)
            return true;
    }
    return false;
}
