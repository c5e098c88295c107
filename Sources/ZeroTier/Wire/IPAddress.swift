/// An IPv4 or IPv6 address, without port. Values are stored as big-endian integers so the type is small,
/// hashable and ordered the way the bytes compare.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    /// 4 bytes make an IPv4 address, 16 bytes an IPv6 address; any other count is nil.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        switch bytes.count {
        case 4:
            self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let high = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes.dropFirst(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self = .v6(high: high, low: low)
        default:
            return nil
        }
    }

    /// The address in network byte order: 4 or 16 bytes.
    public var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 16)
        switch self {
        case let .v4(value):
            writer.write(value)
        case let .v6(high, low):
            writer.write(high)
            writer.write(low)
        }
        return writer.bytes
    }

    public var isIPv4: Bool { if case .v4 = self { true } else { false } }

    /// Parses dotted-quad IPv4 (`10.77.1.1`) or RFC 4291 IPv6 text (`fd00::1`, `::ffff:10.0.0.1`).
    /// Strict: no leading zeros beyond three digits per quad, no zone IDs, no surrounding brackets.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        if utf8.contains(UInt8(ascii: ":")) {
            guard let words = IPAddress.parseIPv6(utf8) else { return nil }
            self = IPAddress.fromWords(words)
        } else {
            guard let value = IPAddress.parseIPv4(utf8[...]) else { return nil }
            self = .v4(value)
        }
    }

    /// The text `inet_ntop` produces on Linux, which is what ZeroTier prints: dotted quad for IPv4; for IPv6
    /// lowercase hex words with the first longest run of two or more zero words shortened to `::`, and the
    /// last 32 bits as a dotted quad for IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) addresses.
    public var description: String {
        switch self {
        case let .v4(value):
            return IPAddress.dottedQuad(value)
        case let .v6(high, low):
            let words = (0..<8).map { index -> UInt16 in
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> UInt64((3 - index % 4) * 16))
            }
            return IPAddress.formatIPv6(words, low: low)
        }
    }

    // MARK: - Text helpers

    private static func dottedQuad(_ value: UInt32) -> String {
        (0..<4).map { String(value >> UInt32((3 - $0) * 8) & 0xff) }.joined(separator: ".")
    }

    private static func formatIPv6(_ words: [UInt16], low: UInt64) -> String {
        // Find the first longest run of zero words (length >= 2).
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8, words[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                let length = index - runStart
                if length > bestLength { bestStart = runStart; bestLength = length }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }

        let embedsIPv4 = bestStart == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xffff))
        var text = ""
        var index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
            if embedsIPv4, index == 6 {
                text += dottedQuad(UInt32(truncatingIfNeeded: low))
                break
            }
            text += String(words[index], radix: 16)
            index += 1
        }
        return text
    }

    private static func fromWords(_ words: [UInt16]) -> IPAddress {
        let high = words[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = words[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return .v6(high: high, low: low)
    }

    private static func parseIPv4(_ text: ArraySlice<UInt8>) -> UInt32? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return nil }
            let octet = part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard octet <= 255 else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    private static func parseIPv6(_ text: [UInt8]) -> [UInt16]? {
        guard text.count <= 45 else { return nil }
        // Split around a single "::" if present; each side is a list of colon-separated groups.
        var head = text[...], tail: ArraySlice<UInt8>? = nil
        if let gap = doubleColon(in: text) {
            head = text[..<gap]
            tail = text[(gap + 2)...]
            guard doubleColon(in: Array(tail!)) == nil else { return nil }
        }
        guard let headWords = parseGroups(head, allowIPv4Tail: tail == nil) else { return nil }
        if let tail {
            guard let tailWords = parseGroups(tail, allowIPv4Tail: true) else { return nil }
            let missing = 8 - headWords.count - tailWords.count
            guard missing >= 1 else { return nil }
            return headWords + Array(repeating: 0, count: missing) + tailWords
        }
        return headWords.count == 8 ? headWords : nil
    }

    private static func doubleColon(in text: [UInt8]) -> Int? {
        guard text.count >= 2 else { return nil }
        for index in 0..<(text.count - 1) where text[index] == UInt8(ascii: ":") && text[index + 1] == UInt8(ascii: ":") {
            return index
        }
        return nil
    }

    private static func parseGroups(_ text: ArraySlice<UInt8>, allowIPv4Tail: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let groups = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var words = [UInt16]()
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, allowIPv4Tail, group.contains(UInt8(ascii: ".")) {
                guard let quad = parseIPv4(group) else { return nil }
                words.append(UInt16(quad >> 16))
                words.append(UInt16(truncatingIfNeeded: quad))
                continue
            }
            guard (1...4).contains(group.count) else { return nil }
            var word: UInt16 = 0
            for digit in group {
                guard let nibble = Hex.nibble(digit) else { return nil }
                word = word << 4 | UInt16(nibble)
            }
            words.append(word)
        }
        return words.count <= 8 ? words : nil
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
