#ifndef NETCON_SECCOMP_NOTICE_H
#define NETCON_SECCOMP_NOTICE_H
/*
 * One system call of a served program, stopped by the filter until the supervisor answers it, and the ways to
 * reach into that program: its memory, its descriptors, the answer. Every read of the program's memory is
 * followed by a validity check before anything read is trusted (the thread may have died and its id been
 * reused).
 */
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netcon_notice {
    struct seccomp_notif request;
    int listener;   /* the filter's notification descriptor */
    int fd_number;  /* the program's descriptor the call is about (args[0]) */
    int fd;         /* the supervisor's copy of it, or -1 */
    uint64_t inode; /* the copy's inode before the rules ran */
};

static inline uint64_t netcon_notice_argument(const struct netcon_notice *notice, int index) {
    return notice->request.data.args[index];
}

/* Takes a copy of the program's descriptor fd_number (pidfd_getfd). Returns the copy or -errno. */
int netcon_notice_copy_descriptor(struct netcon_notice *notice);

/* Copies length bytes at address in the program into out. 0 or -EFAULT. */
int netcon_notice_read(const struct netcon_notice *notice, uint64_t address, void *out, size_t length);
int netcon_notice_write(const struct netcon_notice *notice, uint64_t address, const void *bytes, size_t length);

/* The notification is still pending: the thread is alive and stopped in this call. */
bool netcon_notice_valid(const struct netcon_notice *notice);

/* Whether the program's descriptor fd_number is close-on-exec (from /proc/TID/fdinfo). */
bool netcon_notice_close_on_exec(const struct netcon_notice *notice);

/* Puts the supervisor's descriptor `local` in the program under fd_number (replacing what was there). */
int netcon_notice_install(const struct netcon_notice *notice, int local, bool close_on_exec);

/* Puts `local` in the program under a fresh number and answers the call with that number (accept). */
int netcon_notice_install_as_answer(const struct netcon_notice *notice, int local, bool close_on_exec);

/* Answers the call with result (>= 0) or -errno; or lets it run in the kernel as the program made it. */
void netcon_notice_answer(const struct netcon_notice *notice, long result);
void netcon_notice_continue(const struct netcon_notice *notice);

#endif
