#include "filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NETCON_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NETCON_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "netcon's seccomp filter knows x86_64 and aarch64"
#endif

#define NETCON_NR offsetof(struct seccomp_data, nr)
#define NETCON_ARCH offsetof(struct seccomp_data, arch)
/* The low and high 32 bits of argument i (little-endian). */
#define NETCON_ARG_LOW(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define NETCON_ARG_HIGH(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)

static void netcon_emit(struct netcon_filter *filter, struct sock_filter instruction) {
    if (filter->count < NETCON_FILTER_MAX) filter->instructions[filter->count++] = instruction;
}

#define LOAD(offset) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (offset))
#define RETURN(value) BPF_STMT(BPF_RET | BPF_K, (value))
#define JUMP_IF(value, if_true, if_false) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (value), (if_true), (if_false))
#define AND(value) BPF_STMT(BPF_ALU | BPF_AND | BPF_K, (value))

#define ALLOW SECCOMP_RET_ALLOW
#define NOTIFY SECCOMP_RET_USER_NOTIF
#define REFUSE(error) (SECCOMP_RET_ERRNO | ((error) & SECCOMP_RET_DATA))

/* nr == number: return action. The accumulator holds nr before and after. */
static void netcon_rule(struct netcon_filter *filter, int number, unsigned int action) {
    netcon_emit(filter, (struct sock_filter)JUMP_IF((unsigned int)number, 0, 1));
    netcon_emit(filter, (struct sock_filter)RETURN(action));
}

/* nr == number: stop when argument `argument` (an address) is set, run otherwise (sendto/recvfrom without an
   address are plain send/recv on a connected socket: the data path, which never stops). */
static void netcon_rule_with_address(struct netcon_filter *filter, int number, int argument) {
    netcon_emit(filter, (struct sock_filter)JUMP_IF((unsigned int)number, 0, 6));
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_ARG_LOW(argument)));
    netcon_emit(filter, (struct sock_filter)JUMP_IF(0, 0, 3));
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_ARG_HIGH(argument)));
    netcon_emit(filter, (struct sock_filter)JUMP_IF(0, 0, 1));
    netcon_emit(filter, (struct sock_filter)RETURN(ALLOW));
    netcon_emit(filter, (struct sock_filter)RETURN(NOTIFY));
}

/* Forward jumps to labels placed later in a block: each jump remembers which label it wants, and placing the
   label patches the jumps that wait for it (BPF jumps only forward). */
enum { NETCON_NEXT = -1 }; /* a jump that falls through */

struct netcon_block {
    struct netcon_filter *filter;
    unsigned short waiting[32][2]; /* instruction index, label */
    unsigned char true_branch[32];
    int waiting_count;
};

static void netcon_jump(struct netcon_block *block, unsigned int value, int if_true, int if_false) {
    unsigned short at = block->filter->count;
    netcon_emit(block->filter, (struct sock_filter)JUMP_IF(value, 0, 0));
    int labels[2] = {if_true, if_false};
    for (int branch = 0; branch < 2; branch++) {
        if (labels[branch] == NETCON_NEXT || block->waiting_count == 32) continue;
        block->waiting[block->waiting_count][0] = at;
        block->waiting[block->waiting_count][1] = (unsigned short)labels[branch];
        block->true_branch[block->waiting_count] = branch == 0;
        block->waiting_count++;
    }
}

static void netcon_place(struct netcon_block *block, int label) {
    unsigned short here = block->filter->count;
    for (int i = 0; i < block->waiting_count; i++) {
        if (block->waiting[i][1] != label) continue;
        struct sock_filter *jump = &block->filter->instructions[block->waiting[i][0]];
        unsigned char offset = (unsigned char)(here - block->waiting[i][0] - 1);
        if (block->true_branch[i]) jump->jt = offset;
        else jump->jf = offset;
    }
}

/* socket() under --isolate: unix and netlink sockets (local, not a network), TCP and UDP (the rules serve
   them), ICMP echo sockets, datagram or raw (the rules serve those sent to the virtual networks and refuse the
   rest); every other kind (raw TCP or UDP, packet sockets, SCTP, other families) is refused before it exists. */
