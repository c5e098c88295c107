/* The RPC layout lives in include/netcon_rpc.h; this file exists so SwiftPM builds the target. */
#include "netcon_rpc.h"
