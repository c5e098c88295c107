/// NETWORK_CONFIG_REQUEST (verb 0x0b): a member asking the controller for a network's configuration.
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 2 | length of the metadata Dictionary |
/// | n | metadata Dictionary (`key=value` lines: protocol and software version, limits, OS/arch...) |
/// | 8 | revision of the config the member has (0 if none) |
/// | 8 | timestamp of that config (0 if none) |
///
/// The two trailing fields are read only when all 16 bytes are there (controllers ignore them); other
/// bytes after the Dictionary are ignored.
public struct NetworkConfigRequestMessage: WireMessage {
    public static let verb = Verb.networkConfigRequest

    /// The config a member already has, as it reports it.
    public struct CurrentConfig: Hashable, Sendable {
        public var revision: UInt64
        public var timestamp: UInt64

        public init(revision: UInt64, timestamp: UInt64) {
            self.revision = revision
            self.timestamp = timestamp
        }

        /// What a member without a config sends.
        public static let empty = CurrentConfig(revision: 0, timestamp: 0)
    }

    public var network: NetworkID
    /// The serialized metadata Dictionary, raw.
    public var metadata: [UInt8]
    /// nil when the request ends after the Dictionary (ZeroTier 1.14 always sends it, zeros if it has none).
    public var current: CurrentConfig?

    public init(network: NetworkID, metadata: [UInt8], current: CurrentConfig? = CurrentConfig.empty) {
        precondition(metadata.count <= Int(UInt16.max))
        self.network = network
        self.metadata = metadata
        self.current = current
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        metadata = try reader.readBytes(Int(try reader.readUInt16()))
        if reader.remaining >= 16 {
            let revision = try reader.readUInt64()
            current = CurrentConfig(revision: revision, timestamp: try reader.readUInt64())
        } else {
            current = nil
        }
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(network)
        writer.write(UInt16(metadata.count))
        writer.write(metadata)
        if let current {
            writer.write(current.revision)
            writer.write(current.timestamp)
        }
    }
}
