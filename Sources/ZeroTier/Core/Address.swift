/// A 40-bit ZeroTier node address, written as 10 hex digits.
public struct Address: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public static let byteCount = 5
    public let rawValue: UInt64

    /// Accepts the low 40 bits only; nil if anything above them is set.
    public init?(rawValue: UInt64) {
        guard rawValue >> 40 == 0 else { return nil }
        self.rawValue = rawValue
    }

    public init?<S: StringProtocol>(_ text: S) {
        guard text.utf8.count == 10, let bytes = Hex.decode(text) else { return nil }
        self.init(bytes: bytes)
    }

    public init<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        precondition(bytes.count == Self.byteCount)
        rawValue = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// ZeroTier reserves the all-zero address and every address whose first byte is 0xff.
    public var isReserved: Bool { rawValue == 0 || rawValue >> 32 == 0xff }

    public var bytes: [UInt8] { (0..<5).map { UInt8(truncatingIfNeeded: rawValue >> UInt64((4 - $0) * 8)) } }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return String(repeating: "0", count: 10 - hex.count) + hex
    }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Address(text) else {
            throw Swift.DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a ZeroTier address: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension ByteReader {
    public mutating func readAddress() throws(DecodingError) -> Address {
        Address(rawValue: try readBigEndian(width: Address.byteCount))!
    }
}

extension ByteWriter {
    public mutating func write(_ address: Address) { writeBigEndian(address.rawValue, width: Address.byteCount) }
}
