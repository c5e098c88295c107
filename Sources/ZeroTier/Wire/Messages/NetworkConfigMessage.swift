/// NETWORK_CONFIG (verb 0x0c): a controller pushing (a chunk of) a network configuration unasked. Same body
/// as OK(NETWORK_CONFIG_REQUEST) without the in-re fields (`NetworkConfigChunk`). ZeroTier's notes call the
/// chunking and signature fields mandatory here, but its code takes an unsigned whole config from the
/// controller itself, so `chunk.update` stays optional. A member that accepts the chunk answers OK with
/// in-re verb ECHO (sic) carrying network ID and config update ID.
public struct NetworkConfigMessage: WireMessage {
    public static let verb = Verb.networkConfig

    public var chunk: NetworkConfigChunk

    public init(chunk: NetworkConfigChunk) {
        self.chunk = chunk
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        chunk = try NetworkConfigChunk(from: &reader)
    }

    public func encode(to writer: inout ByteWriter) { chunk.encode(to: &writer) }
}
