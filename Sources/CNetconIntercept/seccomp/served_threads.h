#ifndef NETCON_SECCOMP_SERVED_THREADS_H
#define NETCON_SECCOMP_SERVED_THREADS_H
#include <sys/types.h>

/* Every thread that made a served call is remembered (until it is gone), so that the socket table's sweep
   (sockets.c) can list the sockets the served processes still hold, daemonised ones included. */
void netcon_served_thread_seen(pid_t thread);

#endif
