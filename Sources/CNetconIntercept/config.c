#include "config.h"

struct netcon_config netcon_config;
