#ifndef NETCON_PRELOAD_DATAGRAM_H
#define NETCON_PRELOAD_DATAGRAM_H
/* The header that precedes each datagram on an unconnected virtual UDP descriptor (pure functions). */
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "netcon_rpc.h"

void netcon_datagram_pack(netcon_rpc_datagram_header *header, const netcon_rpc_address *peer);

/* 0, or -EPROTO when the header names no IP endpoint. *local (when not NULL) becomes the address the datagram was
   sent to, family 0 when the node did not say. */
int netcon_datagram_unpack(const netcon_rpc_datagram_header *header, netcon_rpc_address *peer,
                           netcon_rpc_address *local);

/* The source address a sendmsg's IP_PKTINFO (ipi_spec_dst) or IPV6_PKTINFO (ipi6_addr) asks for, family 0 when
   none does; v4-mapped addresses become IPv4. Returns 0, or -EOPNOTSUPP for a control message nothing serves
   (UDP_SEGMENT: the datagram would leave unsegmented). */
int netcon_datagram_source(const struct msghdr *message, netcon_rpc_address *source);

/* The IP_PKTINFO / IPV6_PKTINFO control messages a socket with those options gets for a datagram sent to
   `local`, written into message->msg_control (msg_controllen set; MSG_CTRUNC when they did not fit). */
void netcon_datagram_packet_info(struct msghdr *message, const netcon_rpc_address *local, int domain, uint32_t options);

/* out[0] = the header, out[1...] = the payload vectors (no copy). out has room for count + 1 entries. */
void netcon_datagram_vectors(struct iovec *out, netcon_rpc_datagram_header *header, const struct iovec *payload,
                             size_t count);

/* The payload length of a message of `received` bytes, header included (-EPROTO when shorter than a header). */
ssize_t netcon_datagram_payload_length(ssize_t received);

#endif
