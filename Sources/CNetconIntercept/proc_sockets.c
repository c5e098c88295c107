#include "proc_sockets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static bool netcon_inode_list_append(struct netcon_inode_list *list, uint64_t inode) {
    if (list->count == list->capacity) {
        size_t capacity = list->capacity == 0 ? 256 : 2 * list->capacity;
        uint64_t *larger = realloc(list->items, capacity * sizeof *larger);
        if (larger == NULL) return false;
        list->items = larger;
        list->capacity = capacity;
    }
    list->items[list->count++] = inode;
    return true;
}

bool netcon_append_socket_inodes(struct netcon_inode_list *list, const char *fd_directory) {
    DIR *directory = opendir(fd_directory);
    if (directory == NULL) return false;
    struct dirent *item;
    bool complete = true;
    while ((item = readdir(directory)) != NULL) {
        char target[64];
        ssize_t length = readlinkat(dirfd(directory), item->d_name, target, sizeof target - 1);
        if (length <= 0) continue;
        target[length] = '\0';
        unsigned long long inode;
        if (sscanf(target, "socket:[%llu]", &inode) != 1) continue;
        if (!netcon_inode_list_append(list, inode)) {
            complete = false;
            break;
        }
    }
    closedir(directory);
    return complete;
}
