/*
 * The supervisor: one thread receives the filter's notifications and answers each at once, except a call that
 * would block (a blocking connect, or a blocking accept/receive/send on a virtual socket that is not ready):
 * that one is answered by a thread of its own, so that one program waiting never stalls the others.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../config.h"
#include "../log.h"
#include "answers.h"
#include "filter.h"
#include "netcon_intercept.h"
#include "served_threads.h"

void netcon_intercept_configure(const struct netcon_intercept_settings *settings) {
    netcon_config.rpc_socket = settings->rpc_socket != NULL ? strdup(settings->rpc_socket) : NULL;
    netcon_config.isolate = settings->isolate;
    netcon_config.listen_host = settings->listen_host;
    netcon_config.debug = settings->debug;
    netcon_config.discovers_inherited = false;
    netcon_config.session_fd = -1; /* the supervisor reaches the node as netcon's own user */
}

/* A waiting call re-checks its notification this often, to notice a program that was interrupted or died. */
#define NETCON_WAIT_SLICE_MS 200

static long long netcon_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

struct netcon_waiting_call {
    struct netcon_notice notice;
    enum netcon_readiness readiness;
};

static void *netcon_answer_later(void *argument) {
    struct netcon_waiting_call *call = argument;
    struct netcon_notice *notice = &call->notice;
    if (call->readiness == NETCON_WAIT_READABLE || call->readiness == NETCON_WAIT_WRITABLE) {
        bool reading = call->readiness == NETCON_WAIT_READABLE;
        struct pollfd poller = {.fd = notice->fd, .events = reading ? POLLIN : POLLOUT};
        /* SO_RCVTIMEO / SO_SNDTIMEO bound the wait as they bound the kernel's: then the call fails with EAGAIN. */
        struct timeval limit = {0, 0};
        socklen_t length = sizeof limit;
        getsockopt(notice->fd, SOL_SOCKET, reading ? SO_RCVTIMEO : SO_SNDTIMEO, &limit, &length);
        long long deadline = limit.tv_sec != 0 || limit.tv_usec != 0
                                 ? netcon_now_ms() + (long long)limit.tv_sec * 1000 + limit.tv_usec / 1000
                                 : 0;
        for (;;) {
            int slice = NETCON_WAIT_SLICE_MS;
            if (deadline != 0) {
                long long left = deadline - netcon_now_ms();
                if (left <= 0) {
                    close(notice->fd);
                    notice->fd = -1;
                    netcon_notice_answer(notice, -EAGAIN);
                    free(call);
                    return NULL;
                }
                if (left < slice) slice = (int)left;
            }
            int ready = poll(&poller, 1, slice);
            if (ready > 0 || (ready < 0 && errno != EINTR)) break;
            if (!netcon_notice_valid(notice)) {
                close(notice->fd);
                free(call);
                return NULL;
            }
        }
    }
    netcon_answer(notice);
    free(call);
    return NULL;
}

static void netcon_hand_off(const struct netcon_notice *notice, enum netcon_readiness readiness) {
    struct netcon_waiting_call *call = malloc(sizeof *call);
    pthread_attr_t attributes;
    pthread_t thread;
    if (call != NULL) {
        call->notice = *notice;
        call->readiness = readiness;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attributes, 256 * 1024);
        int started = pthread_create(&thread, &attributes, netcon_answer_later, call);
        pthread_attr_destroy(&attributes);
        if (started == 0) return;
        free(call);
    }
    /* No thread: answer here, blocking the others for as long as this call takes. */
    struct netcon_notice copy = *notice;
    netcon_answer(&copy);
}

/* Linux 6.6: the kernel hands the CPU straight from the stopped program to the supervisor blocked in RECV and
   back, instead of waking it through the scheduler (the headers of older kernels lack the names). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1UL
#endif

static void *netcon_supervise(void *argument) {
    int listener = (int)(intptr_t)argument;
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP); /* best effort */
    struct netcon_notice notice;
    for (;;) {
        memset(&notice, 0, sizeof notice);
        notice.listener = listener;
        notice.fd = -1;
        /* Blocks until a served call stops; the thread ends with netcon (the filter outlives no served process
           that matters to it). ENOENT: the caller died meanwhile. */
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &notice.request) != 0) {
            if (errno == EINTR || errno == ENOENT) continue;
            break;
        }
        netcon_served_thread_seen((pid_t)notice.request.pid);
        enum netcon_readiness readiness;
        if (!netcon_answer_prepare(&notice, &readiness)) continue;
        if (readiness == NETCON_ANSWER_NOW) netcon_answer(&notice);
        else netcon_hand_off(&notice, readiness);
    }
    close(listener);
    return NULL;
}

static int netcon_start_supervisor(int listener) {
    pthread_attr_t attributes;
    pthread_t thread;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int result = pthread_create(&thread, &attributes, netcon_supervise, (void *)(intptr_t)listener);
    pthread_attr_destroy(&attributes);
    return result;
}

/* What the child reports over the status channel before it execs (nothing at all once exec succeeded). Plain
   read and write: once the filter is on, a sendmsg of the child's would wait for the supervisor it is starting. */
