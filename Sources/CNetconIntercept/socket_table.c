#include "socket_table.h"

#include <stdlib.h>
#include <string.h>

static size_t netcon_slot_of(uint64_t inode, size_t capacity) {
    return (size_t)((inode * 0x9E3779B97F4A7C15ull) >> 17) & (capacity - 1);
}

/* Index of inode's slot, or of the empty slot where it would go. The table is never full. */
static size_t netcon_find(const struct netcon_socket_table *table, uint64_t inode) {
    size_t index = netcon_slot_of(inode, table->capacity);
    while (table->slots[index].inode != 0 && table->slots[index].inode != inode)
        index = (index + 1) & (table->capacity - 1);
    return index;
}

static bool netcon_grow(struct netcon_socket_table *table) {
    size_t capacity = table->capacity == 0 ? 64 : table->capacity * 2;
    struct netcon_socket *slots = calloc(capacity, sizeof *slots);
    if (slots == NULL) return false;
    struct netcon_socket *old = table->slots;
    size_t old_capacity = table->capacity;
    table->slots = slots;
    table->capacity = capacity;
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i].inode != 0) table->slots[netcon_find(table, old[i].inode)] = old[i];
    free(old);
    return true;
}

/* Empties slot index and moves later members of its probe run back so that every entry stays reachable. */
static void netcon_remove_at(struct netcon_socket_table *table, size_t index) {
    size_t mask = table->capacity - 1, hole = index, next = (index + 1) & mask;
    while (table->slots[next].inode != 0) {
        size_t home = netcon_slot_of(table->slots[next].inode, table->capacity);
        /* The entry at next may fill the hole if its home is not cyclically inside (hole, next]. */
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            table->slots[hole] = table->slots[next];
            hole = next;
        }
        next = (next + 1) & mask;
    }
    memset(&table->slots[hole], 0, sizeof table->slots[hole]);
    table->count--;
}

bool netcon_table_get(struct netcon_socket_table *table, uint64_t inode, struct netcon_socket *out) {
    bool found = false;
    pthread_mutex_lock(&table->lock);
    if (table->capacity != 0 && inode != 0) {
        size_t index = netcon_find(table, inode);
        if (table->slots[index].inode == inode) {
            *out = table->slots[index];
            found = true;
        }
    }
    pthread_mutex_unlock(&table->lock);
    return found;
}

uint64_t netcon_table_put(struct netcon_socket_table *table, const struct netcon_socket *entry) {
    if (entry->inode == 0) return 0;
    uint64_t generation = 0;
    pthread_mutex_lock(&table->lock);
    if ((table->count + 1) * 4 <= table->capacity * 3 || netcon_grow(table)) {
        size_t index = netcon_find(table, entry->inode);
        if (table->slots[index].inode == 0) table->count++;
        table->slots[index] = *entry;
        generation = table->slots[index].generation = ++table->generation;
    }
    pthread_mutex_unlock(&table->lock);
    return generation;
}

void netcon_table_forget(struct netcon_socket_table *table, uint64_t inode) {
    pthread_mutex_lock(&table->lock);
    if (table->capacity != 0 && inode != 0) {
        size_t index = netcon_find(table, inode);
        if (table->slots[index].inode == inode) netcon_remove_at(table, index);
    }
    pthread_mutex_unlock(&table->lock);
}

size_t netcon_table_count(struct netcon_socket_table *table) {
    pthread_mutex_lock(&table->lock);
    size_t count = table->count;
    pthread_mutex_unlock(&table->lock);
    return count;
}

uint64_t netcon_table_generation(struct netcon_socket_table *table) {
    pthread_mutex_lock(&table->lock);
    uint64_t generation = table->generation;
    pthread_mutex_unlock(&table->lock);
    return generation;
}

static bool netcon_is_live(uint64_t inode, const uint64_t *live, size_t count) {
    size_t low = 0, high = count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (live[middle] == inode) return true;
        if (live[middle] < inode) low = middle + 1;
        else high = middle;
    }
    return false;
}

void netcon_table_retain(struct netcon_socket_table *table, const uint64_t *live, size_t live_count,
                         uint64_t scanned_at) {
    pthread_mutex_lock(&table->lock);
    for (size_t index = 0; index < table->capacity;) {
        const struct netcon_socket *slot = &table->slots[index];
        if (slot->inode != 0 && slot->generation <= scanned_at && !netcon_is_live(slot->inode, live, live_count))
            netcon_remove_at(table, index); /* an entry may have shifted into index: look at it again */
        else
            index++;
    }
    pthread_mutex_unlock(&table->lock);
}
