/// FRAME (verb 0x06): an Ethernet frame between two members, with the MACs left out (both are derived from
/// the packet's source and destination addresses on the network).
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 2 | ethertype |
/// | rest | frame payload (the Ethernet frame after its 14-byte header) |
public struct FrameMessage: WireMessage {
    public static let verb = Verb.frame

    public var network: NetworkID
    public var etherType: UInt16
    public var payload: [UInt8]

    public init(network: NetworkID, etherType: UInt16, payload: [UInt8]) {
        self.network = network
        self.etherType = etherType
        self.payload = payload
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        etherType = try reader.readUInt16()
        payload = reader.readRest()
    }

    /// Where a FRAME's fields sit in a whole dearmored packet (`bytes` from the packet ID on): the Ethernet
    /// payload can then go on as a slice of the packet, uncopied.
    public static func layout(inPacket bytes: [UInt8]) throws(DecodingError) -> (network: NetworkID, etherType: UInt16, payload: Range<Int>) {
        var reader = ByteReader(bytes)
        try reader.skip(PacketHeader.size)
        let network = try reader.readNetworkID()
        let etherType = try reader.readUInt16()
        return (network, etherType, reader.offset..<bytes.count)
    }

    public func encode(to writer: inout ByteWriter) {
        Self.encode(network: network, etherType: etherType, payload: payload[...], to: &writer)
    }

    /// The message's bytes for fields not gathered in a value (the per-frame send path writes them straight
    /// after the packet header).
    public static func encode(network: NetworkID, etherType: UInt16, payload: ArraySlice<UInt8>, to writer: inout ByteWriter) {
        writer.write(network)
        writer.write(etherType)
        writer.write(payload)
    }

    /// FRAME's bytes before the Ethernet payload.
    public static let fieldsLength = 10
}
