#include "netlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "real.h"
#include "result.h"
#include "routes.h"

/* The loopback device: the one interface every namespace has (see netcon_datagram_packet_info). */
#define NETCON_NETLINK_INTERFACE_INDEX 1
#define NETCON_NETLINK_SLOTS 16
#define NETCON_NETLINK_DATAGRAM_MAX (64 * 1024)

struct netcon_netlink_dump {
    uint64_t inode; /* 0: free */
    uint32_t seq;
    int family;
    bool waiting;   /* the dump's NLMSG_DONE has not come yet */
    char *kept;     /* a datagram received for the program and not yet taken (MSG_PEEK) */
    size_t kept_length;
};

static pthread_mutex_t netcon_netlink_lock = PTHREAD_MUTEX_INITIALIZER;
static struct netcon_netlink_dump netcon_netlink_dumps[NETCON_NETLINK_SLOTS];

bool netcon_netlink_is_route(const struct netcon_socket *entry) {
    return entry->kind == NETCON_RPC_KIND_NONE && entry->domain == AF_NETLINK && entry->protocol == NETLINK_ROUTE;
}

static struct netcon_netlink_dump *netcon_netlink_find(uint64_t inode) {
    for (size_t i = 0; i < NETCON_NETLINK_SLOTS; i++)
        if (netcon_netlink_dumps[i].inode == inode) return &netcon_netlink_dumps[i];
    return NULL;
}

void netcon_netlink_note_request(uint64_t inode, const struct msghdr *message) {
    if (message->msg_iovlen == 0 || message->msg_iov[0].iov_len < NLMSG_LENGTH(sizeof(struct rtgenmsg))) return;
    const struct nlmsghdr *header = message->msg_iov[0].iov_base;
    if (header->nlmsg_type != RTM_GETADDR || !(header->nlmsg_flags & NLM_F_DUMP) ||
        header->nlmsg_len > message->msg_iov[0].iov_len)
        return;
    int family = ((const struct rtgenmsg *)NLMSG_DATA(header))->rtgen_family;
    pthread_mutex_lock(&netcon_netlink_lock);
    struct netcon_netlink_dump *dump = netcon_netlink_find(inode);
    if (dump == NULL) dump = netcon_netlink_find(0);
    if (dump == NULL) dump = &netcon_netlink_dumps[inode % NETCON_NETLINK_SLOTS]; /* the oldest guess goes */
    free(dump->kept);
    *dump = (struct netcon_netlink_dump){.inode = inode, .seq = header->nlmsg_seq, .family = family, .waiting = true};
    pthread_mutex_unlock(&netcon_netlink_lock);
}

bool netcon_netlink_has_pending(uint64_t inode) {
    pthread_mutex_lock(&netcon_netlink_lock);
    bool pending = netcon_netlink_find(inode) != NULL;
    pthread_mutex_unlock(&netcon_netlink_lock);
    return pending;
}

static size_t netcon_put_attribute(char *out, size_t capacity, size_t used, unsigned short type, const void *data,
                                   size_t length) {
    size_t space = RTA_SPACE(length);
    if (used + space > capacity) return 0;
    struct rtattr *attribute = (struct rtattr *)(out + used);
    memset(attribute, 0, space);
    attribute->rta_type = type;
    attribute->rta_len = (unsigned short)RTA_LENGTH(length);
    memcpy(RTA_DATA(attribute), data, length);
    return space;
}

size_t netcon_netlink_address_messages(const void *route_list, size_t route_count, int family, uint32_t seq,
                                       uint32_t pid, char *out, size_t capacity) {
    const netcon_rpc_route *routes = route_list;
    size_t used = 0;
    for (size_t i = 0; i < route_count; i++) {
        const netcon_rpc_route *own = &routes[i];
        if (own->kind != NETCON_RPC_ROUTE_OWN || (family != 0 && own->network.family != family)) continue;
        bool v4 = own->network.family == AF_INET;
        size_t address_length = v4 ? 4 : 16;
        /* The prefix is the network's route that holds the address (the longest one). */
        uint8_t prefix = v4 ? 32 : 128, best = 0;
        for (size_t j = 0; j < route_count; j++) {
            const netcon_rpc_route *route = &routes[j];
            if (route->kind != NETCON_RPC_ROUTE_PREFIX || route->network.family != own->network.family || route->prefix_length < best ||
                route->prefix_length > address_length * 8)
                continue;
            size_t whole = route->prefix_length / 8, bits = route->prefix_length % 8;
            if (whole > address_length || memcmp(route->network.bytes, own->network.bytes, whole) != 0) continue;
            if (bits != 0 && ((route->network.bytes[whole] ^ own->network.bytes[whole]) & (0xff << (8 - bits))) != 0) continue;
            best = route->prefix_length;
            prefix = route->prefix_length;
        }
        size_t start = used;
        if (used + NLMSG_SPACE(sizeof(struct ifaddrmsg)) > capacity) break;
        struct nlmsghdr *header = (struct nlmsghdr *)(out + used);
        memset(header, 0, NLMSG_SPACE(sizeof(struct ifaddrmsg)));
        header->nlmsg_type = RTM_NEWADDR;
        header->nlmsg_flags = NLM_F_MULTI;
        header->nlmsg_seq = seq;
        header->nlmsg_pid = pid;
        struct ifaddrmsg *body = NLMSG_DATA(header);
        body->ifa_family = (unsigned char)own->network.family;
        body->ifa_prefixlen = prefix;
        body->ifa_flags = IFA_F_PERMANENT;
        body->ifa_scope = RT_SCOPE_UNIVERSE;
        body->ifa_index = NETCON_NETLINK_INTERFACE_INDEX;
        used += NLMSG_SPACE(sizeof(struct ifaddrmsg));
        size_t added = netcon_put_attribute(out, capacity, used, IFA_ADDRESS, own->network.bytes, address_length);
        if (added != 0 && v4) {
            used += added;
            added = netcon_put_attribute(out, capacity, used, IFA_LOCAL, own->network.bytes, address_length);
            if (added != 0) {
                used += added;
                added = netcon_put_attribute(out, capacity, used, IFA_LABEL, "lo", 3);
            }
        }
        if (added == 0) {
            used = start;
            break;
        }
        used += added;
        uint32_t flags = IFA_F_PERMANENT;
        added = netcon_put_attribute(out, capacity, used, IFA_FLAGS, &flags, sizeof flags);
        if (added == 0) {
            used = start;
            break;
        }
        used += added;
        header->nlmsg_len = (uint32_t)(used - start);
    }
    return used;
}

