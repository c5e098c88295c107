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

    public func encode(to writer: inout ByteWriter) {
        writer.write(network)
        writer.write(etherType)
        writer.write(payload)
    }
}
