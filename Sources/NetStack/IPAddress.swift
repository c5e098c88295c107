#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 address. `rawValue` reads the way the address is written: 10.1.0.1 is 0x0A01_0001.
public struct IPv4Address: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// The four bytes in network order.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        rawValue = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Dotted quad, e.g. "10.1.0.1".
    public init?(_ string: String) {
        var value = in_addr()
        guard inet_pton(AF_INET, string, &value) == 1 else { return nil }
        rawValue = UInt32(bigEndian: value.s_addr)
    }

    public static let any = IPv4Address(rawValue: 0)

    /// The four bytes in network order.
    public var bytes: [UInt8] { [UInt8(rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
                                 UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue)] }

    public var isMulticast: Bool { rawValue >> 28 == 0xE }

    /// The netmask of a prefix length (0...32).
    public static func netmask(prefixLength: Int) -> IPv4Address {
        precondition((0...32).contains(prefixLength), "IPv4 prefix length out of range")
        return IPv4Address(rawValue: prefixLength == 0 ? 0 : UInt32.max << (32 - prefixLength))
    }

    public var description: String {
        bytes.map(String.init).joined(separator: ".")
    }
}

/// An IPv6 address (without a zone: NetStack scopes link-local addresses to the interface a socket uses).
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    /// The first and last 8 bytes, each read big-endian.
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The sixteen bytes in network order.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        let array = Array(bytes)
        high = array[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = array[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Any textual form inet_pton accepts, e.g. "fd00::1".
    public init?(_ string: String) {
        var value = in6_addr()
        guard inet_pton(AF_INET6, string, &value) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &value) { Array($0) }
        self.init(bytes: bytes)
    }

    public static let any = IPv6Address(high: 0, low: 0)

    /// The sixteen bytes in network order.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    /// fe80::/10
    public var isLinkLocal: Bool { high >> 54 == 0x3FA }
    /// ff00::/8
    public var isMulticast: Bool { high >> 56 == 0xFF }

    public var description: String {
        var value = in6_addr()
        let bytes = self.bytes
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &value, &text, socklen_t(text.count)) != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An IPv4 or IPv6 address. NetStack's own type: the daemon converts from the ZeroTier engine's types.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Either textual form.
    public init?(_ string: String) {
        if let v4 = IPv4Address(string) {
            self = .v4(v4)
        } else if let v6 = IPv6Address(string) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    /// 4 or 16 bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a): a.bytes
        case .v6(let a): a.bytes
        }
    }

    public var description: String {
        switch self {
        case .v4(let a): a.description
        case .v6(let a): a.description
        }
    }
}
