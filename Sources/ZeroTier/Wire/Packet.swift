/// A whole ZeroTier packet (unfragmented, or reassembled from its head and fragments): the header and the
/// payload that follows the verb byte. No crypto happens here; the payload is whatever is on the wire.
public struct Packet: Hashable, Sendable {
    public var header: PacketHeader
    /// The bytes after the verb byte (offset 28 onwards).
    public var payload: [UInt8]

    public init(header: PacketHeader, payload: [UInt8] = []) {
        self.header = header
        self.payload = payload
    }

    /// Decodes a complete packet: at least the 28-byte header, at most `ProtocolLimits.maxPacketLength`.
    public init(bytes: [UInt8]) throws(DecodingError) {
        guard bytes.count <= ProtocolLimits.maxPacketLength else {
            throw .invalid("packet length \(bytes.count) (maximum \(ProtocolLimits.maxPacketLength))")
        }
        var reader = ByteReader(bytes)
        header = try PacketHeader(from: &reader)
        payload = reader.readRest()
    }

    /// Total length on the wire.
    public var length: Int { PacketHeader.size + payload.count }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: length)
        header.write(to: &writer)
        writer.write(payload)
        return writer.bytes
    }
}
