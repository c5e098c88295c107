internal import Crypto
internal import _CryptoExtras
internal import FoundationEssentials

/// Cipher suite 3, AES-GMAC-SIV (ZeroTier protocol 12 and later), over whole packets.
///
/// Sealing, with K0 and K1 from `AESGMACSIVKeys`:
/// 1. GMAC with K0 and the 12-byte nonce packet ID ‖ 00000000 over the 11 header bytes [8:19] (destination,
///    source, flags without the hop count) zero-padded to 16 bytes, followed by the plaintext from the verb
///    on. That is AES-GCM with an empty message and all of this as associated data.
/// 2. The synthetic IV: T = AES_K1(packet ID ‖ (tag[0:8] XOR tag[8:16])), one raw block.
/// 3. The bytes from the verb on are AES-CTR_K1-encrypted with T as the initial counter block, after
///    clearing the top bit of T[12] (the 32-bit big-endian block counter in T[12:16] then cannot wrap
///    within a packet).
/// 4. T[0:8] replaces the packet ID, T[8:16] fills the MAC field.
///
/// Opening runs it backwards: CTR-decrypt with T, AES-decrypt T into the sender's packet ID and the folded
/// tag, recompute the GMAC and compare. Dearmoring leaves T[0:8] in the header: that is the packet's ID
/// as both sides know it (OK and ERROR refer to it), while the sender's original ID only went into the
/// GMAC nonce.
extension PacketArmor {
    static let aesGmacSivSuite: UInt8 = 3
    /// Destination, source and flags: the header bytes the GMAC covers.
    static let authenticatedHeaderRange = 8..<19
    /// They are zero-padded to one GHASH block before the plaintext follows.
    static let authenticatedHeaderPaddedLength = 16
    static let packetIDRange = 0..<8

    /// Seals the packet with suite 3: sets the suite in the flags (clearing the retired "encrypted" bit,
    /// keeping the fragment flag and the hop count), encrypts everything from the verb on and replaces the
    /// packet ID and MAC fields with the synthetic IV. The packet must be complete. Deterministic: the same
    /// plaintext and original packet ID always give the same bytes. False, changing nothing, for a packet
    /// shorter than `minimumPacketLength`.
    public static func armor(_ packet: inout [UInt8], keys: AESGMACSIVKeys) -> Bool {
        guard packet.count >= minimumPacketLength else { return false }
        let flags = packet[flagsIndex] & ~(suiteMask | legacyEncryptedBit) | aesGmacSivSuite << 3
        let packetID = Array(packet[packetIDRange])
        guard let tag = gmacTag(header: packet[authenticatedHeaderRange], flags: flags,
                                plaintext: packet[verbIndex...], packetID: packetID, key: keys.k0) else { return false }
        var siv = packetID + (0..<8).map { tag[$0] ^ tag[$0 + 8] }
        guard (try? AES.permute(&siv, key: keys.k1)) != nil,
              let ciphertext = counterMode(packet[verbIndex...], siv: siv, key: keys.k1) else { return false }
        packet[flagsIndex] = flags
        packet.replaceSubrange(packetIDRange, with: siv[0..<8])
        packet.replaceSubrange(macRange, with: siv[8..<16])
        packet.replaceSubrange(verbIndex..., with: ciphertext)
        return true
    }

    /// Opens a suite-3 packet in place. False, leaving the packet untouched, when it is too short, declares
    /// another suite, or fails authentication.
    public static func dearmor(_ packet: inout [UInt8], keys: AESGMACSIVKeys) -> Bool {
        dearmorRecoveringPacketID(&packet, keys: keys) != nil
    }

    /// `dearmor(_:keys:)` that also returns the packet ID the sender sealed with (which the wire does not
    /// show); nil on failure. Putting that ID back into bytes 0–7 and calling `armor(_:keys:)` reproduces
    /// the received packet.
    public static func dearmorRecoveringPacketID(_ packet: inout [UInt8], keys: AESGMACSIVKeys) -> UInt64? {
        guard packet.count >= minimumPacketLength,
              (packet[flagsIndex] & suiteMask) >> 3 == aesGmacSivSuite else { return nil }
        let siv = Array(packet[packetIDRange]) + Array(packet[macRange])
        var opened = siv
        guard (try? AES.inversePermute(&opened, key: keys.k1)) != nil,
              let plaintext = counterMode(packet[verbIndex...], siv: siv, key: keys.k1),
              let tag = gmacTag(header: packet[authenticatedHeaderRange], flags: packet[flagsIndex],
                                plaintext: plaintext[...], packetID: Array(opened[0..<8]), key: keys.k0)
        else { return nil }
        let folded = (0..<8).map { tag[$0] ^ tag[$0 + 8] }
        let authentic = folded.withUnsafeBytes { folded in
            opened.withUnsafeBytes { Sodium.constantTimeEqual(folded, UnsafeRawBufferPointer(rebasing: $0[8..<16])) }
        }
        guard authentic else { return nil }
        packet.replaceSubrange(verbIndex..., with: plaintext)
        return opened[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Opens whatever suite a peer may use: 0 and 1 with the peer key, 3 with its AES keys. `aesKeys` is
    /// evaluated only for a suite-3 packet, so a lazily derived value costs nothing to the others.
    public static func dearmor(_ packet: inout [UInt8], key: SecretBytes,
                               aesKeys: @autoclosure () -> AESGMACSIVKeys) -> Bool {
        guard packet.count >= minimumPacketLength else { return false }
        if (packet[flagsIndex] & suiteMask) >> 3 == aesGmacSivSuite {
            return dearmor(&packet, keys: aesKeys())
        }
        return dearmor(&packet, key: key)
    }

    // MARK: - Internals

    /// The 16-byte GMAC tag; nil only if swift-crypto rejects its inputs (it cannot for these sizes).
    private static func gmacTag(header: ArraySlice<UInt8>, flags: UInt8, plaintext: ArraySlice<UInt8>,
                                packetID: [UInt8], key: SymmetricKey) -> [UInt8]? {
        var authenticated = [UInt8]()
        authenticated.reserveCapacity(authenticatedHeaderPaddedLength + plaintext.count)
        authenticated += header.dropLast()
        authenticated.append(flags & ~hopsMask)
        authenticated += repeatElement(0, count: authenticatedHeaderPaddedLength - header.count)
        authenticated += plaintext
        guard let nonce = try? AES.GCM.Nonce(data: packetID + [0, 0, 0, 0]),
              let sealed = try? AES.GCM.seal([UInt8](), using: key, nonce: nonce, authenticating: authenticated)
        else { return nil }
        return Array(sealed.tag)
    }

    /// AES-CTR with the synthetic IV as initial counter block, bit 7 of byte 12 cleared. swift-crypto carries
    /// the increment over all 128 bits, ZeroTier only over the low 32; with that bit clear the low 32 bits
    /// would need 2^31 blocks to overflow, far beyond any packet, so both give the same keystream.
    private static func counterMode(_ input: ArraySlice<UInt8>, siv: [UInt8], key: SymmetricKey) -> [UInt8]? {
        var counter = siv
        counter[12] &= 0x7f
        guard let nonce = try? AES._CTR.Nonce(nonceBytes: counter),
              let output = try? AES._CTR.encrypt(input, using: key, nonce: nonce),
              output.count == input.count else { return nil }
        return Array(output)
    }
}
