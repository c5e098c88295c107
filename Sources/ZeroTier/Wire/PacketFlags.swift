/// Header byte 18 of a packet, laid out `FFCCCHHH`: two flag bits, the cipher suite, the hop count.
/// Kept as the raw byte so that decoding and re-encoding a header is byte-exact.
public struct PacketFlags: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Flags for a new, unfragmented packet with zero hops.
    public init(cipher: CipherSuite) {
        rawValue = 0
        self.cipher = cipher
    }

    static let fragmentedBit: UInt8 = 0x40
    static let legacyEncryptedBit: UInt8 = 0x80
    static let cipherMask: UInt8 = 0x38
    static let hopsMask: UInt8 = 0x07

    /// Set on the head of a packet that is followed by fragments. Covered by the MAC, so it must be
    /// decided before the packet is armored.
    public var isFragmented: Bool {
        get { rawValue & Self.fragmentedBit != 0 }
        set { rawValue = newValue ? rawValue | Self.fragmentedBit : rawValue & ~Self.fragmentedBit }
    }

    /// The cipher suite. Setting it also sets the retired "encrypted" bit (0x80) exactly for
    /// Salsa20/12-Poly1305, as ZeroTier does for peers older than 1.0.3, so cipher-1 packets carry flags 0x88.
    public var cipher: CipherSuite {
        get { CipherSuite(rawValue: (rawValue & Self.cipherMask) >> 3)! }
        set {
            rawValue = rawValue & ~(Self.cipherMask | Self.legacyEncryptedBit) | newValue.rawValue << 3
            if newValue == .salsa2012Poly1305 { rawValue |= Self.legacyEncryptedBit }
        }
    }

    /// The retired "payload encrypted" bit; informational only.
    public var legacyEncrypted: Bool { rawValue & Self.legacyEncryptedBit != 0 }

    /// Relay hops so far (0–7). The only header field a relay may change: it is left out of the MAC.
    public var hops: UInt8 {
        get { rawValue & Self.hopsMask }
        set { rawValue = rawValue & ~Self.hopsMask | newValue & Self.hopsMask }
    }

    /// The byte with the hop count zeroed, as the MAC and the Salsa20 key mangling see it.
    public var withoutHops: UInt8 { rawValue & ~Self.hopsMask }

    public var description: String { "0x" + Hex.encode([rawValue]) }
}
