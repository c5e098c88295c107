/// A 64-bit ZeroTier network ID, written as 16 hex digits. Its top 40 bits are the controller's address.
public struct NetworkID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Exactly 16 hex digits (either case); nil otherwise.
    public init?<S: StringProtocol>(_ text: S) {
        guard text.utf8.count == 16, let bytes = Hex.decode(text) else { return nil }
        rawValue = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    public init(controller: Address, number: UInt32) {
        rawValue = controller.rawValue << 24 | UInt64(number & 0xff_ffff)
    }

    public var controller: Address { Address(rawValue: rawValue >> 24)! }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func < (lhs: NetworkID, rhs: NetworkID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = NetworkID(text) else {
            throw Swift.DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a network ID: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