/* The kernel's datagram, with the virtual addresses before the dump's NLMSG_DONE when it holds it. */
static char *netcon_netlink_augment(struct netcon_netlink_dump *dump, char *datagram, size_t *length) {
    size_t offset = 0;
    while (offset + NLMSG_HDRLEN <= *length) {
        struct nlmsghdr *header = (struct nlmsghdr *)(datagram + offset);
        if (header->nlmsg_len < NLMSG_HDRLEN || offset + header->nlmsg_len > *length) break;
        if (header->nlmsg_type == NLMSG_DONE && header->nlmsg_seq == dump->seq) {
            netcon_rpc_route routes[NETCON_RPC_MAX_ROUTES];
            int count = netcon_routes_copy(routes, NETCON_RPC_MAX_ROUTES);
            dump->waiting = false;
            if (count <= 0) return datagram;
            char extra[8192];
            size_t added = netcon_netlink_address_messages(routes, (size_t)count, dump->family, header->nlmsg_seq,
                                                           header->nlmsg_pid, extra, sizeof extra);
            char *larger = realloc(datagram, *length + added);
            if (larger == NULL) return datagram;
            memmove(larger + offset + added, larger + offset, *length - offset);
            memcpy(larger + offset, extra, added);
            *length += added;
            return larger;
        }
        offset += NLMSG_ALIGN(header->nlmsg_len);
    }
    return datagram;
}

bool netcon_netlink_has_kept(uint64_t inode) {
    pthread_mutex_lock(&netcon_netlink_lock);
    struct netcon_netlink_dump *dump = netcon_netlink_find(inode);
    bool kept = dump != NULL && dump->kept != NULL;
    pthread_mutex_unlock(&netcon_netlink_lock);
    return kept;
}

long netcon_netlink_receive(int fd, uint64_t inode, struct msghdr *message, int flags) {
    pthread_mutex_lock(&netcon_netlink_lock);
    struct netcon_netlink_dump *dump = netcon_netlink_find(inode);
    bool kept = dump != NULL && dump->kept != NULL;
    pthread_mutex_unlock(&netcon_netlink_lock);
    if (dump == NULL) return netcon_result(NETCON_PASS(recvmsg)(fd, message, flags));
    char *datagram = NULL;
    size_t length = 0;
    if (!kept) {
        datagram = malloc(NETCON_NETLINK_DATAGRAM_MAX);
        if (datagram == NULL) return -ENOMEM;
        struct sockaddr_nl source;
        struct iovec vector = {datagram, NETCON_NETLINK_DATAGRAM_MAX};
        struct msghdr own = {.msg_name = &source, .msg_namelen = sizeof source, .msg_iov = &vector, .msg_iovlen = 1};
        ssize_t received = NETCON_REAL(recvmsg)(fd, &own, flags & ~(MSG_PEEK | MSG_TRUNC));
        if (received < 0) {
            int error = errno;
            free(datagram);
            return -error;
        }
        length = (size_t)received;
        pthread_mutex_lock(&netcon_netlink_lock);
        dump = netcon_netlink_find(inode);
        if (dump != NULL) {
            if (dump->waiting) datagram = netcon_netlink_augment(dump, datagram, &length);
            dump->kept = datagram;
            dump->kept_length = length;
        }
        pthread_mutex_unlock(&netcon_netlink_lock);
        if (dump == NULL) {
            free(datagram);
            return -EAGAIN;
        }
    }
    /* Hand the kept datagram over the way the kernel hands a datagram: as much as fits, MSG_TRUNC for the rest;
       kept for the next call with MSG_PEEK. */
    pthread_mutex_lock(&netcon_netlink_lock);
    dump = netcon_netlink_find(inode);
    long result = -EAGAIN;
    if (dump != NULL && dump->kept != NULL) {
        size_t copied = 0;
        for (size_t i = 0; i < message->msg_iovlen && copied < dump->kept_length; i++) {
            size_t part = message->msg_iov[i].iov_len < dump->kept_length - copied ? message->msg_iov[i].iov_len
                                                                                   : dump->kept_length - copied;
            memcpy(message->msg_iov[i].iov_base, dump->kept + copied, part);
            copied += part;
        }
        message->msg_flags = copied < dump->kept_length ? MSG_TRUNC : 0;
        message->msg_controllen = 0;
        if (message->msg_name != NULL && message->msg_namelen >= sizeof(struct sockaddr_nl)) {
            struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
            memcpy(message->msg_name, &kernel, sizeof kernel);
            message->msg_namelen = sizeof kernel;
        }
        result = (flags & MSG_TRUNC) ? (long)dump->kept_length : (long)copied;
        if (!(flags & MSG_PEEK)) {
            free(dump->kept);
            dump->kept = NULL;
            dump->kept_length = 0;
            if (!dump->waiting) dump->inode = 0; /* the dump is over */
        }
    }
    pthread_mutex_unlock(&netcon_netlink_lock);
    return result;
}
