/* The sockets the table must keep: those this process still has. */
#include <stdlib.h>

#include "proc_sockets.h"
#include "sockets.h"

uint64_t *netcon_live_socket_inodes(size_t *count) {
    struct netcon_inode_list list = {0};
    if (!netcon_append_socket_inodes(&list, "/proc/self/fd")) {
        free(list.items);
        return NULL;
    }
    *count = list.count;
    return list.items != NULL ? list.items : malloc(sizeof(uint64_t));
}
