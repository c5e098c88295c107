/// The controller's side of config delivery: a serialized config Dictionary cut into signed chunks, each the
/// body of one OK(NETWORK_CONFIG_REQUEST) or NETWORK_CONFIG (`NetworkConfigChunk`).
///
/// As ZeroTier 1.14's controller does it: chunks of at most `maxChunkLength` bytes in order, no flags, one
/// update ID for all of them (never 0), the Dictionary's total length and each chunk's offset, and the
/// controller's C25519 signature over `chunk.signedBytes`. A config of a few KB fits one chunk.
public enum NetworkConfigChunker {
    /// ZeroTier's chunk size: the largest packet less the header and 256 bytes of room for the in-re fields,
    /// chunk framing and signature (9,740 bytes).
    public static let maxChunkLength = ProtocolLimits.maxPacketLength - (PacketHeader.size + 256)

    /// Signed chunks for `dictionary`; nil if `controller` holds no secret key. `updateID` should be random
    /// per config sent (0 becomes 1, as in ZeroTier). An empty dictionary gives no chunks.
    public static func chunks(of dictionary: [UInt8], network: NetworkID, updateID: UInt64, signedBy controller: Identity,
                              maxChunkLength: Int = NetworkConfigChunker.maxChunkLength) -> [NetworkConfigChunk]? {
        precondition(dictionary.count < NetworkDictionary.networkConfigCapacity, "config larger than ZeroTier accepts")
        precondition((1...Int(UInt16.max)).contains(maxChunkLength))
        guard controller.hasSecret else { return nil }
        let updateID = updateID == 0 ? 1 : updateID
        var chunks = [NetworkConfigChunk]()
        var offset = 0
        while offset < dictionary.count {
            let length = min(dictionary.count - offset, maxChunkLength)
            var chunk = NetworkConfigChunk(
                network: network, data: Array(dictionary[offset..<offset + length]),
                update: NetworkConfigChunk.Update(id: updateID, totalLength: UInt32(dictionary.count),
                                                  offset: UInt32(offset), signature: []))
            guard let signature = controller.sign(chunk.signedBytes) else { return nil }
            chunk.update?.signature = signature
            chunks.append(chunk)
            offset += length
        }
        return chunks
    }
}
