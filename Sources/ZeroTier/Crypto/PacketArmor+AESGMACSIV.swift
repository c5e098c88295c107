internal import CAESGMACSIV

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
///
/// The work is done in place by `Sources/CAESGMACSIV` on BoringSSL's AES-NI and carry-less-multiply code:
/// no allocation and no copy of the payload per packet.
extension PacketArmor {
    static let aesGmacSivSuite: UInt8 = 3

    /// Seals the packet with suite 3: sets the suite in the flags (clearing the retired "encrypted" bit,
    /// keeping the fragment flag and the hop count), encrypts everything from the verb on and replaces the
    /// packet ID and MAC fields with the synthetic IV. The packet must be complete. Deterministic: the same
    /// plaintext and original packet ID always give the same bytes. False, changing nothing, for a packet
    /// shorter than `minimumPacketLength`.
    public static func armor(_ packet: inout [UInt8], keys: AESGMACSIVKeys) -> Bool {
        packet.withUnsafeMutableBytes { armor($0, keys: keys) }
    }

    /// `armor(_:keys:)` on bytes the caller owns.
    public static func armor(_ packet: UnsafeMutableRawBufferPointer, keys: AESGMACSIVKeys) -> Bool {
        guard packet.count >= minimumPacketLength, let base = packet.baseAddress else { return false }
        let flags = packet[flagsIndex]
        packet[flagsIndex] = flags & ~(suiteMask | legacyEncryptedBit) | aesGmacSivSuite << 3
        let sealed = withExtendedLifetime(keys.context) {
            netcon_gmacsiv_seal(keys.context.pointer, base.assumingMemoryBound(to: UInt8.self), packet.count) == 1
        }
        if !sealed { packet[flagsIndex] = flags }
        return sealed
    }

    /// Opens a suite-3 packet in place. False, leaving the packet untouched, when it is too short, declares
    /// another suite, or fails authentication.
    public static func dearmor(_ packet: inout [UInt8], keys: AESGMACSIVKeys) -> Bool {
        packet.withUnsafeMutableBytes { open($0, keys: keys, originalID: nil) }
    }

    /// `dearmor(_:keys:)` on bytes the caller owns.
    public static func dearmor(_ packet: UnsafeMutableRawBufferPointer, keys: AESGMACSIVKeys) -> Bool {
        open(packet, keys: keys, originalID: nil)
    }

    /// `dearmor(_:keys:)` that also returns the packet ID the sender sealed with (which the wire does not
    /// show); nil on failure. Putting that ID back into bytes 0–7 and calling `armor(_:keys:)` reproduces
    /// the received packet.
    public static func dearmorRecoveringPacketID(_ packet: inout [UInt8], keys: AESGMACSIVKeys) -> UInt64? {
        var original: UInt64 = 0
        let opened = withUnsafeMutableBytes(of: &original) { original in
            packet.withUnsafeMutableBytes { open($0, keys: keys, originalID: original) }
        }
        return opened ? UInt64(bigEndian: original) : nil
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

    /// Checks length and suite, then opens in place; `originalID` (8 bytes) receives the sealing ID.
    private static func open(_ packet: UnsafeMutableRawBufferPointer, keys: AESGMACSIVKeys,
                             originalID: UnsafeMutableRawBufferPointer?) -> Bool {
        guard packet.count >= minimumPacketLength, let base = packet.baseAddress,
              (packet[flagsIndex] & suiteMask) >> 3 == aesGmacSivSuite else { return false }
        return withExtendedLifetime(keys.context) {
            netcon_gmacsiv_open(keys.context.pointer, base.assumingMemoryBound(to: UInt8.self), packet.count,
                                originalID?.baseAddress?.assumingMemoryBound(to: UInt8.self)) == 1
        }
    }
}
