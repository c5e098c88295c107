#include "served_threads.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../proc_sockets.h"
#include "../sockets.h"

/* Threads share their process's descriptors, so one remembered thread per process would do; a thread is cheap to
   keep and the list is pruned of the gone ones at every sweep. Bounded: past it, the oldest are replaced. */
#define NETCON_SERVED_THREADS_MAX 4096

static pthread_mutex_t netcon_served_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t netcon_served[NETCON_SERVED_THREADS_MAX];
static size_t netcon_served_count;
static size_t netcon_served_next;
static pid_t netcon_served_last;

void netcon_served_thread_seen(pid_t thread) {
    pthread_mutex_lock(&netcon_served_lock);
    if (thread != netcon_served_last) {
        netcon_served_last = thread;
        size_t i = 0;
        while (i < netcon_served_count && netcon_served[i] != thread) i++;
        if (i == netcon_served_count) {
            if (netcon_served_count < NETCON_SERVED_THREADS_MAX) netcon_served[netcon_served_count++] = thread;
            else netcon_served[netcon_served_next++ % NETCON_SERVED_THREADS_MAX] = thread;
        }
    }
    pthread_mutex_unlock(&netcon_served_lock);
}

uint64_t *netcon_live_socket_inodes(size_t *count) {
    struct netcon_inode_list list = {0};
    bool complete = true;
    pthread_mutex_lock(&netcon_served_lock);
    size_t kept = 0;
    for (size_t i = 0; i < netcon_served_count; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/fd", (int)netcon_served[i]);
        struct stat status;
        if (stat(path, &status) != 0) continue; /* gone: forgotten */
        netcon_served[kept++] = netcon_served[i];
        if (!netcon_append_socket_inodes(&list, path)) complete = false;
    }
    netcon_served_count = kept;
    netcon_served_last = 0;
    pthread_mutex_unlock(&netcon_served_lock);
    if (!complete) {
        free(list.items);
        return NULL;
    }
    *count = list.count;
    return list.items != NULL ? list.items : malloc(sizeof(uint64_t));
}
