/// Appends big-endian integers and raw bytes: the one encoder every wire and file format in netcon uses.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: UInt16) { writeBigEndian(UInt64(value), width: 2) }
    public mutating func write(_ value: UInt32) { writeBigEndian(UInt64(value), width: 4) }
    public mutating func write(_ value: UInt64) { writeBigEndian(value, width: 8) }
    public mutating func write<Bytes: Sequence>(_ raw: Bytes) where Bytes.Element == UInt8 { bytes.append(contentsOf: raw) }

    /// Writes the low `width` bytes of `value`, most significant first (e.g. 5 for a ZeroTier address).
    public mutating func writeBigEndian(_ value: UInt64, width: Int) {
        precondition(width >= 1 && width <= 8)
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Overwrites two bytes at `offset` (for length fields known only after the body is written).
    public mutating func patch(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}
