#!/usr/bin/env python3
"""Socket system calls with pointers nothing is mapped at and lengths past the kernel's limit, made directly (not
through libc), as a hostile or broken program would: under netcon exec's seccomp path each must fail with the errno
the kernel gives (EFAULT, EINVAL), and neither the program nor netcon may crash. Prints one line of outcomes.
Usage: bad-pointers.py SERVER_IPV4"""
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


def call(name, *arguments):
    result = libc.syscall(ctypes.c_long(NUMBERS[name]), *[ctypes.c_long(a) if isinstance(a, int) else a for a in arguments])
    return name + " " + ("ok" if result >= 0 else errno.errorcode[ctypes.get_errno()])


server = sys.argv[1]
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
