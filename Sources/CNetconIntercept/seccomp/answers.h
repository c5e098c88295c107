#ifndef NETCON_SECCOMP_ANSWERS_H
#define NETCON_SECCOMP_ANSWERS_H
/* Each system call the filter stops, answered with the shared rules (socket_calls.h). */
#include <stdbool.h>

#include "notice.h"

/* What answering needs before it may run on the loop thread. */
enum netcon_readiness {
    NETCON_ANSWER_NOW = 0,    /* answer on the calling thread */
    NETCON_WAIT_READABLE = 1, /* a blocking call on a virtual socket with nothing to read yet */
    NETCON_WAIT_WRITABLE = 2,
    NETCON_MAY_BLOCK = 3, /* a blocking connect: the node answers when the handshake ends */
};

/* Takes the descriptor copy and classifies the call. Calls that are not about a socket the rules serve are
   answered here at once (continued in the kernel, or refused under --isolate): returns false then. */
bool netcon_answer_prepare(struct netcon_notice *notice, enum netcon_readiness *readiness);

/* Runs the rules for a prepared call and answers it; closes the descriptor copy. */
void netcon_answer(struct netcon_notice *notice);

#endif
