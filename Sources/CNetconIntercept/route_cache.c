#include <pthread.h>
#include <string.h>
#include <time.h>

#include "address.h"
#include "rpc_client.h"
#include "routes.h"
#include <unistd.h>

/* Routes change when networks are joined or addresses assigned; a second is fresh enough and keeps a program
   that connects in a loop from asking the node every time. A failure is remembered as long. */
#define NETCON_ROUTES_LIFETIME_NS 1000000000LL

static pthread_mutex_t netcon_routes_lock = PTHREAD_MUTEX_INITIALIZER;
static netcon_rpc_route netcon_routes[NETCON_RPC_MAX_ROUTES];
static size_t netcon_route_count;
static int netcon_routes_error;
static long long netcon_routes_fetched_at;
static int netcon_routes_valid;

static long long netcon_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void netcon_routes_refresh(long long now) {
    netcon_rpc_request request = netcon_rpc_request_for(NETCON_RPC_OP_ROUTES);
    netcon_rpc_reply reply;
    int fd;
    int result = netcon_rpc_call(&request, &reply, &fd, NETCON_RPC_TIMEOUT_SECONDS);
    if (fd >= 0) close(fd);
    pthread_mutex_lock(&netcon_routes_lock);
    netcon_routes_fetched_at = now;
    netcon_routes_valid = 1;
    netcon_routes_error = result < 0 ? result : -reply.error;
    netcon_route_count = netcon_routes_error == 0 ? reply.route_count : 0;
    memcpy(netcon_routes, reply.routes, netcon_route_count * sizeof *netcon_routes);
    pthread_mutex_unlock(&netcon_routes_lock);
}

/* Asks the node again when the cache is older than its lifetime. The call is made without the lock: two threads
   may both ask, which is harmless. */
static void netcon_routes_make_fresh(void) {
    long long now = netcon_now_ns();
    pthread_mutex_lock(&netcon_routes_lock);
    int fresh = netcon_routes_valid && now - netcon_routes_fetched_at < NETCON_ROUTES_LIFETIME_NS;
    pthread_mutex_unlock(&netcon_routes_lock);
    if (!fresh) netcon_routes_refresh(now);
}

int netcon_routes_classify(const netcon_rpc_address *address) {
    /* The host's own loopback never needs the node (nor a warning when it is not there), unless it may be the
       resolver: then a node that cannot be reached leaves it to the host, as before there was one. */
    bool may_be_resolver = address->port == NETCON_RESOLVER_PORT;
    if (netcon_address_is_loopback(address) && !may_be_resolver) return NETCON_ROUTE_HOST;
    netcon_routes_make_fresh();
    pthread_mutex_lock(&netcon_routes_lock);
    int result = netcon_routes_error != 0 ? netcon_routes_error
                                          : (int)netcon_routes_match(netcon_routes, netcon_route_count, address);
    if (result < 0 && may_be_resolver && netcon_address_is_loopback(address)) result = NETCON_ROUTE_HOST;
    pthread_mutex_unlock(&netcon_routes_lock);
    return result;
}

int netcon_routes_copy(netcon_rpc_route *out, size_t capacity) {
    netcon_routes_make_fresh();
    pthread_mutex_lock(&netcon_routes_lock);
    int result = netcon_routes_error;
    if (result == 0) {
        size_t count = netcon_route_count < capacity ? netcon_route_count : capacity;
        memcpy(out, netcon_routes, count * sizeof *out);
        result = (int)count;
    }
    pthread_mutex_unlock(&netcon_routes_lock);
    return result;
}

void netcon_routes_reset_after_fork(void) { pthread_mutex_init(&netcon_routes_lock, NULL); }
void netcon_routes_lock_for_fork(void) { pthread_mutex_lock(&netcon_routes_lock); }
void netcon_routes_unlock_after_fork(void) { pthread_mutex_unlock(&netcon_routes_lock); }
