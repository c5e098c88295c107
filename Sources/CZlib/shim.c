#include "CZlib.h"

const char *netcon_zlib_version(void) { return zlibVersion(); }
