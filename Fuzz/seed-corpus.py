#!/usr/bin/env python3
"""Seeds the fuzzing corpus of each target from real ZeroTier data, where a target's directory is empty.

Usage: Fuzz/seed-corpus.py CORPUS_ROOT [VECTORS_DIR]

CORPUS_ROOT/<target>/ gets, from VECTORS_DIR (default $NETCON_VECTORS, else ../shared/vectors/zerotier), what
ZeroTier One 1.14.1 itself wrote:
- wire, engine: the UDP payload of every IPv4/UDP datagram of session/session.pcap, and the planet file;
- netconf: the network configs the members stored (session/m*-networks.d/*.conf, Dictionary text);
- credentials: the certificates of membership in those configs (key C, unescaped);
- controller-records: the controller's database (session/controller.d, network and member JSON).
(control, rpc, dns, socks5, http-proxy and relay-files are seeded by `NetconFuzz --write-seeds`, from netcon's
own encoders.) A directory that
already has files is left alone: libFuzzer keeps adding to it, and those inputs are worth more than the seeds.
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


def unescape(value):
    """A Dictionary value as ZeroTier escapes it: \\0 \\r \\n \\e (=) and \\\\."""
    out, escaped = bytearray(), False
    for byte in value:
        if escaped:
            out.append({ord("0"): 0, ord("r"): 13, ord("n"): 10, ord("e"): ord("=")}.get(byte, byte))
            escaped = False
        elif byte == ord("\\"):
            escaped = True
        else:
            out.append(byte)
    return bytes(out)


def seeds(vectors):
    """target → [(name, bytes)]"""
    with open(os.path.join(vectors, "session", "session.pcap"), "rb") as f:
        datagrams = [(f"pcap-{index:04d}", payload) for index, payload in enumerate(udp_payloads(f.read()))]
    with open(os.path.join(vectors, "planet", "planet"), "rb") as f:
        datagrams.append(("planet", f.read()))
    configs, certificates, records = [], [], []
    session = os.path.join(vectors, "session")
    for member in sorted(n for n in os.listdir(session) if n.endswith("-networks.d")):
        for name in sorted(os.listdir(os.path.join(session, member))):
            with open(os.path.join(session, member, name), "rb") as f:
                text = f.read()
            configs.append((f"{member[:-len('-networks.d')]}-{name}", text))
            for line in text.split(b"\n"):
                if line.startswith(b"C="):
                    certificates.append((f"com-{member[:2]}-{name}", unescape(line[2:])))
    for directory, _, names in sorted(os.walk(os.path.join(session, "controller.d"))):
        for name in sorted(n for n in names if n.endswith(".json")):
            with open(os.path.join(directory, name), "rb") as f:
                records.append((f"{os.path.basename(directory)}-{name}", f.read()))
    return {"wire": datagrams, "engine": datagrams, "netconf": configs, "credentials": certificates,
            "controller-records": records}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip())
    root = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    default_vectors = os.environ.get("NETCON_VECTORS", os.path.join(here, "..", "..", "shared", "vectors", "zerotier"))
    vectors = sys.argv[2] if len(sys.argv) == 3 else default_vectors
    for target, inputs in seeds(vectors).items():
        corpus = os.path.join(root, target)
        os.makedirs(corpus, exist_ok=True)
        if os.listdir(corpus):
            print(f"{corpus}: already seeded ({len(os.listdir(corpus))} inputs)")
            continue
        for name, data in inputs:
            with open(os.path.join(corpus, name), "wb") as f:
                f.write(data)
        print(f"{corpus}: seeded with {len(inputs)} inputs")


if __name__ == "__main__":
    main()
