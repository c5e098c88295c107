/// The three-bit cipher suite selector in bits 3–5 of a packet's flags byte. A raw-value wrapper rather than
/// an enum: the field can carry values no suite is defined for (4–7), and those must survive a decode/encode
/// round trip.
public struct CipherSuite: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    /// Only the low three bits are representable.
    public init?(rawValue: UInt8) {
        guard rawValue <= 7 else { return nil }
        self.rawValue = rawValue
    }

    private init(_ value: UInt8) { rawValue = value }

    /// Poly1305 MAC (keyed from Salsa20/12), payload in the clear; only HELLO is accepted this way.
    public static let poly1305None = CipherSuite(0)
    /// Salsa20/12 encryption with a Poly1305 MAC.
    public static let salsa2012Poly1305 = CipherSuite(1)
    /// No authentication at all; the MAC field holds a trusted path ID (for configured trusted paths only).
    public static let trustedPath = CipherSuite(2)
    /// AES-GMAC-SIV (protocol 12 and later).
    public static let aesGmacSiv = CipherSuite(3)

    /// Whether this is one of the four suites ZeroTier 1.x defines.
    public var isDefined: Bool { rawValue <= 3 }

    public var description: String {
        switch rawValue {
        case 0: "POLY1305_NONE"
        case 1: "SALSA2012_POLY1305"
        case 2: "NONE_TRUSTED_PATH"
        case 3: "AES_GMAC_SIV"
        default: "CIPHER_\(rawValue)"
        }
    }
}
