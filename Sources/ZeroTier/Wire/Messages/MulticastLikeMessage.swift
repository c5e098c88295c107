/// MULTICAST_LIKE (verb 0x09): subscriptions to multicast groups, sent to roots and network peers.
///
/// Payload: back-to-back 18-byte entries of network ID (8), MAC (6), ADI (BE u32). A partial entry at the
/// end throws (ZeroTier stops there with an error too).
public struct MulticastLikeMessage: WireMessage {
    public static let verb = Verb.multicastLike

    public struct Like: Hashable, Sendable {
        public var network: NetworkID
        public var group: MulticastGroup

        public init(network: NetworkID, group: MulticastGroup) {
            self.network = network
            self.group = group
        }
    }

    public static let entryByteCount = 18

    public var likes: [Like]

    public init(likes: [Like]) {
        self.likes = likes
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        var likes = [Like]()
        while !reader.isAtEnd {
            let network = try reader.readNetworkID()
            likes.append(Like(network: network, group: try reader.readMulticastGroup()))
        }
        self.likes = likes
    }

    public func encode(to writer: inout ByteWriter) {
        for like in likes {
            writer.write(like.network)
            writer.write(like.group)
        }
    }
}
