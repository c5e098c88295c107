/*
 * netcon's static probe: a program without libc or dynamic loader, made only of system calls, so that the
 * preload library can never see it. `netcon selftest` and `make bench` run it under `netcon exec` to prove the
 * seccomp path serves such programs (and that --isolate holds for them).
 *
 *   static-probe fetch IPV4 PORT LENGTH [COUNT]
 *     COUNT times (default 1): connects to a `netcon selftest-probe serve` at IPV4:PORT, asks for LENGTH
 *     bytes (seed 1, 2, ...), checks every byte against the probe's SplitMix64 stream. Prints
 *     "fetched COUNT x LENGTH bytes in NS ns" and exits 0; else prints what failed and exits with its errno
 *     (1 when no errno applies).
 */
#include <asm/unistd.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n xor %rbp, %rbp\n mov %rsp, %rdi\n and $-16, %rsp\n call probe_main\n hlt\n");
static long probe_syscall(long number, long a, long b, long c) {
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return result;
}
#elif defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n mov x29, #0\n mov x0, sp\n bl probe_main\n brk #0\n");
static long probe_syscall(long number, long a, long b, long c) {
    register long x8 __asm__("x8") = number, x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}
#else
#error "the static probe knows x86_64 and aarch64"
#endif

/* The compiler may call these for structure copies. */
void *memset(void *destination, int value, size_t count) {
    unsigned char *bytes = destination;
    while (count--) *bytes++ = (unsigned char)value;
    return destination;
}
void *memcpy(void *destination, const void *source, size_t count) {
    unsigned char *to = destination;
    const unsigned char *from = source;
    while (count--) *to++ = *from++;
    return destination;
}

static size_t probe_length(const char *text) {
    size_t length = 0;
    while (text[length]) length++;
    return length;
}

static void probe_print(const char *text) { probe_syscall(__NR_write, 1, (long)text, (long)probe_length(text)); }

static void probe_print_number(uint64_t value) {
    char digits[24];
    int index = 23;
    digits[index] = 0;
    do {
        digits[--index] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    probe_print(digits + index);
}

static __attribute__((noreturn)) void probe_exit(int status) {
    for (;;) probe_syscall(__NR_exit_group, status, 0, 0);
}

static __attribute__((noreturn)) void probe_fail(const char *what, long result) {
    probe_print("static-probe: ");
    probe_print(what);
    if (result < 0) {
        probe_print(": errno ");
        probe_print_number((uint64_t)-result);
    }
    probe_print("\n");
    probe_exit(result < 0 ? (int)-result : 1);
}

static int probe_parse_number(const char *text, uint64_t *out) {
    uint64_t value = 0;
    if (*text == 0) return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9') return -1;
        value = value * 10 + (uint64_t)(*text - '0');
    }
    *out = value;
    return 0;
}

static int probe_parse_ipv4(const char *text, uint8_t out[4]) {
    for (int part = 0; part < 4; part++) {
        uint64_t value = 0;
        int digits = 0;
        while (*text >= '0' && *text <= '9' && digits < 3) value = value * 10 + (uint64_t)(*text++ - '0'), digits++;
        if (digits == 0 || value > 255) return -1;
        out[part] = (uint8_t)value;
        if (part < 3 && *text++ != '.') return -1;
    }
    return *text == 0 ? 0 : -1;
}

struct probe_sockaddr_in {
    uint16_t family;
    uint16_t port; /* network order */
    uint8_t address[4];
    uint8_t zero[8];
};

struct probe_timespec {
    long seconds;
    long nanoseconds;
};

static uint64_t probe_now(void) {
    struct probe_timespec now;
    probe_syscall(__NR_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)&now, 0);
    return (uint64_t)now.seconds * 1000000000u + (uint64_t)now.nanoseconds;
}

/* The selftest probe's payload: SplitMix64 words, little-endian, cut at the length. */
static uint64_t probe_next_word(uint64_t *state) {
    *state += 0x9e3779b97f4a7c15u;
    uint64_t mixed = *state;
    mixed = (mixed ^ (mixed >> 30)) * 0xbf58476d1ce4e5b9u;
    mixed = (mixed ^ (mixed >> 27)) * 0x94d049bb133111ebu;
    return mixed ^ (mixed >> 31);
}

static void probe_fetch_once(const struct probe_sockaddr_in *server, uint64_t seed, uint64_t length) {
    long fd = probe_syscall(__NR_socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
    if (fd < 0) probe_fail("socket", fd);
    long result = probe_syscall(__NR_connect, fd, (long)server, sizeof *server);
    if (result < 0) probe_fail("connect", result);
    uint8_t request[16];
    for (int i = 0; i < 8; i++) {
        request[i] = (uint8_t)(seed >> (8 * i));
        request[8 + i] = (uint8_t)(length >> (8 * i));
    }
    for (long sent = 0; sent < 16;) {
        result = probe_syscall(__NR_write, fd, (long)(request + sent), 16 - sent);
        if (result <= 0) probe_fail("sending the request", result);
        sent += result;
    }
    static uint8_t buffer[65536];
    uint64_t state = seed, word = 0, received = 0;
    for (;;) {
        result = probe_syscall(__NR_read, fd, (long)buffer, sizeof buffer);
        if (result < 0) probe_fail("reading", result);
        if (result == 0) break;
        for (long i = 0; i < result; i++, received++) {
            if (received % 8 == 0) word = probe_next_word(&state);
            if (received >= length || buffer[i] != (uint8_t)(word >> (8 * (received % 8))))
                probe_fail("the payload differs from the probe's stream", 0);
        }
    }
    if (received != length) probe_fail("the server sent fewer bytes than asked", 0);
    probe_syscall(__NR_close, fd, 0, 0);
}

__attribute__((noreturn, used)) void probe_main(long *stack) {
    long count = stack[0];
    char **arguments = (char **)(stack + 1);
    struct probe_sockaddr_in server;
    memset(&server, 0, sizeof server);
    uint64_t port, length, rounds = 1;
    if (count < 5 || probe_length(arguments[1]) != 5 || arguments[1][0] != 'f' ||
        probe_parse_ipv4(arguments[2], server.address) != 0 || probe_parse_number(arguments[3], &port) != 0 ||
        port == 0 || port > 65535 || probe_parse_number(arguments[4], &length) != 0 ||
        (count > 5 && (probe_parse_number(arguments[5], &rounds) != 0 || rounds == 0)))
        probe_fail("usage: static-probe fetch IPV4 PORT LENGTH [COUNT]", 0);
    server.family = 2;
    server.port = (uint16_t)((port >> 8) | ((port & 0xff) << 8));
    uint64_t started = probe_now();
    for (uint64_t round = 1; round <= rounds; round++) probe_fetch_once(&server, round, length);
    uint64_t elapsed = probe_now() - started;
    probe_print("fetched ");
    probe_print_number(rounds);
    probe_print(" x ");
    probe_print_number(length);
    probe_print(" bytes in ");
    probe_print_number(elapsed);
    probe_print(" ns\n");
    probe_exit(0);
}
