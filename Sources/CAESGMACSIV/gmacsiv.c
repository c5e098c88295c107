#include "CAESGMACSIV.h"

#include <stdlib.h>
#include <string.h>

/* BoringSSL as swift-crypto vendors it: every global symbol carries the CCryptoBoringSSL_ prefix, and the
   CCryptoBoringSSL module is not a product of the package, so the few public BoringSSL functions used here
   are declared by hand, with the signatures of BoringSSL's aes.h, aead.h and mem.h. The objects come with
   swift-crypto's Crypto product, which the ZeroTier target links anyway. */

/* BoringSSL's AES_KEY: 4 * (AES_MAXNR + 1) round-key words and the round count. */
typedef struct {
    uint32_t rd_key[60];
    unsigned rounds;
} nc_aes_key;

typedef struct evp_aead_st nc_evp_aead;
typedef struct evp_aead_ctx_st nc_evp_aead_ctx;

extern int CCryptoBoringSSL_AES_set_encrypt_key(const uint8_t *key, unsigned bits, nc_aes_key *aeskey);
extern int CCryptoBoringSSL_AES_set_decrypt_key(const uint8_t *key, unsigned bits, nc_aes_key *aeskey);
extern void CCryptoBoringSSL_AES_encrypt(const uint8_t *in, uint8_t *out, const nc_aes_key *key);
extern void CCryptoBoringSSL_AES_decrypt(const uint8_t *in, uint8_t *out, const nc_aes_key *key);
extern void CCryptoBoringSSL_AES_ctr128_encrypt(const uint8_t *in, uint8_t *out, size_t len, const nc_aes_key *key,
                                                uint8_t ivec[16], uint8_t ecount_buf[16], unsigned int *num);
extern const nc_evp_aead *CCryptoBoringSSL_EVP_aead_aes_256_gcm(void);
extern nc_evp_aead_ctx *CCryptoBoringSSL_EVP_AEAD_CTX_new(const nc_evp_aead *aead, const uint8_t *key, size_t key_len,
                                                          size_t tag_len);
extern void CCryptoBoringSSL_EVP_AEAD_CTX_free(nc_evp_aead_ctx *ctx);
extern int CCryptoBoringSSL_EVP_AEAD_CTX_seal(const nc_evp_aead_ctx *ctx, uint8_t *out, size_t *out_len,
                                              size_t max_out_len, const uint8_t *nonce, size_t nonce_len,
                                              const uint8_t *in, size_t in_len, const uint8_t *ad, size_t ad_len);
extern int CCryptoBoringSSL_CRYPTO_memcmp(const void *a, const void *b, size_t len);
extern void CCryptoBoringSSL_OPENSSL_cleanse(void *ptr, size_t len);

enum {
    ID_AT = 0,         /* packet ID, 8 bytes */
    HEADER_AT = 8,     /* destination, source, flags: 11 bytes the GMAC covers */
    HEADER_LEN = 11,
    FLAGS_AT = 18,
    MAC_AT = 19,       /* 8 bytes */
    BODY_AT = 27,      /* verb and payload */
    BLOCK = 16,
    /* The GMAC input is one 16-byte block (the header, zero-padded) followed by the body. That block is
       written over the 16 bytes just before the body for the duration of the call, so BoringSSL reads one
       contiguous buffer and nothing of the body is copied; those 16 bytes are put back afterwards. */
    SCRATCH_AT = BODY_AT - BLOCK,
};

struct netcon_gmacsiv {
    nc_aes_key k1_encrypt;
    nc_aes_key k1_decrypt;
    nc_evp_aead_ctx *k0_gcm;
};

netcon_gmacsiv *netcon_gmacsiv_new(const uint8_t k0[32], const uint8_t k1[32]) {
    netcon_gmacsiv *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) return NULL;
    ctx->k0_gcm = CCryptoBoringSSL_EVP_AEAD_CTX_new(CCryptoBoringSSL_EVP_aead_aes_256_gcm(), k0, 32, BLOCK);
    if (ctx->k0_gcm == NULL || CCryptoBoringSSL_AES_set_encrypt_key(k1, 256, &ctx->k1_encrypt) != 0
        || CCryptoBoringSSL_AES_set_decrypt_key(k1, 256, &ctx->k1_decrypt) != 0) {
        netcon_gmacsiv_free(ctx);
        return NULL;
    }
    return ctx;
}

