/// Authenticates and (optionally) encrypts whole ZeroTier V1 packets with a peer's 48-byte key, using the
/// two Salsa20-based suites. Suite 3, AES-GMAC-SIV, is in `PacketArmor+AESGMACSIV.swift`.
///
/// Header offsets: [0:8] packet ID (the nonce), [8:13] destination, [13:18] source, [18] flags, [19:27] MAC,
/// [27] verb, [28…] payload. Everything from the verb on is what gets encrypted and authenticated.
///
/// Each packet gets its own Salsa20/12 key: the first 32 key bytes XORed with the packet ID, both
/// addresses, the flags without the hop count (relays increment it) and the packet length (little-endian,
/// bytes 19–20). Keystream block 0 supplies the Poly1305 key (bytes 0–31); the payload is XORed with the
/// keystream from byte 64; the MAC field holds the first 8 bytes of the Poly1305 tag over the (encrypted)
/// bytes from the verb on.
public enum PacketArmor {
    /// Bytes up to and including the verb: anything shorter is not a packet.
    public static let minimumPacketLength = 28
    static let flagsIndex = 18
    static let macRange = 19..<27
    static let verbIndex = 27
    static let hopsMask: UInt8 = 0x07
    static let suiteMask: UInt8 = 0x38
    /// Retired "encrypted" flag: ZeroTier still sets it exactly on suite-1 packets (so they carry 0x88).
    static let legacyEncryptedBit: UInt8 = 0x80

    /// The two suites this type implements, as numbered in bits 3–5 of the flags byte (the Wire layer's
    /// `CipherSuite` names all of them).
    static let macOnlySuite: UInt8 = 0
    static let salsaSuite: UInt8 = 1

    /// Sets the suite in the flags (1, Salsa20/12 + Poly1305, when `encryptPayload`; else 0, Poly1305
    /// only), encrypts if asked, and writes the MAC. The packet must be complete: only the hop count may
    /// change afterwards.
    public static func armor(_ packet: inout [UInt8], key: SecretBytes, encryptPayload: Bool) {
        precondition(packet.count >= minimumPacketLength, "a packet has at least \(minimumPacketLength) bytes")
        precondition(key.count >= Salsa20.keyByteCount)
        let flags = packet[flagsIndex] & ~(suiteMask | legacyEncryptedBit)
        packet[flagsIndex] = encryptPayload ? flags | salsaSuite << 3 | legacyEncryptedBit : flags | macOnlySuite << 3
        key.withUnsafeBytes { key in
            packet.withUnsafeMutableBytes { packet in
                withPacketKeystream(packet, key: key, transformingPayload: encryptPayload) { macKey, ciphertext in
                    let body = UnsafeMutableRawBufferPointer(rebasing: packet[verbIndex...])
                    if let ciphertext { body.copyMemory(from: UnsafeRawBufferPointer(ciphertext)) }
                    writeMAC(over: UnsafeRawBufferPointer(body), key: macKey, into: packet)
                }
            }
        }
    }

    /// Checks the MAC and decrypts in place. False, leaving the packet untouched, when the packet is too
    /// short, declares a suite other than 0 or 1, or fails authentication.
    public static func dearmor(_ packet: inout [UInt8], key: SecretBytes) -> Bool {
        guard packet.count >= minimumPacketLength, key.count >= Salsa20.keyByteCount else { return false }
        let suite = (packet[flagsIndex] & suiteMask) >> 3
        guard suite == macOnlySuite || suite == salsaSuite else { return false }
        return key.withUnsafeBytes { key in
            packet.withUnsafeMutableBytes { packet in
                withPacketKeystream(packet, key: key, transformingPayload: suite == salsaSuite) { macKey, plaintext in
                    let body = UnsafeMutableRawBufferPointer(rebasing: packet[verbIndex...])
                    guard macMatches(over: UnsafeRawBufferPointer(body), key: macKey, packet: UnsafeRawBufferPointer(packet)) else {
                        return false
                    }
                    if let plaintext { body.copyMemory(from: UnsafeRawBufferPointer(plaintext)) }
                    return true
                }
            }
        }
    }

