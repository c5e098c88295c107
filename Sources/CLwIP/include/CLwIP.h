#ifndef NETCON_CLWIP_H
#define NETCON_CLWIP_H

/* Debian's liblwip is built with NO_SYS=0 and LWIP_TCPIP_CORE_LOCKING=1 against
   /usr/include/lwip/lwipopts.h. Everything here is compiled against that same lwipopts.h so
   struct layouts agree with the shared library. The lwIP macros that Swift cannot see
   (LOCK_TCPIP_CORE and friends) are wrapped once, here. */
#include <lwip/opt.h>
#include <lwip/init.h>
#include <lwip/tcpip.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/tcp.h>
#include <lwip/udp.h>
#include <lwip/raw.h>
#include <lwip/ip_addr.h>
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/mld6.h>
#include <lwip/igmp.h>
#include <lwip/icmp.h>
#include <lwip/nd6.h>
#include <netif/ethernet.h>

/* Starts lwIP's tcpip thread and returns once it is running (tcpip_init's callback has fired). */
void netcon_lwip_start(void);

/* Acquire/release the lwIP core lock (LOCK_TCPIP_CORE / UNLOCK_TCPIP_CORE are macros). */
void netcon_lwip_lock(void);
void netcon_lwip_unlock(void);

/* The library's version string, e.g. "2.1.3", for status and diagnostics. */
const char *netcon_lwip_version(void);

#endif