void netcon_gmacsiv_free(netcon_gmacsiv *ctx) {
    if (ctx == NULL) return;
    if (ctx->k0_gcm != NULL) CCryptoBoringSSL_EVP_AEAD_CTX_free(ctx->k0_gcm);
    CCryptoBoringSSL_OPENSSL_cleanse(ctx, sizeof *ctx);
    free(ctx);
}

/* The 16-byte GMAC tag of the packet's header block and body under the nonce id || 0^32. */
static int gmac(const netcon_gmacsiv *ctx, uint8_t *packet, size_t length, const uint8_t id[8], uint8_t tag[BLOCK]) {
    uint8_t block[BLOCK] = {0}, saved[BLOCK], nonce[12] = {0};
    memcpy(block, packet + HEADER_AT, HEADER_LEN);
    block[FLAGS_AT - HEADER_AT] &= 0xf8; /* relays change the hop count */
    memcpy(nonce, id, 8);
    memcpy(saved, packet + SCRATCH_AT, BLOCK);
    memcpy(packet + SCRATCH_AT, block, BLOCK);
    size_t tag_len = 0;
    const int ok = CCryptoBoringSSL_EVP_AEAD_CTX_seal(ctx->k0_gcm, tag, &tag_len, BLOCK, nonce, sizeof nonce, tag, 0,
                                                      packet + SCRATCH_AT, length - SCRATCH_AT);
    memcpy(packet + SCRATCH_AT, saved, BLOCK);
    return ok == 1 && tag_len == BLOCK;
}

/* XORs the body with the AES-CTR keystream of K1 from the synthetic IV, its bit 7 of byte 12 cleared (the
   32-bit counter in bytes 12-15 then cannot carry into the rest within a packet). */
static void ctr(const netcon_gmacsiv *ctx, uint8_t *packet, size_t length, const uint8_t siv[BLOCK]) {
    uint8_t counter[BLOCK], ecount[BLOCK] = {0};
    unsigned int used = 0;
    memcpy(counter, siv, BLOCK);
    counter[12] &= 0x7f;
    CCryptoBoringSSL_AES_ctr128_encrypt(packet + BODY_AT, packet + BODY_AT, length - BODY_AT, &ctx->k1_encrypt, counter,
                                        ecount, &used);
    CCryptoBoringSSL_OPENSSL_cleanse(ecount, sizeof ecount);
}

int netcon_gmacsiv_seal(const netcon_gmacsiv *ctx, uint8_t *packet, size_t length) {
    if (ctx == NULL || packet == NULL || length < BODY_AT + 1) return 0;
    uint8_t tag[BLOCK], siv[BLOCK];
    if (!gmac(ctx, packet, length, packet + ID_AT, tag)) return 0;
    memcpy(siv, packet + ID_AT, 8);
    for (int i = 0; i < 8; ++i) siv[8 + i] = tag[i] ^ tag[8 + i];
    CCryptoBoringSSL_AES_encrypt(siv, siv, &ctx->k1_encrypt);
    ctr(ctx, packet, length, siv);
    memcpy(packet + ID_AT, siv, 8);
    memcpy(packet + MAC_AT, siv + 8, 8);
    return 1;
}

int netcon_gmacsiv_open(const netcon_gmacsiv *ctx, uint8_t *packet, size_t length, uint8_t original_id[8]) {
    if (ctx == NULL || packet == NULL || length < BODY_AT + 1) return 0;
    uint8_t siv[BLOCK], opened[BLOCK], tag[BLOCK], folded[8];
    memcpy(siv, packet + ID_AT, 8);
    memcpy(siv + 8, packet + MAC_AT, 8);
    CCryptoBoringSSL_AES_decrypt(siv, opened, &ctx->k1_decrypt);
    ctr(ctx, packet, length, siv);
    int authentic = gmac(ctx, packet, length, opened, tag);
    if (authentic) {
        for (int i = 0; i < 8; ++i) folded[i] = tag[i] ^ tag[8 + i];
        authentic = CCryptoBoringSSL_CRYPTO_memcmp(folded, opened + 8, 8) == 0;
    }
    if (!authentic) {
        ctr(ctx, packet, length, siv); /* back to the ciphertext that came in */
        return 0;
    }
    if (original_id != NULL) memcpy(original_id, opened, 8);
    return 1;
}
