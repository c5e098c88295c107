/// What one UDP payload on ZeroTier's port can be, classified the way ZeroTier's receive path does:
/// 13 bytes is a legacy LAN beacon; more than 16 bytes with `0xff` at offset 13 is a fragment; 28 bytes or more
/// is a packet (possibly the head of a fragmented one). Anything else, such as the 4-byte junk datagrams sent
/// to open NAT mappings, throws.
public enum Datagram: Hashable, Sendable {
    case packet(Packet)
    case fragment(Fragment)
    /// Pre-1.0.4 peers announced themselves on the LAN with 8 random bytes and their address.
    case beacon(Address)

    static let beaconLength = 13

    /// Which of the cases `bytes` is, without decoding it.
    public enum Shape: Sendable {
        case packet, fragment, beacon, invalid
    }

    public static func shape(of bytes: [UInt8]) -> Shape {
        if bytes.count == beaconLength { return .beacon }
        if bytes.count > Fragment.headerSize, bytes[Fragment.indicatorOffset] == Fragment.indicator { return .fragment }
        return bytes.count >= PacketHeader.size ? .packet : .invalid
    }

    public init(bytes: [UInt8]) throws(DecodingError) {
        switch Self.shape(of: bytes) {
        case .beacon:
            var reader = ByteReader(bytes)
            try reader.skip(8)
            self = .beacon(try reader.readAddress())
        case .fragment:
            self = .fragment(try Fragment(bytes: bytes))
        case .packet:
            self = .packet(try Packet(bytes: bytes))
        case .invalid:
            throw .invalid("datagram of \(bytes.count) bytes")
        }
    }
}
