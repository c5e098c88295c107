/// An IP address with a prefix length: a member's managed address (`10.147.17.171/24`, the prefix being that
/// of the route it falls in) or a route target (`10.147.17.0/24`). The address keeps its host bits.
///
/// In network configs ZeroTier serializes these as an `InetAddress` whose port field holds the prefix length
/// (`04 0a9311ab 0018` = `10.147.17.171/24`).
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    public var ip: IPAddress
    public var prefixLength: UInt8

    public init(ip: IPAddress, prefixLength: UInt8) {
        precondition(Int(prefixLength) <= ip.bitCount, "prefix /\(prefixLength) longer than the address")
        self.ip = ip
        self.prefixLength = prefixLength
    }

    /// Parses `address/length`, the length in decimal and at most the address's bit count.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = IPAddress(String(parts[0])),
              (1...3).contains(parts[1].utf8.count),
              parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(parts[1]), length <= ip.bitCount else { return nil }
        self.init(ip: ip, prefixLength: UInt8(length))
    }

    public var description: String { "\(ip)/\(prefixLength)" }

    /// The prefix with its host bits cleared (`10.147.17.0/24` for `10.147.17.171/24`).
    public var network: IPPrefix { IPPrefix(ip: ip.masked(to: prefixLength), prefixLength: prefixLength) }

    /// True for an address of the same family whose first `prefixLength` bits equal this prefix's.
    public func contains(_ address: IPAddress) -> Bool {
        address.isIPv4 == ip.isIPv4 && address.masked(to: prefixLength) == ip.masked(to: prefixLength)
    }
}

extension IPAddress {
    /// 32 or 128.
    public var bitCount: Int { isIPv4 ? 32 : 128 }

    /// The address with all bits after the first `length` cleared.
    func masked(to length: UInt8) -> IPAddress {
        func keep(_ bits: Int, of width: Int) -> UInt64 {
            bits <= 0 ? 0 : bits >= width ? .max : ~(UInt64.max >> UInt64(bits))
        }
        switch self {
        case let .v4(value):
            return .v4(value & UInt32(truncatingIfNeeded: keep(Int(length), of: 32) >> 32))
        case let .v6(high, low):
            return .v6(high: high & keep(Int(length), of: 64), low: low & keep(Int(length) - 64, of: 64))
        }
    }
}

extension ByteReader {
    /// Reads an `InetAddress` whose port field is a prefix length. nil for the "no address" forms; a length
    /// beyond the address's bit count is clamped to it.
    public mutating func readIPPrefix() throws(DecodingError) -> IPPrefix? {
        guard let endpoint = try readInetEndpoint() else { return nil }
        return IPPrefix(ip: endpoint.ip, prefixLength: UInt8(min(Int(endpoint.port), endpoint.ip.bitCount)))
    }
}

extension ByteWriter {
    public mutating func write(_ prefix: IPPrefix) {
        write(InetEndpoint(ip: prefix.ip, port: UInt16(prefix.prefixLength)))
    }
}
