/* Name lookups: a virtual network's names through the node's resolver, everything else as glibc resolves it.
   glibc's resolver sends its queries from inside libc, where the socket hooks never see them, so these hooks ask
   the node first (it answers only the virtual networks' DNS domains) and hand any other name to glibc. The
   results are built by glibc itself from the numeric addresses, so freeaddrinfo frees them as its own. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "name_lookup.h"
#include "real.h"

#define NETCON_LOOKUP_MAX_ADDRESSES 16

/* A name that can lie under a network's DNS domain: not an address, and with a dot (a domain has a name). */
static bool netcon_may_be_virtual_name(const char *name) {
    if (name == NULL || strchr(name, '.') == NULL) return false;
    unsigned char scratch[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, name, scratch) == 1) return false;
    char copy[INET6_ADDRSTRLEN + 1];
    size_t length = strcspn(name, "%");
    if (length < sizeof copy) {
        memcpy(copy, name, length);
        copy[length] = 0;
        if (inet_pton(AF_INET6, copy, scratch) == 1) return false;
    }
    return true;
}

NETCON_EXPORT int getaddrinfo(const char *name, const char *service, const struct addrinfo *hints, struct addrinfo **result) {
    netcon_init();
    int family = hints != NULL ? hints->ai_family : AF_UNSPEC;
    bool numeric = hints != NULL && (hints->ai_flags & AI_NUMERICHOST) != 0;
    if (numeric || (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) || !netcon_may_be_virtual_name(name))
        return NETCON_REAL(getaddrinfo)(name, service, hints, result);
    int saved_errno = errno;
    netcon_rpc_address addresses[NETCON_LOOKUP_MAX_ADDRESSES];
    int count = netcon_lookup_virtual_name(name, family, addresses, NETCON_LOOKUP_MAX_ADDRESSES);
    errno = saved_errno;
    if (count == NETCON_LOOKUP_NOT_OURS) return NETCON_REAL(getaddrinfo)(name, service, hints, result);
    if (count == -ENOENT) return EAI_NONAME;
    if (count < 0) return EAI_AGAIN;
    if (count == 0) return EAI_NODATA;

    struct addrinfo numeric_hints = {0};
    if (hints != NULL) numeric_hints = *hints;
    /* AI_ADDRCONFIG would weigh the host's interfaces, which glibc reads past the hooks: the program's addresses
       here are the virtual network's, of the families its resolver just answered with. */
    numeric_hints.ai_flags = (numeric_hints.ai_flags & ~(AI_CANONNAME | AI_ADDRCONFIG)) | AI_NUMERICHOST;
    numeric_hints.ai_canonname = NULL;
    numeric_hints.ai_addr = NULL;
    numeric_hints.ai_next = NULL;
    struct addrinfo *head = NULL, **tail = &head;
    int first_error = EAI_NONAME;
    for (int i = 0; i < count; i++) {
        char text[INET6_ADDRSTRLEN];
        if (inet_ntop(addresses[i].family, addresses[i].bytes, text, sizeof text) == NULL) continue;
        struct addrinfo *part = NULL;
        int error = NETCON_REAL(getaddrinfo)(text, service, &numeric_hints, &part);
        if (error != 0) {
            if (first_error == EAI_NONAME) first_error = error;
            continue;
        }
        *tail = part;
        while (*tail != NULL) tail = &(*tail)->ai_next;
    }
    if (head == NULL) return first_error;
    if (hints != NULL && (hints->ai_flags & AI_CANONNAME) != 0) head->ai_canonname = strdup(name);
    *result = head;
    return 0;
}

/* The reentrant form fills `entry` from `buffer`: the name, an empty alias list, and the addresses. */
static int netcon_fill_hostent(const char *name, int family, const netcon_rpc_address *addresses, int count,
                               struct hostent *entry, char *buffer, size_t capacity) {
    size_t address_length = family == AF_INET ? 4 : 16;
    size_t name_length = strlen(name) + 1;
    size_t pointers = (size_t)count + 2; /* the addresses' NULL and the aliases' NULL */
    size_t needed = pointers * sizeof(char *) + (size_t)count * address_length + name_length + sizeof(char *);
    if (needed > capacity) return ERANGE;
    uintptr_t aligned = ((uintptr_t)buffer + sizeof(char *) - 1) & ~(uintptr_t)(sizeof(char *) - 1);
    char **list = (char **)aligned;
    char **aliases = list + count + 1;
    char *bytes = (char *)(aliases + 1);
    for (int i = 0; i < count; i++) {
        memcpy(bytes, addresses[i].bytes, address_length);
        list[i] = bytes;
        bytes += address_length;
    }
    list[count] = NULL;
    aliases[0] = NULL;
    memcpy(bytes, name, name_length);
    entry->h_name = bytes;
    entry->h_aliases = aliases;
    entry->h_addrtype = family;
    entry->h_length = (int)address_length;
    entry->h_addr_list = list;
    return 0;
}

