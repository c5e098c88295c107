#include "CLwIP.h"
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Initial sequence numbers as RFC 6528 has them: a 4 µs clock plus a keyed hash (SipHash-2-4, random key per
 * process) of the connection's addresses and ports. Debian's lwIP (no LWIP_HOOK_TCP_ISN) starts every
 * connection from a global counter that grows by its tick count — 6510, 7581, 7777… — so anyone who sees one
 * connection can predict the next and inject into it. liblwip calls tcp_next_iss through its PLT, so this
 * definition takes its place (as checksum.c does for the checksum); NetStackTests checks both the binding and
 * the hash against SipHash's reference vector. Core held, like every caller of lwIP's. */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                  \
    do {                                                                                          \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);                                 \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                                    \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                                    \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);                                 \
    } while (0)

static uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v; /* little-endian hosts only, as the reference reads its words */
}

uint64_t netcon_siphash24(const uint8_t key[16], const uint8_t *data, size_t length) {
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    size_t whole = length & ~(size_t)7;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = load64(data + i);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t last = (uint64_t)length << 56;
    for (size_t i = 0; i < (length & 7); i++) last |= (uint64_t)data[whole + i] << (8 * i);
    v3 ^= last;
    SIPROUND;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static uint8_t isn_key[16];
static pthread_once_t isn_key_once = PTHREAD_ONCE_INIT;

static void make_isn_key(void) {
    size_t filled = 0;
    while (filled < sizeof isn_key) {
        ssize_t got = getrandom(isn_key + filled, sizeof isn_key - filled, 0);
        if (got > 0) filled += (size_t)got;
    }
}

u32_t tcp_next_iss(struct tcp_pcb *pcb) {
    pthread_once(&isn_key_once, make_isn_key);
    uint8_t tuple[2 * 16 + 4] = {0};
    netcon_lwip_ip_read(&pcb->local_ip, tuple);
    netcon_lwip_ip_read(&pcb->remote_ip, tuple + 16);
    memcpy(tuple + 32, &pcb->local_port, 2);
    memcpy(tuple + 34, &pcb->remote_port, 2);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint32_t clock = (uint32_t)(((uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u) / 4);
    return clock + (uint32_t)netcon_siphash24(isn_key, tuple, sizeof tuple);
}
