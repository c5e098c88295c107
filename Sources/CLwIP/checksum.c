#include "CLwIP.h"
#include <string.h>

/* lwIP's Internet checksum, 8 bytes at a time.
 *
 * Debian's liblwip computes every TCP/UDP/IP checksum with lwip_standard_chksum (its portable version,
 * two bytes per step), reached through the library's PLT even from inside it. A definition in the program
 * takes its place for every caller (ELF symbol interposition), so lwIP itself — built as Debian built it —
 * sums 8 bytes per step: it was a sixth of a sending node's time. Same contract as lwIP's: the 16-bit
 * one's-complement sum of the bytes taken as native-order 16-bit words from `dataptr` (any alignment, any
 * length), not inverted, folded so that only an all-zero input gives 0. NetStackTests compares it with
 * lwIP's own (dlsym RTLD_NEXT) on every alignment and length. */
uint16_t lwip_standard_chksum(const void *dataptr, int len) {
    const uint8_t *bytes = (const uint8_t *)dataptr;
    uint64_t sum = 0;
    size_t left = len > 0 ? (size_t)len : 0;
    /* Each 8-byte word adds its two 32-bit halves: 2^32 = 1 (mod 0xffff), so words stay in place, and the
       64-bit accumulator cannot overflow below 2^31 words. */
    while (left >= 32) {
        uint64_t w[4];
        memcpy(w, bytes, 32);
        sum += (w[0] & 0xffffffffu) + (w[0] >> 32) + (w[1] & 0xffffffffu) + (w[1] >> 32)
             + (w[2] & 0xffffffffu) + (w[2] >> 32) + (w[3] & 0xffffffffu) + (w[3] >> 32);
        bytes += 32;
        left -= 32;
    }
    while (left >= 8) {
        uint64_t w;
        memcpy(&w, bytes, 8);
        sum += (w & 0xffffffffu) + (w >> 32);
        bytes += 8;
        left -= 8;
    }
    while (left >= 2) {
        uint16_t w;
        memcpy(&w, bytes, 2);
        sum += w;
        bytes += 2;
        left -= 2;
    }
    if (left == 1) {
        uint16_t w = 0;
        memcpy(&w, bytes, 1); /* the first byte of a native 16-bit word */
        sum += w;
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}
