/// OK (verb 0x03): the answer to a request.
///
/// | size | field |
/// |---|---|
/// | 1 | in-re verb: the verb of the request |
/// | 8 | in-re packet ID: the request's packet ID as it was on the wire |
/// | rest | body, by in-re verb (`Body`) |
///
/// An in-re verb number no verb has throws.
public struct OKMessage: WireMessage {
    public static let verb = Verb.ok

    public enum Body: Hashable, Sendable {
        case hello(HelloReply)
        case whois(WhoisReply)
        case networkConfigRequest(NetworkConfigChunk)
        case multicastGather(MulticastGatherReply)
        case multicastFrame(MulticastFrameReply)
        /// OK(EXT_FRAME), asked for by EXT_FRAME's flag 0x10: the network ID (bytes after it are ignored).
        case extFrame(NetworkID)
        /// OK(ECHO): a copy of the ECHO's bytes. ZeroTier also acknowledges NETWORK_CONFIG with in-re verb
        /// ECHO, carrying network ID and config update ID (`configAcknowledgement` reads them).
        case echo([UInt8])
        /// Any other in-re verb; the body is kept raw.
        case other(Verb, [UInt8])

        public var inReVerb: Verb {
            switch self {
            case .hello: .hello
            case .whois: .whois
            case .networkConfigRequest: .networkConfigRequest
            case .multicastGather: .multicastGather
            case .multicastFrame: .multicastFrame
            case .extFrame: .extFrame
            case .echo: .echo
            case let .other(verb, _): verb
            }
        }
    }

    public var inRePacketID: UInt64
    public var body: Body

    public var inReVerb: Verb { body.inReVerb }

    public init(inRePacketID: UInt64, body: Body) {
        self.inRePacketID = inRePacketID
        self.body = body
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let verb = try reader.readVerb()
        inRePacketID = try reader.readUInt64()
        switch verb {
        case .hello: body = .hello(try HelloReply(from: &reader))
        case .whois: body = .whois(try WhoisReply(from: &reader))
        case .networkConfigRequest: body = .networkConfigRequest(try NetworkConfigChunk(from: &reader))
        case .multicastGather: body = .multicastGather(try MulticastGatherReply(from: &reader))
        case .multicastFrame: body = .multicastFrame(try MulticastFrameReply(from: &reader))
        case .extFrame: body = .extFrame(try reader.readNetworkID())
        case .echo: body = .echo(reader.readRest())
        default: body = .other(verb, reader.readRest())
        }
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(inReVerb.rawValue)
        writer.write(inRePacketID)
        switch body {
        case let .hello(reply): reply.encode(to: &writer)
        case let .whois(reply): reply.encode(to: &writer)
        case let .networkConfigRequest(chunk): chunk.encode(to: &writer)
        case let .multicastGather(reply): reply.encode(to: &writer)
        case let .multicastFrame(reply): reply.encode(to: &writer)
        case let .extFrame(network): writer.write(network)
        case let .echo(bytes): writer.write(bytes)
        case let .other(_, bytes): writer.write(bytes)
        }
    }

    /// The acknowledgement of a NETWORK_CONFIG push (OK with in-re verb ECHO): network ID and config update ID.
    public static func configAcknowledgement(inRePacketID: UInt64, network: NetworkID, updateID: UInt64) -> OKMessage {
        var writer = ByteWriter(capacity: 16)
        writer.write(network)
        writer.write(updateID)
        return OKMessage(inRePacketID: inRePacketID, body: .echo(writer.bytes))
    }

    /// Reads an OK(ECHO) body as a NETWORK_CONFIG acknowledgement; nil unless it is exactly 16 bytes.
    public var configAcknowledgement: (network: NetworkID, updateID: UInt64)? {
        guard case let .echo(bytes) = body, bytes.count == 16 else { return nil }
        var reader = ByteReader(bytes)
        guard let network = try? reader.readNetworkID(), let updateID = try? reader.readUInt64() else { return nil }
        return (network, updateID)
    }
}
