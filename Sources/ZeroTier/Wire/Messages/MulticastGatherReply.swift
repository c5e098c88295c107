/// The body of OK(MULTICAST_GATHER): network ID (8), group MAC (6) and ADI (4), then the gather results.
/// Bytes after the listed addresses are ignored.
public struct MulticastGatherReply: Hashable, Sendable {
    public var network: NetworkID
    public var group: MulticastGroup
    public var results: MulticastGatherResults

    public init(network: NetworkID, group: MulticastGroup, results: MulticastGatherResults) {
        self.network = network
        self.group = group
        self.results = results
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        group = try reader.readMulticastGroup()
        results = try MulticastGatherResults(from: &reader)
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(network)
        writer.write(group)
        results.encode(to: &writer)
    }
}
