#include "CLwIP.h"
#include <pthread.h>

static pthread_mutex_t started_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cond = PTHREAD_COND_INITIALIZER;
static int started = 0;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

static void on_tcpip_ready(void *unused) {
    (void)unused;
    pthread_mutex_lock(&started_lock);
    started = 1;
    pthread_cond_broadcast(&started_cond);
    pthread_mutex_unlock(&started_lock);
}

static void start_tcpip(void) {
    tcpip_init(on_tcpip_ready, NULL);
    pthread_mutex_lock(&started_lock);
    while (!started) pthread_cond_wait(&started_cond, &started_lock);
    pthread_mutex_unlock(&started_lock);
}

/* lwIP keeps global state: tcpip_init may run only once per process, hence pthread_once. */
void netcon_lwip_start(void) { pthread_once(&start_once, start_tcpip); }

void netcon_lwip_lock(void) { LOCK_TCPIP_CORE(); }
void netcon_lwip_unlock(void) { UNLOCK_TCPIP_CORE(); }

const char *netcon_lwip_version(void) { return LWIP_VERSION_STRING; }
