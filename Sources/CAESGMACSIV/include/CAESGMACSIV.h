#ifndef NETCON_CAESGMACSIV_H
#define NETCON_CAESGMACSIV_H
#include <stddef.h>
#include <stdint.h>

/* ZeroTier's cipher suite 3 (AES-GMAC-SIV) over one whole packet, in place, on BoringSSL's AES-NI/PCLMUL
   code (the copy swift-crypto links, reached through its CCryptoBoringSSL_-prefixed C symbols).

   A context holds everything per peer that does not change per packet: the GCM context of K0 (AES key
   schedule and GHASH key tables) and the encryption and decryption key schedules of K1. It is read-only once
   made, so any number of threads may use one at the same time; each call touches only its own packet.

   Packet layout: [0:8] packet ID, [8:13] destination, [13:18] source, [18] flags, [19:27] MAC, [27:] verb
   and payload. Both calls need length >= 28. */

typedef struct netcon_gmacsiv netcon_gmacsiv;

/* k0 and k1 are 32-byte AES-256 keys. NULL if BoringSSL refuses them or memory runs out. */
netcon_gmacsiv *netcon_gmacsiv_new(const uint8_t k0[32], const uint8_t k1[32]);

/* Wipes and frees (NULL is fine). */
void netcon_gmacsiv_free(netcon_gmacsiv *ctx);

/* Seals a packet whose flags byte already names suite 3: GMAC (K0, nonce = packet ID || 0^32) over the
   header's destination, source and flags (hop count cleared) zero-padded to 16 bytes, then the plaintext
   from the verb on; synthetic IV = AES_K1(packet ID || tag[0:8] ^ tag[8:16]); the bytes from the verb on
   are AES-CTR_K1 encrypted from that IV with bit 7 of byte 12 cleared; IV[0:8] replaces the packet ID,
   IV[8:16] fills the MAC field. Returns 1, or 0 (packet unchanged) if the length is below 28 or BoringSSL
   fails. */
int netcon_gmacsiv_seal(const netcon_gmacsiv *ctx, uint8_t *packet, size_t length);

/* Opens a suite-3 packet: decrypts the bytes from the verb on and checks the tag. On success returns 1,
   leaves the wire packet ID and MAC field as they were and, if original_id is not NULL, stores there the
   8 bytes of the packet ID the sender sealed with. On failure returns 0 with the packet as it came in. */
int netcon_gmacsiv_open(const netcon_gmacsiv *ctx, uint8_t *packet, size_t length, uint8_t original_id[8]);

#endif
