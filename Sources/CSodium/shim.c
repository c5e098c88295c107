#include "CSodium.h"

int netcon_sodium_ready(void) {
    return sodium_init() < 0 ? -1 : 0;
}