static void netcon_isolated_sockets(struct netcon_filter *filter) {
    enum { OTHER_CALL, ALLOWED, REFUSED, NO_FAMILY, INET, TRANSPORT, ECHO };
    struct netcon_block block = {.filter = filter};
    netcon_jump(&block, SYS_socket, NETCON_NEXT, OTHER_CALL);
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_ARG_LOW(0)));
    netcon_jump(&block, AF_UNIX, ALLOWED, NETCON_NEXT);
    netcon_jump(&block, AF_NETLINK, ALLOWED, NETCON_NEXT);
    netcon_jump(&block, AF_INET, INET, NETCON_NEXT);
    netcon_jump(&block, AF_INET6, INET, NO_FAMILY);
    netcon_place(&block, INET);
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_ARG_LOW(1)));
    netcon_emit(filter, (struct sock_filter)AND(0xf)); /* the type without SOCK_NONBLOCK / SOCK_CLOEXEC */
    netcon_jump(&block, SOCK_STREAM, TRANSPORT, NETCON_NEXT);
    netcon_jump(&block, SOCK_DGRAM, TRANSPORT, NETCON_NEXT);
    netcon_jump(&block, SOCK_RAW, ECHO, REFUSED);
    netcon_place(&block, TRANSPORT);
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_ARG_LOW(2)));
    netcon_jump(&block, 0, ALLOWED, NETCON_NEXT);
    netcon_jump(&block, IPPROTO_TCP, ALLOWED, NETCON_NEXT);
    netcon_jump(&block, IPPROTO_UDP, ALLOWED, NETCON_NEXT);
    netcon_jump(&block, IPPROTO_ICMP, ALLOWED, NETCON_NEXT);
    netcon_jump(&block, IPPROTO_ICMPV6, ALLOWED, REFUSED);
    netcon_place(&block, ECHO);
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_ARG_LOW(2)));
    netcon_jump(&block, IPPROTO_ICMP, ALLOWED, NETCON_NEXT);
    netcon_jump(&block, IPPROTO_ICMPV6, ALLOWED, REFUSED);
    netcon_place(&block, ALLOWED);
    netcon_emit(filter, (struct sock_filter)RETURN(ALLOW));
    netcon_place(&block, REFUSED);
    netcon_emit(filter, (struct sock_filter)RETURN(REFUSE(EACCES)));
    netcon_place(&block, NO_FAMILY);
    netcon_emit(filter, (struct sock_filter)RETURN(REFUSE(EAFNOSUPPORT)));
    netcon_place(&block, OTHER_CALL);
    /* past the block the accumulator must hold nr again, as the rules that follow expect */
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_NR));
}

void netcon_filter_build(struct netcon_filter *filter, bool isolate) {
    filter->count = 0;
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_ARCH));
#if defined(__x86_64__)
    /* A 32-bit program (int 0x80) names the socket calls differently; none of them may pass unserved. */
    netcon_emit(filter, (struct sock_filter)JUMP_IF(NETCON_AUDIT_ARCH, 9, 0));
    netcon_emit(filter, (struct sock_filter)JUMP_IF(AUDIT_ARCH_I386, 0, 7));
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_NR));
    netcon_emit(filter, (struct sock_filter)JUMP_IF(102, 4, 0)); /* socketcall */
    netcon_emit(filter, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 425, 0, 1)); /* io_uring */
    netcon_emit(filter, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 428, 3, 2));
    netcon_emit(filter, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 359, 0, 2)); /* socket..shutdown */
    netcon_emit(filter, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 374, 1, 0));
    netcon_emit(filter, (struct sock_filter)RETURN(REFUSE(ENOSYS)));
    netcon_emit(filter, (struct sock_filter)RETURN(ALLOW));
#else
    netcon_emit(filter, (struct sock_filter)JUMP_IF(NETCON_AUDIT_ARCH, 1, 0));
    netcon_emit(filter, (struct sock_filter)RETURN(REFUSE(ENOSYS)));
#endif
    netcon_emit(filter, (struct sock_filter)LOAD(NETCON_NR));
#if defined(__x86_64__)
    /* x32 numbers (bit 30) reach the same socket code */
    netcon_emit(filter, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
    netcon_emit(filter, (struct sock_filter)RETURN(REFUSE(ENOSYS)));
#endif
    if (isolate) netcon_isolated_sockets(filter);
    netcon_rule(filter, SYS_connect, NOTIFY);
    netcon_rule(filter, SYS_bind, NOTIFY);
    netcon_rule(filter, SYS_listen, NOTIFY);
    netcon_rule(filter, SYS_accept, NOTIFY);
    netcon_rule(filter, SYS_accept4, NOTIFY);
    netcon_rule(filter, SYS_getsockname, NOTIFY);
    netcon_rule(filter, SYS_getpeername, NOTIFY);
    netcon_rule(filter, SYS_getsockopt, NOTIFY);
    netcon_rule(filter, SYS_setsockopt, NOTIFY);
    netcon_rule(filter, SYS_sendmsg, NOTIFY);
    netcon_rule(filter, SYS_recvmsg, NOTIFY);
    netcon_rule(filter, SYS_sendmmsg, NOTIFY);
    netcon_rule(filter, SYS_recvmmsg, NOTIFY);
    netcon_rule_with_address(filter, SYS_sendto, 4);
    netcon_rule_with_address(filter, SYS_recvfrom, 4);
    /* io_uring would carry socket calls past the filter: programs fall back to system calls without it. */
    netcon_rule(filter, SYS_io_uring_setup, REFUSE(ENOSYS));
    netcon_emit(filter, (struct sock_filter)RETURN(ALLOW));
}

int netcon_filter_install(const struct netcon_filter *filter) {
    struct sock_fprog program = {.len = filter->count, .filter = (struct sock_filter *)filter->instructions};
    unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
    long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
    if (listener < 0 && errno == EACCES) {
        /* Without CAP_SYS_ADMIN the kernel wants no_new_privs: set-user-ID programs then run unprivileged. */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
        listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
    }
    return listener < 0 ? -errno : (int)listener;
}
