#ifndef NETCON_INTERCEPT_DNS_MESSAGE_H
#define NETCON_INTERCEPT_DNS_MESSAGE_H
/* The two DNS messages the preload library's name lookups need (pure functions): a recursive query for one
   name and type, and the addresses and code of its response. */
#include <stddef.h>
#include <stdint.h>

#include "netcon_rpc.h"

#define NETCON_DNS_TYPE_A 1
#define NETCON_DNS_TYPE_AAAA 28
#define NETCON_DNS_NO_ERROR 0
#define NETCON_DNS_NAME_ERROR 3
#define NETCON_DNS_REFUSED 5
/* A query's most: 12 bytes of header, 255 of name, 4 of type and class. */
#define NETCON_DNS_QUERY_MAX 271

/* Writes the query for `name` ("web.zt.example", a final dot allowed) into out; returns its length, or -EINVAL
   for a name DNS cannot carry (an empty or over-long label, more than 255 bytes in all). */
int netcon_dns_build_query(uint16_t id, const char *name, uint16_t type, uint8_t *out, size_t capacity);

/* Reads a response to query `id`: *code its response code, and up to `capacity` of its A/AAAA answers into out
   (port 0). Returns how many, or -EPROTO when it is not a well-formed response to that query. */
int netcon_dns_parse_response(const uint8_t *message, size_t length, uint16_t id, int *code, netcon_rpc_address *out,
                              size_t capacity);

#endif
