/// A continuation of a packet too large for one datagram (the head travels as an ordinary packet with the
/// fragmented flag set and counts as fragment 0):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | packet ID of the packet this belongs to |
/// | 8 | 5 | destination address |
/// | 13 | 1 | `0xff`: a reserved address prefix, so this can't be mistaken for a packet's source |
/// | 14 | 1 | total fragments (head included) << 4 ‖ this fragment's number (1 or more) |
/// | 15 | 1 | relay hop count |
/// | 16 | … | the next slice of the armored packet |
public struct Fragment: Hashable, Sendable {
    public static let headerSize = 16
    public static let indicator: UInt8 = 0xff
    static let indicatorOffset = 13

    public var packetID: UInt64
    public var destination: Address
    /// Position of this fragment, 1 ..< `total` (the head is number 0).
    public var number: UInt8
    /// Number of pieces including the head, 2 ... 15.
    public var total: UInt8
    /// Relay hop count; ZeroTier sends 0 and relays increment it.
    public var hops: UInt8
    public var data: [UInt8]

    public init(packetID: UInt64, destination: Address, number: UInt8, total: UInt8, hops: UInt8 = 0, data: [UInt8]) {
        precondition(number >= 1 && number < total && total <= 15, "fragment \(number) of \(total)")
        self.packetID = packetID
        self.destination = destination
        self.number = number
        self.total = total
        self.hops = hops
        self.data = data
    }

    /// Decodes a fragment datagram. Throws unless the indicator byte is `0xff`, the fragment number is at least
    /// 1 and below the total; limits beyond that (`ProtocolLimits.maxFragments`) are the reassembler's business.
    public init(bytes: [UInt8]) throws(DecodingError) {
        guard bytes.count <= ProtocolLimits.maxPacketLength else {
            throw .invalid("fragment length \(bytes.count)")
        }
        var reader = ByteReader(bytes)
        packetID = try reader.readUInt64()
        destination = try reader.readAddress()
        guard try reader.readUInt8() == Self.indicator else { throw .invalid("fragment indicator") }
        let position = try reader.readUInt8()
        number = position & 0x0f
        total = position >> 4
        guard number >= 1, number < total else { throw .invalid("fragment number \(number) of \(total)") }
        hops = try reader.readUInt8()
        data = reader.readRest()
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.headerSize + data.count)
        Self.writeHeader(packetID: packetID, destination: destination, number: number, total: total, hops: hops, to: &writer)
        writer.write(data)
        return writer.bytes
    }

    /// The 16 bytes before a fragment's data.
    static func writeHeader(packetID: UInt64, destination: Address, number: UInt8, total: UInt8, hops: UInt8,
                            to writer: inout ByteWriter) {
        writer.write(packetID)
        writer.write(destination)
        writer.write(indicator)
        writer.write(total << 4 | number)
        writer.write(hops)
    }
}
