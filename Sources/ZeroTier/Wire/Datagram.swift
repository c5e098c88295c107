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

    public init(bytes: [UInt8]) throws(DecodingError) {
        if bytes.count == Self.beaconLength {
            var reader = ByteReader(bytes)
            try reader.skip(8)
            self = .beacon(try reader.readAddress())
        } else if bytes.count > Fragment.headerSize, bytes[Fragment.indicatorOffset] == Fragment.indicator {
            self = .fragment(try Fragment(bytes: bytes))
        } else if bytes.count >= PacketHeader.size {
            self = .packet(try Packet(bytes: bytes))
        } else {
            throw .invalid("datagram of \(bytes.count) bytes")
        }
    }
}