    /// Salsa20/12-XORs `range` of the packet with the peer key's first 32 bytes *as is* (no per-packet
    /// mangling) and the packet ID with its low 3 bits cleared as nonce. HELLO hides its moon list this
    /// way. False, changing nothing, if the packet has no full ID or `range` lies outside it.
    @discardableResult
    public static func cryptField(_ packet: inout [UInt8], key: SecretBytes, range: Range<Int>) -> Bool {
        guard packet.count >= 8, range.lowerBound >= 0, range.upperBound <= packet.count,
              key.count >= Salsa20.keyByteCount else { return false }
        var nonce = Array(packet[0..<8])
        nonce[7] &= 0xf8
        key.withUnsafeBytes { key in
            nonce.withUnsafeBytes { nonce in
                packet.withUnsafeMutableBytes { packet in
                    Salsa20.xorTwelveRounds(UnsafeMutableRawBufferPointer(rebasing: packet[range]),
                                            key: UnsafeRawBufferPointer(rebasing: key[0..<32]), nonce: nonce)
                }
            }
        }
        return true
    }

    // MARK: - Internals

    /// Derives the packet's key, runs Salsa20/12 over [64 zero bytes ‖ payload?] in a temporary buffer,
    /// and hands `body` the Poly1305 key (keystream bytes 0–31) and, when `transformingPayload`, the
    /// packet's bytes from the verb on XORed with keystream bytes 64… (encrypting and decrypting are the
    /// same XOR). Both temporary buffers are wiped afterwards.
    private static func withPacketKeystream<R>(
        _ packet: UnsafeMutableRawBufferPointer, key: UnsafeRawBufferPointer, transformingPayload: Bool,
        _ body: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer?) -> R
    ) -> R {
        let payloadLength = packet.count - verbIndex
        let streamLength = Salsa20.blockByteCount + (transformingPayload ? payloadLength : 0)
        return withUnsafeTemporaryAllocation(byteCount: Salsa20.keyByteCount, alignment: 16) { packetKey in
            defer { Sodium.wipe(packetKey) }
            mangle(key: key, for: UnsafeRawBufferPointer(packet), into: packetKey)
            return withUnsafeTemporaryAllocation(byteCount: streamLength, alignment: 16) { stream in
                defer { Sodium.wipe(stream) }
                stream.initializeMemory(as: UInt8.self, repeating: 0)
                let payload = UnsafeMutableRawBufferPointer(rebasing: stream[Salsa20.blockByteCount...])
                if transformingPayload {
                    payload.copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[verbIndex...]))
                }
                Salsa20.xorTwelveRounds(stream, key: UnsafeRawBufferPointer(packetKey),
                                        nonce: UnsafeRawBufferPointer(rebasing: packet[0..<8]))
                return body(UnsafeRawBufferPointer(rebasing: stream[0..<Poly1305.keyByteCount]),
                            transformingPayload ? payload : nil)
            }
        }
    }

    /// The per-packet key: bytes 0–17 XOR packet ID and addresses, byte 18 XOR flags without hops,
    /// bytes 19–20 XOR the packet length (low byte first), bytes 21–31 unchanged.
    private static func mangle(key: UnsafeRawBufferPointer, for packet: UnsafeRawBufferPointer,
                               into out: UnsafeMutableRawBufferPointer) {
        precondition(key.count >= 32 && out.count == 32 && packet.count >= minimumPacketLength)
        out.copyMemory(from: UnsafeRawBufferPointer(rebasing: key[0..<32]))
        for i in 0..<flagsIndex { out[i] ^= packet[i] }
        out[flagsIndex] ^= packet[flagsIndex] & ~hopsMask
        out[19] ^= UInt8(truncatingIfNeeded: packet.count)
        out[20] ^= UInt8(truncatingIfNeeded: packet.count >> 8)
    }

    private static func writeMAC(over body: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
                                 into packet: UnsafeMutableRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: Poly1305.tagByteCount, alignment: 16) { tag in
            Poly1305.tag(body, key: key, into: tag)
            UnsafeMutableRawBufferPointer(rebasing: packet[macRange])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: tag[0..<macRange.count]))
        }
    }

    private static func macMatches(over body: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
                                   packet: UnsafeRawBufferPointer) -> Bool {
        withUnsafeTemporaryAllocation(byteCount: Poly1305.tagByteCount, alignment: 16) { tag in
            Poly1305.tag(body, key: key, into: tag)
            return Sodium.constantTimeEqual(UnsafeRawBufferPointer(rebasing: tag[0..<macRange.count]),
                                            UnsafeRawBufferPointer(rebasing: packet[macRange]))
        }
    }
}
