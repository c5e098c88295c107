/// A domain name as DNS carries it: labels of 1–63 bytes, 255 bytes in all on the wire. Compared without regard
/// to ASCII case (RFC 4343); `wire` keeps the bytes as they came, so an answer can repeat them exactly.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    public static let maxWireLength = 255
    public static let maxLabelLength = 63

    /// Lowercased labels, root excluded.
    public let labels: [[UInt8]]

    public init(labels: [[UInt8]]) {
        self.labels = labels.map { $0.map(Self.lowercased) }
    }

    /// "web.zt.example" or "web.zt.example." (the root is implied); nil when a label is empty or too long, or the
    /// whole does not fit.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasSuffix(".") { text = text.dropLast() }
        if text.isEmpty {
            self.init(labels: [])
            return
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard parts.allSatisfy({ (1...Self.maxLabelLength).contains($0.count) }),
              parts.reduce(1, { $0 + $1.count + 1 }) <= Self.maxWireLength else { return nil }
        self.init(labels: parts)
    }

    public var isRoot: Bool { labels.isEmpty }

    /// The address a reverse-lookup name stands for (`5.17.147.10.in-addr.arpa`: 4 bytes; 32 nibbles under
    /// `ip6.arpa`: 16 bytes), nil for any other name.
    public var reverseAddress: [UInt8]? {
        if isWithin(Self.reverseIPv4), labels.count == 6 {
            var bytes: [UInt8] = []
            for label in labels.prefix(4).reversed() {
                let text = String(decoding: label, as: UTF8.self)
                guard let byte = UInt8(text), String(byte) == text else { return nil }
                bytes.append(byte)
            }
            return bytes
        }
        if isWithin(Self.reverseIPv6), labels.count == 34 {
            var nibbles: [UInt8] = []
            for label in labels.prefix(32).reversed() {
                guard label.count == 1, let nibble = UInt8(String(decoding: label, as: UTF8.self), radix: 16) else { return nil }
                nibbles.append(nibble)
            }
            return stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
        }
        return nil
    }

    /// The reverse-lookup name of an address of 4 or 16 bytes.
    public static func reverse(of address: [UInt8]) -> DNSName {
        if address.count == 4 { return DNSName(labels: address.reversed().map { Array(String($0).utf8) } + reverseIPv4.labels) }
        let nibbles = address.flatMap { [$0 >> 4, $0 & 0xf] }
        return DNSName(labels: nibbles.reversed().map { Array(String($0, radix: 16).utf8) } + reverseIPv6.labels)
    }

    static let reverseIPv4 = DNSName(labels: [Array("in-addr".utf8), Array("arpa".utf8)])
    static let reverseIPv6 = DNSName(labels: [Array("ip6".utf8), Array("arpa".utf8)])

    /// True when this name is `suffix` or lies under it.
    public func isWithin(_ suffix: DNSName) -> Bool {
        labels.count >= suffix.labels.count && Array(labels.suffix(suffix.labels.count)) == suffix.labels
    }

    /// The labels in front of `suffix` (this name must be within it).
    public func labels(before suffix: DNSName) -> ArraySlice<[UInt8]> {
        labels.dropLast(suffix.labels.count)
    }

    /// Uncompressed wire form, ending with the root label.
    public var wire: [UInt8] {
        var bytes: [UInt8] = []
        for label in labels {
            bytes.append(UInt8(label.count))
            bytes += label
        }
        bytes.append(0)
        return bytes
    }

    public var description: String {
        labels.isEmpty ? "." : labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5a).contains(byte) ? byte | 0x20 : byte
    }
}
