/// Why a byte sequence could not be decoded. Decoders throw this instead of trapping on bad input.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(needed: Int, remaining: Int)
    case invalid(String)

    public var description: String {
        switch self {
        case let .truncated(needed, remaining): "truncated input (needed \(needed) more bytes, \(remaining) left)"
        case let .invalid(what): "invalid \(what)"
        }
    }
}

/// Reads big-endian integers and byte runs from a buffer, bounds-checked: the one decoder every wire
/// and file format in netcon uses.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    /// Shares the array's storage: no copy.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    public init<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        self.bytes = Array(bytes)
        self.offset = 0
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }

    private mutating func need(_ count: Int) throws(DecodingError) {
        guard count >= 0, count <= remaining else { throw .truncated(needed: count, remaining: remaining) }
    }

    public mutating func readUInt8() throws(DecodingError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt16() throws(DecodingError) -> UInt16 { UInt16(try readBigEndian(width: 2)) }
    public mutating func readUInt32() throws(DecodingError) -> UInt32 { UInt32(try readBigEndian(width: 4)) }
    public mutating func readUInt64() throws(DecodingError) -> UInt64 { try readBigEndian(width: 8) }

    public mutating func readBigEndian(width: Int) throws(DecodingError) -> UInt64 {
        precondition(width >= 1 && width <= 8)
        try need(width)
        var value: UInt64 = 0
        for i in 0..<width { value = value << 8 | UInt64(bytes[offset + i]) }
        offset += width
        return value
    }

    public mutating func readBytes(_ count: Int) throws(DecodingError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func skip(_ count: Int) throws(DecodingError) {
        try need(count)
        offset += count
    }

    public mutating func readRest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}
