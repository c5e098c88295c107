#ifndef NETCON_PRELOAD_LOG_H
#define NETCON_PRELOAD_LOG_H

/* One line to stderr when NETCON_DEBUG=1; nothing otherwise. */
void netcon_debug(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* A line for the person running netcon. The supervisor writes it to netcon's own stderr. The preload library
   writes it only with NETCON_DEBUG=1: a program's fd 2 may be anything (vsftpd's is the client's socket). */
void netcon_say(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* netcon_say "netcon: cannot reach the node at PATH: reason", at most once per process (a forked child that inherits
   the "already said" state stays quiet too). error is a positive errno. */
void netcon_warn_unreachable(const char *path, int error);

#endif
