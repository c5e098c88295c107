#ifndef NETCON_CZLIB_H
#define NETCON_CZLIB_H
#include <zlib.h>

/* Exposed for the same reason as netcon_lz4_version: a C target needs a translation unit. */
const char *netcon_zlib_version(void);

#endif
