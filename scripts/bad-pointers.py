#!/usr/bin/env python3
"""Socket system calls with pointers nothing is mapped at and lengths past the kernel's limit, as a hostile or broken
program makes them: each must fail with the errno the kernel gives (EFAULT, EINVAL), and neither the program nor
netcon may crash. Made directly (not through libc) by default, which only the seccomp path sees; with --libc
through libc's functions, which the preload library's hooks answer. Prints one line of outcomes.
Usage: bad-pointers.py [--libc] SERVER_IPV4"""
import ctypes
import errno
import os
import socket
import struct
import sys

NUMBERS = {
    "x86_64": {"connect": 42, "sendto": 44, "recvfrom": 45, "sendmsg": 46, "bind": 49, "getsockname": 51, "setsockopt": 54},
    "aarch64": {"connect": 203, "sendto": 206, "recvfrom": 207, "sendmsg": 211, "bind": 200, "getsockname": 204, "setsockopt": 208},
}[os.uname().machine]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
UNMAPPED = ctypes.c_void_p(8)


through_libc = sys.argv[1] == "--libc"
server = sys.argv[-1]


def call(name, *arguments):
    values = [ctypes.c_long(a) if isinstance(a, int) else a for a in arguments]
    if through_libc:
        function = getattr(libc, name)
        function.restype = ctypes.c_long if name in ("sendto", "recvfrom", "sendmsg") else ctypes.c_int
        result = function(*values)
    else:
        result = libc.syscall(ctypes.c_long(NUMBERS[name]), *values)
    return name + " " + ("ok" if result >= 0 else errno.errorcode[ctypes.get_errno()])


destination = ctypes.create_string_buffer(struct.pack("=H", socket.AF_INET) + struct.pack("!H4s8x", 9, socket.inet_aton(server)), 16)
stream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
datagram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
datagram.sendto(b"x", (server, 9))  # a virtual destination: the socket is the node's from here on
oversized = ctypes.create_string_buffer(300)
print("|".join([
    call("connect", stream.fileno(), UNMAPPED, 16),
    call("bind", stream.fileno(), oversized, 300),
    call("getsockname", datagram.fileno(), UNMAPPED, UNMAPPED),
    call("sendto", datagram.fileno(), UNMAPPED, 10, 0, destination, 16),
    call("sendmsg", datagram.fileno(), UNMAPPED, 0),
    call("recvfrom", datagram.fileno(), oversized, 10, socket.MSG_DONTWAIT, oversized, UNMAPPED),
    call("setsockopt", datagram.fileno(), socket.SOL_SOCKET, socket.SO_BROADCAST, UNMAPPED, 4),
]))
