import CLZ4

/// LZ4 compression of a packet's payload (the bytes after the verb byte), ZeroTier's optional step between
/// composing a packet and armoring it. The payload becomes one raw LZ4 block (no frame, no length prefix) and
/// the verb byte gets its `0x80` flag. ZeroTier only does this when the payload is longer than 64 bytes and the
/// block comes out strictly shorter.
public enum PacketCompression {
    /// Payloads of this many bytes or fewer are never compressed.
    public static let minimumCompressibleLength = 64

    /// The LZ4 block for `payload`, or nil when ZeroTier would send it uncompressed (too short, or no gain).
    public static func compress(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.count > minimumCompressibleLength, payload.count <= ProtocolLimits.maxPacketLength else { return nil }
        let capacity = Int(LZ4_compressBound(Int32(payload.count)))
        var output = [UInt8](repeating: 0, count: capacity)
        let written = payload.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                // Acceleration 1, as ZeroTier calls it (same as LZ4_compress_default).
                LZ4_compress_fast(source.baseAddress!.assumingMemoryBound(to: CChar.self),
                                  target.baseAddress!.assumingMemoryBound(to: CChar.self),
                                  Int32(payload.count), Int32(capacity), 1)
            }
        }
        guard written > 0, Int(written) < payload.count else { return nil }
        output.removeSubrange(Int(written)...)
        return output
    }

    /// Expands an LZ4 block into at most `maxLength` bytes (by default what a packet can hold). Throws on any
    /// malformed block, on output that would exceed the bound, and on an empty result, which ZeroTier rejects too.
    public static func decompress(_ block: [UInt8], maxLength: Int = ProtocolLimits.maxPayloadLength) throws(DecodingError) -> [UInt8] {
        guard !block.isEmpty, block.count <= ProtocolLimits.maxPacketLength else { throw .invalid("LZ4 block length \(block.count)") }
        precondition(maxLength >= 1 && maxLength <= Int(Int32.max))
        var output = [UInt8](repeating: 0, count: maxLength)
        let produced = block.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                LZ4_decompress_safe(source.baseAddress!.assumingMemoryBound(to: CChar.self),
                                    target.baseAddress!.assumingMemoryBound(to: CChar.self),
                                    Int32(block.count), Int32(maxLength))
            }
        }
        guard produced > 0 else { throw .invalid("LZ4 block") }
        output.removeSubrange(Int(produced)...)
        return output
    }
}

extension Packet {
    /// This packet with its payload compressed and the compressed flag set, or unchanged when compression
    /// doesn't pay or the payload is already compressed. Only for a packet that is not yet armored.
    public func compressed() -> Packet {
        guard !header.isCompressed, let block = PacketCompression.compress(payload) else { return self }
        var result = self
        result.payload = block
        result.header.isCompressed = true
        return result
    }

    /// This packet with its payload decompressed and the flag cleared; unchanged if the flag isn't set. An
    /// empty payload with the flag set is accepted and just loses the flag, as in ZeroTier. Only for a
    /// dearmored packet.
    public func decompressed() throws(DecodingError) -> Packet {
        guard header.isCompressed else { return self }
        var result = self
        result.header.isCompressed = false
        if !payload.isEmpty {
            result.payload = try PacketCompression.decompress(payload)
        }
        return result
    }
}
