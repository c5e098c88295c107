/// A typed ZeroTier message: the payload of one verb (the bytes after the verb byte, decrypted and
/// decompressed), with exactly one decoder and one encoder.
///
/// Decoders never trap: counts are bounded by the bytes actually present and every length is checked
/// by `ByteReader`. Where ZeroTier ignores bytes after the fields it knows (forward compatibility), so do
/// the decoders; such bytes are not kept unless the message type says otherwise. Where the layout is
/// deterministic, `encode` reproduces the bytes that were decoded.
public protocol WireMessage: Hashable, Sendable {
    /// The verb whose payload this message is.
    static var verb: Verb { get }

    /// Decodes the message from the rest of `reader` (a message always extends to the end of its payload).
    init(from reader: inout ByteReader) throws(DecodingError)

    func encode(to writer: inout ByteWriter)
}

extension WireMessage {
    /// Decodes a whole payload.
    public init(payload: [UInt8]) throws(DecodingError) {
        var reader = ByteReader(payload)
        try self.init(from: &reader)
    }

    /// The payload bytes (what follows the verb byte before compression and encryption).
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        encode(to: &writer)
        return writer.bytes
    }
}
