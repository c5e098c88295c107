#!/usr/bin/env python3
"""Runs a command where seccomp(2) fails with EPERM, as in a sandbox that forbids filters, so the compatibility
suite can check what netcon exec does without its seccomp path. Usage: without-seccomp.py COMMAND ARGS..."""
import ctypes
import os
import struct
import sys

SECCOMP_SYSCALL = {"x86_64": 317, "aarch64": 277}[os.uname().machine]
LOAD_NR, JUMP_IF_EQUAL, RETURN = 0x20, 0x15, 0x06
ERRNO_EPERM, ALLOW = 0x00050000 | 1, 0x7FFF0000
program = [(LOAD_NR, 0, 0, 0), (JUMP_IF_EQUAL, 0, 1, SECCOMP_SYSCALL), (RETURN, 0, 0, ERRNO_EPERM), (RETURN, 0, 0, ALLOW)]
code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *instruction) for instruction in program))


class Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
        libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(Program(len(program), ctypes.cast(code, ctypes.c_void_p))), 0, 0) != 0:
    sys.exit("without-seccomp.py: cannot install the filter: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
