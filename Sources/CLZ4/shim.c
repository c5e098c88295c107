#include "CLZ4.h"

int netcon_lz4_version(void) { return LZ4_versionNumber(); }
