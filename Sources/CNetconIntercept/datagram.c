#include "datagram.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

void netcon_datagram_pack(netcon_rpc_datagram_header *header, const netcon_rpc_address *peer) {
    memset(header, 0, sizeof *header);
    header->peer = *peer;
}

int netcon_datagram_unpack(const netcon_rpc_datagram_header *header, netcon_rpc_address *peer) {
    if (header->peer.family != AF_INET && header->peer.family != AF_INET6) return -EPROTO;
    *peer = header->peer;
    return 0;
}

void netcon_datagram_vectors(struct iovec *out, netcon_rpc_datagram_header *header, const struct iovec *payload,
                             size_t count) {
    out[0].iov_base = header;
    out[0].iov_len = sizeof *header;
    if (count > 0) memcpy(out + 1, payload, count * sizeof *payload);
}

ssize_t netcon_datagram_payload_length(ssize_t received) {
    if (received < (ssize_t)sizeof(netcon_rpc_datagram_header)) return -EPROTO;
    return received - (ssize_t)sizeof(netcon_rpc_datagram_header);
}