struct netcon_child_report {
    int stage;
    int error;
    int listener; /* the notification descriptor's number in the child */
};

static void netcon_child_report(int channel, int stage, int error, int listener) {
    struct netcon_child_report report = {stage, error, listener};
    while (write(channel, &report, sizeof report) < 0 && errno == EINTR) {}
}

/* The child between fork and exec: only async-signal-safe calls. */
static void netcon_child(int channel, const struct netcon_filter *filter, const char *path, char *const argv[],
                         char *const envp[], const int *default_signals, int default_signal_count) {
    struct sigaction defaults;
    memset(&defaults, 0, sizeof defaults);
    defaults.sa_handler = SIG_DFL;
    for (int i = 0; i < default_signal_count; i++) sigaction(default_signals[i], &defaults, NULL);
    sigset_t nothing;
    sigemptyset(&nothing);
    sigprocmask(SIG_SETMASK, &nothing, NULL);
    int listener = netcon_filter_install(filter);
    if (listener < 0) {
        netcon_child_report(channel, NETCON_SPAWN_FILTER, -listener, -1);
        _exit(127);
    }
    netcon_child_report(channel, NETCON_SPAWN_FILTER, 0, listener);
    char taken;
    ssize_t ignored;
    do {
        ignored = read(channel, &taken, 1); /* the parent has its own copy of the listener now */
    } while (ignored < 0 && errno == EINTR);
    close(listener);
    execve(path, argv, envp);
    netcon_child_report(channel, NETCON_SPAWN_EXEC, errno, -1);
    _exit(127);
}

static ssize_t netcon_read_report(int channel, struct netcon_child_report *report) {
    ssize_t received;
    do {
        received = read(channel, report, sizeof *report);
    } while (received < 0 && errno == EINTR);
    return received;
}

/* The listener, copied out of the child. */
static int netcon_take_listener(pid_t child, int number) {
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    if (pidfd < 0) return -errno;
    int listener = (int)syscall(SYS_pidfd_getfd, pidfd, number, 0);
    int error = errno;
    close(pidfd);
    return listener < 0 ? -error : listener;
}

/* A child with a status channel to it: channel[0] is the parent's end, channel[1] the child's (close-on-exec, so
   a successful exec closes it). Returns the child's pid (0 in the child) or -errno. */
static pid_t netcon_fork_with_channel(int channel[2]) {
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) != 0) return -errno;
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        close(channel[0]);
        close(channel[1]);
        return -error;
    }
    return child;
}

int netcon_spawn_supervised(const char *path, char *const argv[], char *const envp[], const int *default_signals,
                            int default_signal_count, pid_t *pid, enum netcon_spawn_stage *stage) {
    *stage = NETCON_SPAWN_START;
    struct netcon_filter filter;
    netcon_filter_build(&filter, netcon_config.isolate);
    int channel[2];
    pid_t child = netcon_fork_with_channel(channel);
    if (child < 0) return -child;
    if (child == 0) {
        close(channel[0]);
        netcon_child(channel[1], &filter, path, argv, envp, default_signals, default_signal_count);
    }
    close(channel[1]);
    struct netcon_child_report report = {NETCON_SPAWN_START, EPROTO, -1};
    ssize_t received = netcon_read_report(channel[0], &report);
    int error = 0;
    if (received != (ssize_t)sizeof report || report.error != 0) {
        *stage = received == (ssize_t)sizeof report ? (enum netcon_spawn_stage)report.stage : NETCON_SPAWN_START;
        error = report.error != 0 ? report.error : EPROTO;
    } else {
        int listener = netcon_take_listener(child, report.listener);
        if (listener < 0) {
            *stage = NETCON_SPAWN_FILTER;
            error = -listener;
        } else if ((error = netcon_start_supervisor(listener)) != 0) {
            close(listener);
        } else {
            /* From here the child's system calls are served; its exec succeeded when the channel closes unsaid. */
            while (write(channel[0], "", 1) < 0 && errno == EINTR) {}
            received = netcon_read_report(channel[0], &report);
            if (received == (ssize_t)sizeof report) {
                *stage = NETCON_SPAWN_EXEC;
                error = report.error;
            }
        }
    }
    close(channel[0]);
    if (error != 0) {
        kill(child, SIGKILL);
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        return error;
    }
    *pid = child;
    return 0;
}

int netcon_intercept_probe(void) {
    struct netcon_filter filter;
    netcon_filter_build(&filter, false);
    int channel[2];
    pid_t child = netcon_fork_with_channel(channel);
    if (child < 0) return -child;
    if (child == 0) {
        int listener = netcon_filter_install(&filter);
        struct netcon_child_report report = {NETCON_SPAWN_FILTER, listener < 0 ? -listener : 0};
        ssize_t ignored = write(channel[1], &report, sizeof report);
        (void)ignored;
        _exit(0);
    }
    close(channel[1]);
    struct netcon_child_report report = {NETCON_SPAWN_FILTER, EPROTO};
    ssize_t received;
    do {
        received = read(channel[0], &report, sizeof report);
    } while (received < 0 && errno == EINTR);
    close(channel[0]);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
    return received == (ssize_t)sizeof report ? report.error : EPROTO;
}
