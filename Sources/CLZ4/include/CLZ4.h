#ifndef NETCON_CLZ4_H
#define NETCON_CLZ4_H
#include <lz4.h>

/* A C target needs at least one symbol of its own; this reports the linked library's version so the
   status output and tests can show which liblz4 the binary carries. */
int netcon_lz4_version(void);

#endif
