#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static void netcon_write_line(char *line, int length, size_t capacity) {
    if (length < 0) return;
    if ((size_t)length >= capacity - 1) length = (int)capacity - 2;
    line[length++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)length);
    (void)ignored;
}

void netcon_debug(const char *format, ...) {
    if (!netcon_config.debug) return;
    char line[512];
    int prefix = snprintf(line, sizeof line, "netcon[%d]: ", (int)getpid());
    va_list arguments;
    va_start(arguments, format);
    int body = vsnprintf(line + prefix, sizeof line - (size_t)prefix, format, arguments);
    va_end(arguments);
    netcon_write_line(line, body < 0 ? prefix : prefix + body, sizeof line);
}

void netcon_say(const char *format, ...) {
#ifdef NETCON_PRELOAD
    if (!netcon_config.debug) return;
#endif
    char line[512];
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(line, sizeof line, format, arguments);
    va_end(arguments);
    netcon_write_line(line, length, sizeof line);
}

static atomic_flag netcon_warned = ATOMIC_FLAG_INIT;

void netcon_warn_unreachable(const char *path, int error) {
    if (atomic_flag_test_and_set(&netcon_warned)) return;
    char reason[128];
    netcon_say("netcon: cannot reach the node at %s: %s", path, strerror_r(error, reason, sizeof reason));
}
