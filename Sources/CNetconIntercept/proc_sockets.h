#ifndef NETCON_INTERCEPT_PROC_SOCKETS_H
#define NETCON_INTERCEPT_PROC_SOCKETS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing list of socket inodes (malloc'd). */
struct netcon_inode_list {
    uint64_t *items;
    size_t count;
    size_t capacity;
};

/* Appends the inode of every socket in a /proc/PID/fd directory. False when the directory could not be read
   to its end or memory ran out (the list is then incomplete). */
bool netcon_append_socket_inodes(struct netcon_inode_list *list, const char *fd_directory);

#endif
