#ifndef NETCON_PRELOAD_PROGRAM_MEMORY_H
#define NETCON_PRELOAD_PROGRAM_MEMORY_H
/*
 * What a hook checks before the shared rules read the program's memory: the kernel answers a bad pointer or
 * length with EFAULT or EINVAL, and so must the library, instead of the program crashing inside it. A check
 * looks at each page of the ranges with process_vm_readv of the process's own memory (which fails where nothing
 * readable is mapped), remembering the last pages found good. (A mapped but read-only buffer given for output is
 * not caught: the rules would fault writing it, as only the kernel can tell.) The seccomp path copies the
 * program's memory the same way (seccomp/answers.c). Each returns 0 or a negative errno.
 */
#include <stddef.h>
#include <sys/socket.h>

/* A socket address the program passes in (connect, bind, sendto): too long is EINVAL, as in the kernel. */
int netcon_check_address_in(const struct sockaddr *address, socklen_t length);

/* An address buffer and its length the call fills in (accept, getsockname, recvfrom), either may be NULL. */
int netcon_check_address_out(const struct sockaddr *address, const socklen_t *length);

/* A message header and what it points at: name, the iovec array and the control data (not the data buffers,
   which the real call hands to the kernel). */
int netcon_check_message(const struct msghdr *message);

/* count headers of a sendmmsg/recvmmsg batch, each checked as above. */
int netcon_check_messages(const struct mmsghdr *messages, unsigned int count);

/* getsockopt's value buffer and length; setsockopt's value. */
int netcon_check_option_out(const void *value, const socklen_t *length);
int netcon_check_option_in(const void *value, socklen_t length);

#endif
