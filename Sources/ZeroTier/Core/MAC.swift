/// A 48-bit Ethernet address.
public struct MAC: RawRepresentable, Hashable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: UInt64

    public init?(rawValue: UInt64) {
        guard rawValue >> 48 == 0 else { return nil }
        self.rawValue = rawValue
    }

    public init<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        precondition(bytes.count == 6)
        rawValue = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static let broadcast = MAC(rawValue: 0xffff_ffff_ffff)!

    /// The MAC ZeroTier gives `address` on `network`: a locally administered, unicast first octet chosen
    /// from the network ID, then the address XORed with network ID bytes so each network gets its own MAC.
    public init(address: Address, network: NetworkID) {
        let nwid = network.rawValue
        var value = UInt64(MAC.firstOctet(for: network)) << 40 | address.rawValue
        for byte in 1...5 {
            value ^= ((nwid >> UInt64(byte * 8)) & 0xff) << UInt64((5 - byte) * 8)
        }
        rawValue = value
    }

    /// The inverse of `init(address:network:)`: which ZeroTier address a MAC on `network` belongs to.
    public func address(on network: NetworkID) -> Address {
        let nwid = network.rawValue
        var value = rawValue & 0xff_ffff_ffff
        for byte in 1...5 {
            value ^= ((nwid >> UInt64(byte * 8)) & 0xff) << UInt64((5 - byte) * 8)
        }
        return Address(rawValue: value)!
    }

    static func firstOctet(for network: NetworkID) -> UInt8 {
        let octet = UInt8(truncatingIfNeeded: network.rawValue) & 0xfe | 0x02
        // 0x52 would collide with the MACs of old ZeroTier bridges; ZeroTier substitutes 0x32.
        return octet == 0x52 ? 0x32 : octet
    }

    public var bytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> UInt64((5 - $0) * 8)) } }
    public var isMulticast: Bool { rawValue >> 40 & 1 == 1 }

    public var description: String { bytes.map { Hex.encode([$0]) }.joined(separator: ":") }

    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 6 else { return nil }
        var bytes = [UInt8]()
        for part in parts {
            guard part.count == 2, let byte = Hex.decode(part) else { return nil }
            bytes += byte
        }
        self.init(bytes: bytes)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = MAC(text) else {
            throw Swift.DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a MAC: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