/* The gethostbyname family's answer for a virtual network's name (return value and *error as glibc's reentrant
   forms give them), or NETCON_LOOKUP_NOT_OURS for a name the host resolves. */
static int netcon_virtual_hostent(const char *name, int family, struct hostent *entry, char *buffer, size_t capacity,
                                  struct hostent **result, int *error) {
    if ((family != AF_INET && family != AF_INET6) || !netcon_may_be_virtual_name(name)) return NETCON_LOOKUP_NOT_OURS;
    int saved_errno = errno;
    netcon_rpc_address addresses[NETCON_LOOKUP_MAX_ADDRESSES];
    int count = netcon_lookup_virtual_name(name, family, addresses, NETCON_LOOKUP_MAX_ADDRESSES);
    errno = saved_errno;
    if (count == NETCON_LOOKUP_NOT_OURS) return NETCON_LOOKUP_NOT_OURS;
    *result = NULL;
    if (count <= 0) {
        *error = count == 0 ? NO_DATA : count == -ENOENT ? HOST_NOT_FOUND : TRY_AGAIN;
        return count == -EAGAIN ? EAGAIN : 0;
    }
    int filled = netcon_fill_hostent(name, family, addresses, count, entry, buffer, capacity);
    if (filled != 0) {
        *error = NETDB_INTERNAL;
        return filled;
    }
    *result = entry;
    *error = 0;
    return 0;
}

NETCON_EXPORT int gethostbyname2_r(const char *name, int family, struct hostent *entry, char *buffer, size_t capacity,
                                   struct hostent **result, int *error) {
    netcon_init();
    int answered = netcon_virtual_hostent(name, family, entry, buffer, capacity, result, error);
    if (answered != NETCON_LOOKUP_NOT_OURS) return answered;
    return NETCON_REAL(gethostbyname2_r)(name, family, entry, buffer, capacity, result, error);
}

NETCON_EXPORT int gethostbyname_r(const char *name, struct hostent *entry, char *buffer, size_t capacity,
                                  struct hostent **result, int *error) {
    netcon_init();
    int answered = netcon_virtual_hostent(name, AF_INET, entry, buffer, capacity, result, error);
    if (answered != NETCON_LOOKUP_NOT_OURS) return answered;
    return NETCON_REAL(gethostbyname_r)(name, entry, buffer, capacity, result, error);
}

static _Thread_local struct hostent netcon_static_entry;
static _Thread_local char netcon_static_buffer[1024];

/* The non-reentrant forms' answer for a virtual network's name, in the thread's static entry (h_errno set when
   none), or NETCON_LOOKUP_NOT_OURS in *answered for a name the host resolves. */
static struct hostent *netcon_virtual_static_hostent(const char *name, int family, int *answered) {
    struct hostent *result = NULL;
    int error = 0;
    *answered = netcon_virtual_hostent(name, family, &netcon_static_entry, netcon_static_buffer, sizeof netcon_static_buffer,
                                       &result, &error);
    if (*answered != NETCON_LOOKUP_NOT_OURS && result == NULL) h_errno = error;
    return result;
}

NETCON_EXPORT struct hostent *gethostbyname2(const char *name, int family) {
    netcon_init();
    int answered;
    struct hostent *result = netcon_virtual_static_hostent(name, family, &answered);
    return answered == NETCON_LOOKUP_NOT_OURS ? NETCON_REAL(gethostbyname2)(name, family) : result;
}

NETCON_EXPORT struct hostent *gethostbyname(const char *name) {
    netcon_init();
    int answered;
    struct hostent *result = netcon_virtual_static_hostent(name, AF_INET, &answered);
    return answered == NETCON_LOOKUP_NOT_OURS ? NETCON_REAL(gethostbyname)(name) : result;
}
