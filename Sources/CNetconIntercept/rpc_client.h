#ifndef NETCON_PRELOAD_RPC_CLIENT_H
#define NETCON_PRELOAD_RPC_CLIENT_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "netcon_rpc.h"

/* Most calls get their reply at once; a blocking TCP_CONNECT (and DESCRIBE of a connection still connecting)
   waits for the TCP handshake, which lwIP gives up on well before this. */
#define NETCON_RPC_TIMEOUT_SECONDS 5
#define NETCON_RPC_CONNECT_TIMEOUT_SECONDS 100

/* The first descriptor a received message carried (SCM_RIGHTS), or -1; the others are closed, never leaked. */
int netcon_rpc_first_descriptor(struct msghdr *message);

/* Whether the first `received` bytes of *reply (a whole netcon_rpc_reply of storage) are a reply to a request
   of `op` that holds everything it announces. */
bool netcon_rpc_reply_is_valid(const netcon_rpc_reply *reply, size_t received, uint32_t op);

/* A request of `op` with magic set and everything else zero. */
netcon_rpc_request netcon_rpc_request_for(uint32_t op);

/* One call: through the exec session's descriptor when the process still has it (NETCON_SESSION_FD), else by
   connecting to NETCON_RPC_SOCKET (which must be a socket owned by getuid()); sends the request, waits for the
   reply and its descriptor. Returns 0 with *reply filled (reply->error may be set) and *fd the
   attached descriptor or -1; or -errno when the node cannot be reached (ENOENT, ECONNREFUSED, EACCES, ETIMEDOUT,
   EPROTO...), after printing the one-per-process warning. */
int netcon_rpc_call(const netcon_rpc_request *request, netcon_rpc_reply *reply, int *fd, int timeout_seconds);

#endif
