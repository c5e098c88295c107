/* A host-only program run with the preload library by PreloadHostTests. Modes:
     host                 TCP and UDP on 127.0.0.1 through the real kernel; prints "host ok"
     connect IP PORT      TCP connect to IP:PORT twice (1.1 s apart, past the routes cache) and a UDP
                          sendto; prints "connect: <errno name>" / "sendto: <errno name>" lines
     bind                 TCP bind to 127.0.0.1:0; prints "bind: <errno name>"
     exec ENV...          execve("/usr/bin/env") with exactly the environment ENV... */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *name_of(int error) {
    switch (error) {
    case 0: return "ok";
    case ENETUNREACH: return "ENETUNREACH";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default: return strerror(error);
    }
}

static struct sockaddr_in loopback(unsigned short port) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

#define REQUIRE(condition)                                                                                     \
    do {                                                                                                       \
        if (!(condition)) {                                                                                    \
            printf("failed: %s (line %d, errno %s)\n", #condition, __LINE__, strerror(errno));                \
            return 1;                                                                                          \
        }                                                                                                      \
    } while (0)

static int host(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = loopback(0);
    REQUIRE(bind(listener, (struct sockaddr *)&address, sizeof address) == 0);
    REQUIRE(listen(listener, 4) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(listener, (struct sockaddr *)&address, &length) == 0 && address.sin_port != 0);

    int client = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(connect(client, (struct sockaddr *)&address, sizeof address) == 0);
    struct sockaddr_in peer;
    length = sizeof peer;
    int server = accept(listener, (struct sockaddr *)&peer, &length);
    REQUIRE(server >= 0 && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    REQUIRE(send(client, "ping", 4, 0) == 4);
    char buffer[16] = {0};
    REQUIRE(recv(server, buffer, sizeof buffer, 0) == 4 && memcmp(buffer, "ping", 4) == 0);
    length = sizeof peer;
    REQUIRE(getpeername(client, (struct sockaddr *)&peer, &length) == 0 && peer.sin_port == address.sin_port);
    int error = -1;
    length = sizeof error;
    REQUIRE(getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0);

    int udp = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 udp_address = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    REQUIRE(bind(udp, (struct sockaddr *)&udp_address, sizeof udp_address) == 0);
    length = sizeof udp_address;
    REQUIRE(getsockname(udp, (struct sockaddr *)&udp_address, &length) == 0);
    REQUIRE(sendto(udp, "dgram", 5, 0, (struct sockaddr *)&udp_address, sizeof udp_address) == 5);
    struct sockaddr_in6 from;
    length = sizeof from;
    memset(buffer, 0, sizeof buffer);
    REQUIRE(recvfrom(udp, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length) == 5);
    REQUIRE(memcmp(buffer, "dgram", 5) == 0 && from.sin6_port == udp_address.sin6_port);
    printf("host ok\n");
    return 0;
}

static int connect_twice(const char *ip, unsigned short port) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, ip, &address.sin_addr) != 1) return 64;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt > 0) usleep(1100 * 1000);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        errno = 0;
        int result = connect(fd, (struct sockaddr *)&address, sizeof address);
        printf("connect: %s\n", result == 0 ? "ok" : name_of(errno));
        close(fd);
    }
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    ssize_t sent = sendto(udp, "x", 1, 0, (struct sockaddr *)&address, sizeof address);
    printf("sendto: %s\n", sent == 1 ? "ok" : name_of(errno));
    return 0;
}

static int bind_loopback(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = loopback(0);
    int result = bind(fd, (struct sockaddr *)&address, sizeof address);
    printf("bind: %s\n", result == 0 ? "ok" : name_of(errno));
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 2 && strcmp(argv[1], "host") == 0) return host();
    if (argc >= 4 && strcmp(argv[1], "connect") == 0) return connect_twice(argv[2], (unsigned short)atoi(argv[3]));
    if (argc >= 2 && strcmp(argv[1], "bind") == 0) return bind_loopback();
    if (argc >= 2 && strcmp(argv[1], "exec") == 0) {
        char *arguments[] = {"env", NULL};
        execve("/usr/bin/env", arguments, argv + 2);
        perror("execve");
        return 1;
    }
    fprintf(stderr, "usage: probe host | connect IP PORT | bind | exec ENV...\n");
    return 64;
}
