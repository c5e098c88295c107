#!/usr/bin/env python3
"""Seeds a fuzzing corpus directory from real ZeroTier data, if the directory is empty.

Usage: Fuzz/seed-corpus.py CORPUS_DIR [VECTORS_DIR]

Writes the UDP payload of every IPv4/UDP datagram in VECTORS_DIR/session/session.pcap (the session captured
between real ZeroTier One 1.14.1 nodes) and the planet file, one input per file. VECTORS_DIR defaults to
$NETCON_VECTORS, else ../shared/vectors/zerotier. A corpus that already has files is left alone: libFuzzer
keeps adding to it, and those inputs are worth more than the seeds.
"""
import os
import struct
import sys


def udp_payloads(pcap):
    magic = struct.unpack("<I", pcap[:4])[0]
    order = {0xA1B2C3D4: "<", 0xA1B23C4D: "<", 0xD4C3B2A1: ">", 0x4D3CB2A1: ">"}.get(magic)
    if order is None:
        sys.exit(f"not a pcap file (magic {magic:#x})")
    if struct.unpack(order + "I", pcap[20:24])[0] != 1:
        sys.exit("pcap link type is not Ethernet")
    offset = 24
    while offset + 16 <= len(pcap):
        captured = struct.unpack(order + "I", pcap[offset + 8:offset + 12])[0]
        frame = pcap[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        ethertype_at = 12
        while frame[ethertype_at:ethertype_at + 2] == b"\x81\x00":  # 802.1Q tags
            ethertype_at += 4
        if frame[ethertype_at:ethertype_at + 2] != b"\x08\x00":
            continue
        ip = frame[ethertype_at + 2:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 0x0F) * 4:]
        length = struct.unpack(">H", udp[4:6])[0]
        if len(udp) >= 8 and 8 <= length <= len(udp):
            yield udp[8:length]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip())
    corpus = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    default_vectors = os.environ.get("NETCON_VECTORS", os.path.join(here, "..", "..", "shared", "vectors", "zerotier"))
    vectors = sys.argv[2] if len(sys.argv) == 3 else default_vectors
    os.makedirs(corpus, exist_ok=True)
    if os.listdir(corpus):
        print(f"{corpus}: already seeded ({len(os.listdir(corpus))} inputs)")
        return
    with open(os.path.join(vectors, "session", "session.pcap"), "rb") as f:
        payloads = list(udp_payloads(f.read()))
    for index, payload in enumerate(payloads):
        with open(os.path.join(corpus, f"pcap-{index:04d}"), "wb") as f:
            f.write(payload)
    with open(os.path.join(vectors, "planet", "planet"), "rb") as source, \
         open(os.path.join(corpus, "planet"), "wb") as target:
        target.write(source.read())
    print(f"{corpus}: seeded with {len(payloads)} datagrams of session.pcap and the planet")


if __name__ == "__main__":
    main()
