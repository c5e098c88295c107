/// ZeroTier's Dictionary: the small `key=value` text format of network configs, of the metadata in
/// NETWORK_CONFIG_REQUEST and of a few files in a node's home.
///
/// * Entries are lines `key=value` joined by `\n` (no newline after the last one). Readers also split at `\r`,
///   skip empty lines and lines without `=`, and stop at the first NUL byte.
/// * Values are bytes, binary allowed. Five bytes are escaped with a backslash: NUL `\0`, CR `\r`, LF `\n`,
///   `=` `\e`, backslash `\\`. On reading, a backslash before any other byte yields that byte, and a lone
///   backslash at the end of a value is dropped.
/// * Keys are short ASCII names without NUL, CR, LF or `=`; they are not escaped.
/// * Integers are written as 16 lowercase hex digits (leading zeros included: `v=0000000000000007`), signed
///   ones with a leading `-` when negative; addresses as 10 hex digits; booleans as `1`/`0`. Readers parse
///   integers as C's `strtoull(…, 16)` does (leading blanks, sign, `0x`, any number of digits).
/// * A key may appear more than once; lookups return the first entry, as ZeroTier's do.
///
/// ZeroTier keeps a dictionary in a fixed buffer that also holds a terminating NUL, so the serialized form is
/// at most `capacity - 1` bytes. `append` refuses to grow past that, decoding refuses longer input.
public struct NetworkDictionary: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: [UInt8]

        public init(key: String, value: [UInt8]) {
            self.key = key
            self.value = value
        }
    }

    /// Appending would make the serialized dictionary longer than its capacity allows.
    public struct CapacityExceeded: Error, Hashable, Sendable {
        public var key: String
        public var capacity: Int
    }

    /// ZeroTier's buffer size for network configs (`ZT_NETWORKCONFIG_DICT_CAPACITY` in a 64-bit 1.14 build:
    /// 4096 plus the sizes of the largest rules, capabilities, tags and certificates of ownership a config
    /// can carry). A config chunk announcing this total length or more is dropped.
    public static let networkConfigCapacity = 484_520
    /// ZeroTier's buffer size for the metadata of NETWORK_CONFIG_REQUEST.
    public static let requestMetadataCapacity = 1024

    public private(set) var entries: [Entry]
    /// Buffer size including the terminating NUL: the serialized form stays below it.
    public let capacity: Int
    /// Length of `encoded`.
    public private(set) var encodedCount: Int

    public init(capacity: Int = NetworkDictionary.networkConfigCapacity) {
        precondition(capacity >= 1)
        self.entries = []
        self.capacity = capacity
        self.encodedCount = 0
    }

    /// Parses a serialized dictionary. Everything from the first NUL on is ignored (ZeroTier's buffers are C
    /// strings); throws if what remains does not fit `capacity`. Never traps on malformed text: lines it
    /// cannot use are skipped, as ZeroTier's lookups skip them.
    public init<Bytes: Collection>(decoding bytes: Bytes,
                                   capacity: Int = NetworkDictionary.networkConfigCapacity) throws(DecodingError)
    where Bytes.Element == UInt8 {
        self.init(capacity: capacity)
        let text = Array(bytes.prefix { $0 != 0 })
        guard text.count < capacity else {
            throw .invalid("dictionary of \(text.count) bytes (capacity \(capacity))")
        }
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == Self.cr || $0 == Self.lf }) {
            guard let equals = line.firstIndex(of: Self.equals), equals > line.startIndex,
                  let key = String(validating: line[..<equals], as: UTF8.self) else { continue }
            entries.append(Entry(key: key, value: Self.unescape(line[(equals + 1)...])))
        }
        encodedCount = entries.reduce(0) { $0 + Self.encodedCount(of: $1) } + max(entries.count - 1, 0)
    }

    /// The serialized form, byte for byte what ZeroTier writes for the same sequence of `add` calls.
    public var encoded: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(encodedCount)
        for (index, entry) in entries.enumerated() {
            if index > 0 { out.append(Self.lf) }
            out.append(contentsOf: entry.key.utf8)
            out.append(Self.equals)
            for byte in entry.value {
                if let escaped = Self.escape(byte) {
                    out.append(Self.backslash)
                    out.append(escaped)
                } else {
                    out.append(byte)
                }
            }
        }
        return out
    }

    public var isEmpty: Bool { entries.isEmpty }

    // MARK: - Reading

    /// The raw (unescaped) value of the first entry named `key`.
    public func bytes(_ key: String) -> [UInt8]? { entries.first { $0.key == key }?.value }

    public func contains(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// The value up to its first NUL, as UTF-8 (invalid sequences become U+FFFD). ZeroTier reads text fields
    /// into C strings, so nothing after a NUL counts.
    public func string(_ key: String) -> String? {
        bytes(key).map { value in String(decoding: value.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// A hex integer. nil if the key is missing or its value empty (where ZeroTier falls back to a default);
    /// text that is not hex reads as 0, too large a number as `UInt64.max`, a negative one wraps around.
    public func uint64(_ key: String) -> UInt64? {
        guard let value = bytes(key), !value.isEmpty else { return nil }
        let parsed = Self.parseHex(value)
        guard !parsed.overflow else { return .max }
        return parsed.negative ? 0 &- parsed.magnitude : parsed.magnitude
    }

    /// A signed hex integer (`-` for negative), clamped to the range of `Int64` like `strtoll`.
    public func int64(_ key: String) -> Int64? {
        guard let value = bytes(key), !value.isEmpty else { return nil }
        let parsed = Self.parseHex(value)
        if parsed.negative {
            return parsed.overflow || parsed.magnitude > Int64.min.magnitude ? .min : Int64(truncatingIfNeeded: 0 &- parsed.magnitude)
        }
        return parsed.overflow || parsed.magnitude > UInt64(Int64.max) ? .max : Int64(parsed.magnitude)
    }

    /// True when the value starts with `1`, `t` or `T`; false for any other value (including an empty one);
    /// nil when the key is missing.
    public func bool(_ key: String) -> Bool? {
        bytes(key).map { value in value.first.map { Self.trueInitials.contains($0) } ?? false }
    }

    /// A ZeroTier address written as hex; like ZeroTier, only the low 40 bits of the number count.
    public func address(_ key: String) -> Address? {
        uint64(key).map { Address(rawValue: $0 & 0xff_ffff_ffff)! }
    }

    // MARK: - Writing

    /// Appends an entry with a raw value (escaped on output). The key must be a non-empty name without NUL,
    /// CR, LF or `=`. Throws, leaving the dictionary unchanged, if the result would not fit the capacity.
    public mutating func append(_ key: String, bytes value: [UInt8]) throws(CapacityExceeded) {
        precondition(!key.isEmpty && !key.utf8.contains { $0 == 0 || $0 == Self.cr || $0 == Self.lf || $0 == Self.equals },
                     "invalid dictionary key \(key.debugDescription)")
        let entry = Entry(key: key, value: value)
        let grown = encodedCount + (entries.isEmpty ? 0 : 1) + Self.encodedCount(of: entry)
        guard grown < capacity else { throw CapacityExceeded(key: key, capacity: capacity) }
        entries.append(entry)
        encodedCount = grown
    }

    /// Text, cut at its first NUL as ZeroTier's C-string `add` does.
    public mutating func append(_ key: String, string value: String) throws(CapacityExceeded) {
        try append(key, bytes: Array(value.utf8.prefix { $0 != 0 }))
    }

    /// 16 lowercase hex digits.
    public mutating func append(_ key: String, uint64 value: UInt64) throws(CapacityExceeded) {
        try append(key, bytes: Self.hex16(value))
    }

    /// 16 lowercase hex digits of the magnitude, after a `-` when negative.
    public mutating func append(_ key: String, int64 value: Int64) throws(CapacityExceeded) {
        try append(key, bytes: (value < 0 ? [UInt8(ascii: "-")] : []) + Self.hex16(value.magnitude))
    }

    /// `1` or `0`.
    public mutating func append(_ key: String, bool value: Bool) throws(CapacityExceeded) {
        try append(key, bytes: [value ? UInt8(ascii: "1") : UInt8(ascii: "0")])
    }

    /// 10 lowercase hex digits.
    public mutating func append(_ key: String, address value: Address) throws(CapacityExceeded) {
        try append(key, bytes: Array(value.description.utf8))
    }

    // MARK: - Format details

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let equals = UInt8(ascii: "=")
    private static let backslash = UInt8(ascii: "\\")
    private static let trueInitials: Set<UInt8> = [UInt8(ascii: "1"), UInt8(ascii: "t"), UInt8(ascii: "T")]

    /// The letter after the backslash for a byte that must be escaped, nil for a byte written as is.
    private static func escape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0: UInt8(ascii: "0")
        case cr: UInt8(ascii: "r")
        case lf: UInt8(ascii: "n")
        case equals: UInt8(ascii: "e")
        case backslash: backslash
        default: nil
        }
    }

    private static func unescape(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.count)
        var escaping = false
        for byte in text {
            if escaping {
                escaping = false
                switch byte {
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "r"): out.append(cr)
                case UInt8(ascii: "n"): out.append(lf)
                case UInt8(ascii: "e"): out.append(equals)
                default: out.append(byte)
                }
            } else if byte == backslash {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return out
    }

    private static func encodedCount(of entry: Entry) -> Int {
        entry.key.utf8.count + 1 + entry.value.reduce(0) { $0 + (escape($1) == nil ? 1 : 2) }
    }

    private static func hex16(_ value: UInt64) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<16).map { digits[Int(value >> UInt64((15 - $0) * 4) & 0xf)] }
    }

    /// `strtoull(text, NULL, 16)` without the sign applied: leading white space, an optional sign, an optional
    /// `0x` before a hex digit, then hex digits up to the first other byte. ZeroTier reads integer values
    /// through a 128-byte buffer, so only the first 127 bytes count.
    private static func parseHex(_ value: [UInt8]) -> (magnitude: UInt64, negative: Bool, overflow: Bool) {
        let text = value.prefix(127)
        var index = text.startIndex
        while index < text.endIndex, text[index] == 0x20 || (0x09...0x0d).contains(text[index]) { index += 1 }
        var negative = false
        if index < text.endIndex, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        if index + 2 < text.endIndex, text[index] == UInt8(ascii: "0"),
           text[index + 1] | 0x20 == UInt8(ascii: "x"), Hex.nibble(text[index + 2]) != nil {
            index += 2
        }
        var magnitude: UInt64 = 0
        var overflow = false
        while index < text.endIndex, let nibble = Hex.nibble(text[index]) {
            if magnitude >> 60 != 0 { overflow = true }
            magnitude = magnitude << 4 | UInt64(nibble)
            index += 1
        }
        return (magnitude, negative, overflow)
    }
}
