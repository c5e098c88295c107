#ifndef NETCON_CSODIUM_H
#define NETCON_CSODIUM_H
#include <sodium.h>

/* sodium_init() is idempotent and thread-safe; this wrapper exists so Swift can call it
   from one lazily-initialised global without importing the whole init dance. Returns 0 on success. */
int netcon_sodium_ready(void);

#endif
